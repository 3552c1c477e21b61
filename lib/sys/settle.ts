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
import { spawnCount } from "./spawn.ts";
import { lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  malloc_trim: { parameters: ["usize"], result: "i32" },
});

/** What a settle did: whether it collected, and the KiB of the executable given back. */
export interface Settled {
  collected: boolean;
  droppedKiB: number;
}

/** What this process's parts give back when it settles (a logger's staging areas). */
const givers = new Set<() => void>();

/**
 * `give` runs at every {@link settle}, before the collection: a part of the
 * process lets go of what a burst grew (a log flood's staging areas, kept
 * for the batches that would follow it). Returns its undoing.
 */
export function onSettle(give: () => void): () => void {
  givers.add(give);
  return () => void givers.delete(give);
}

/**
 * What the parts registered with {@link onSettle} grew given back; a full
 * collection when `gc` is exposed; then what malloc holds free given back
 * (malloc_trim: the buffers a log flood left are freed by the collection but
 * stay in malloc's arenas otherwise); then the start-up pages dropped.
 * Never throws.
 */
export function settle(): Settled {
  for (const give of givers) {
    try {
      give();
    } catch { /* a part that cannot give back keeps what it has */ }
  }
  const gc = (globalThis as { gc?: (o?: unknown) => unknown }).gc;
  let collected = false;
  if (typeof gc === "function") {
    gc({ type: "major", execution: "sync", flavor: "last-resort" });
    collected = true;
  }
  trim();
  return { collected, droppedKiB: dropExePages() };
}

/** What malloc holds free given back (malloc_trim); never throws. */
function trim(): void {
  try {
    lib().malloc_trim(0n);
  } catch { /* not glibc: nothing to give back this way */ }
}

/** Work (bytes of logs read) after which a settle is due again: the garbage it left is collected. */
export const WORK_BURST = 16 << 20;

let work = 0;
/** Work noted when malloc last gave back what it held free. */
let trimmedAt = 0;
/** Work after which malloc gives back what it holds free, whether or not the work goes on. */
const TRIM_BURST = 4 << 20;
let workSettler: Settler | null = null;

/**
 * Work that leaves garbage behind was done (`n` bytes of a log read): the
 * settler given to {@link settleAfterWork} is armed once {@link WORK_BURST}
 * more has been done since it last settled. With V8's memory reducer off, the
 * garbage of a log flood would otherwise stay until the next allocation.
 * Under steady work, which never lets it settle, malloc gives back what it
 * holds free every 4 MiB of work (malloc_trim alone, no collection: buffers
 * freed since are not kept by malloc for good; 5-7 MB with 200 loggers).
 */
export function noteWork(n: number): void {
  work += n;
  if (workSettler === null) return;
  if (work - trimmedAt >= TRIM_BURST) {
    trimmedAt = work;
    trim();
  }
  workSettler.workDone(work);
}

/** Work noted so far ({@link noteWork}): part of a settler's progress. */
export function workNoted(): number {
  return work;
}

/** `s` is armed after every {@link WORK_BURST} of work noted; null: none is. */
export function settleAfterWork(s: Settler | null): void {
  workSettler = s;
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
  /** Work noted when this last settled (or was made). */
  #workAtSettle = work;

  /**
   * A settler that runs `act` (default {@link settle}) once a burst has been
   * quiet `quietMs`; `progress` is by default this process's activity:
   * children started and work noted.
   */
  constructor(
    quietMs = 1000,
    act: () => void = () => void settle(),
    progress: () => number = () => spawnCount() + work,
  ) {
    this.#quietMs = quietMs;
    this.#act = act;
    this.#progress = progress;
  }

  /** A burst began or went on: settle once `quietMs` pass from now with no progress. */
  busy(): void {
    this.#seen = this.#progress();
    this.#arm(this.#progress);
  }

  /** Arms the timer, which settles once `watching` (the progress of a burst, or the work noted) stood still. */
  #arm(watching: () => number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const t = setTimeout(() => {
      this.#timer = undefined;
      const now = watching();
      if (now !== this.#seen) {
        this.#seen = now;
        this.#arm(watching);
      } else {
        this.#workAtSettle = work;
        this.#act();
      }
    }, this.#quietMs);
    Deno.unrefTimer(t);
    this.#timer = t;
  }

  /**
   * Work noted reached `total`: a burst of it arms this settler, which then
   * settles once `quietMs` pass with no work noted (never while work goes
   * on: a steady log load arms it once and it waits). A burst of another
   * kind armed already is left to settle on its own progress.
   */
  workDone(total: number): void {
    if (this.#timer !== undefined || total - this.#workAtSettle < WORK_BURST) return;
    this.#seen = work;
    this.#arm(workNoted);
  }

  /** No settle is due any more. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
