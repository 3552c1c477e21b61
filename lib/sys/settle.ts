/**
 * What a long-running program does once a burst of work is over, so that it
 * sleeps small: one full garbage collection, then start-up's pages of the
 * runtime given back ({@link dropExePages}).
 *
 * V8's memory reducer would collect too, on its own timers some 8 to 30
 * seconds later, waking an otherwise idle process; the launcher turns it off
 * (`--no-memory-reducer`) and exposes `gc` for the programs that settle
 * (svscan, svscanboot, supervise, `dt init`). Started another way, `gc` may be missing:
 * the pages are still given back.
 *
 * @module
 */
import { dropExePages } from "./exe_pages.ts";

/** What a settle did: whether it collected, and the KiB of the executable given back. */
export interface Settled {
  collected: boolean;
  droppedKiB: number;
}

/** A full collection when `gc` is exposed, then the start-up pages dropped. Never throws. */
export function settle(): Settled {
  const gc = (globalThis as { gc?: (o?: unknown) => unknown }).gc;
  let collected = false;
  if (typeof gc === "function") {
    try {
      gc({ type: "major", execution: "sync", flavor: "last-resort" });
      collected = true;
    } catch { /* an older V8's gc() takes no options */ }
  }
  return { collected, droppedKiB: dropExePages() };
}

/**
 * Settles once a burst is over: `quietMs` after the last {@link Settler.busy}
 * during which `progress` (a count of work done, such as children started)
 * did not move. One timer, armed only by a burst and unref'd; a settled
 * process has nothing due, and work outside a burst (a service restarting)
 * arms nothing.
 *
 * @example
 * ```ts
 * const s = new Settler(10, () => console.log("settled"));
 * s.busy(); // a burst began: settles once 10 ms pass with no progress
 * s.stop(); // nothing more
 * ```
 */
export class Settler {
  readonly #quietMs: number;
  readonly #act: () => void;
  readonly #progress: () => number;
  #seen = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** A settler that runs `act` (default {@link settle}) once a burst has been quiet `quietMs`. */
  constructor(
    quietMs = 1000,
    act: () => void = () => void settle(),
    progress: () => number = () => 0,
  ) {
    this.#quietMs = quietMs;
    this.#act = act;
    this.#progress = progress;
  }

  /** A burst began or went on: settle once `quietMs` pass from now with no progress. */
  busy(): void {
    this.#seen = this.#progress();
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const t = setTimeout(() => {
      this.#timer = undefined;
      const now = this.#progress();
      if (now !== this.#seen) {
        this.#seen = now;
        this.#arm();
      } else this.#act();
    }, this.#quietMs);
    Deno.unrefTimer(t);
    this.#timer = t;
  }

  /** No settle is due any more. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
