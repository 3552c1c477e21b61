/**
 * A few named timers, each for a monotonic time (performance.now()), each
 * armed at most once at a time; when one comes due, `due` gets its name. The
 * delays may be any length (long_timer.ts chains them).
 *
 * @example
 * ```ts
 * import { Timers } from "./timers.ts";
 * const t = new Timers<"start">((name) => console.log(name, "due"));
 * t.arm("start", performance.now() + 10);
 * t.clear();
 * ```
 *
 * @module
 */
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "./long_timer.ts";

/** Named timers for monotonic times. */
export class Timers<N extends string> {
  readonly #due: (name: N) => void;
  readonly #armed = new Map<N, LongTimeout>();

  /** Timers whose names go to `due` as they come due. */
  constructor(due: (name: N) => void) {
    this.#due = due;
  }

  /** Arms `name` for monotonic time `at` (one armed before is cancelled). */
  arm(name: N, at: number): void {
    this.cancel(name);
    this.#armed.set(
      name,
      setLongTimeout(() => {
        this.#armed.delete(name);
        this.#due(name);
      }, Math.max(0, at - performance.now())),
    );
  }

  /** Cancels `name` if it is armed. */
  cancel(name: N): void {
    clearLongTimeout(this.#armed.get(name));
    this.#armed.delete(name);
  }

  /** Cancels every timer. */
  clear(): void {
    for (const t of this.#armed.values()) clearLongTimeout(t);
    this.#armed.clear();
  }
}
