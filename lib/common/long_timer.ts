/**
 * Timers for delays that come from a user (a service file, an option),
 * honoured exactly whatever their length. The runtime's `setTimeout` takes at
 * most 2^31−1 ms (24.8 days): above that, and for a negative or NaN delay, it
 * fires after 1 ms and prints its own `TimeoutOverflowWarning` on stderr. Here
 * a longer delay is a chain of runtime timers of at most 2^31−1 ms, each armed
 * for what is left until the deadline on the monotonic clock, so the chain
 * ends at the deadline, not at the sum of its links' lateness. `Infinity`
 * never fires (s6's `timeout-kill` 0): it arms nothing, so it does not keep
 * the process alive either.
 *
 * @example
 * ```ts
 * import { clearLongTimeout, setLongTimeout } from "./long_timer.ts";
 * const t = setLongTimeout(() => console.log("35 days later"), 3_000_000_000);
 * clearLongTimeout(t);
 * ```
 *
 * @module
 */

/** The longest delay one runtime timer takes: 2^31−1 ms. */
export const MAX_RUNTIME_DELAY_MS = 2 ** 31 - 1;

/** What a long timer is armed with: the runtime's pair and a monotonic clock (faked in tests). */
export interface TimerClock {
  /** Arms one runtime timer (never given more than {@link MAX_RUNTIME_DELAY_MS}). */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Disarms what `setTimeout` returned. */
  clearTimeout(id: unknown): void;
  /** Milliseconds on a clock that never goes back. */
  now(): number;
}

/** The runtime's timers and `performance.now()`. */
export const RUNTIME_CLOCK: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
  now: () => performance.now(),
};

/** A pending (or spent, or cancelled) long timer. */
export class LongTimeout {
  readonly #fn: () => void;
  readonly #clock: TimerClock;
  readonly #deadline: number;
  #id: unknown = undefined;
  #pending = true;

  /**
   * Calls `fn` once, `ms` from now: 0 or more, `Infinity` for never (a
   * negative delay is a deadline already past: 0). Throws a RangeError for
   * NaN, which only a bug can give.
   */
  constructor(fn: () => void, ms: number, clock: TimerClock = RUNTIME_CLOCK) {
    if (Number.isNaN(ms)) throw new RangeError("timer delay is not a number");
    this.#fn = fn;
    this.#clock = clock;
    this.#deadline = clock.now() + Math.max(0, ms);
    if (this.#deadline !== Infinity) this.#arm();
  }

  /** True until it has fired or been cancelled. */
  get pending(): boolean {
    return this.#pending;
  }

  /** Disarms it; it will not fire. Harmless when already spent. */
  cancel(): void {
    this.#pending = false;
    if (this.#id !== undefined) this.#clock.clearTimeout(this.#id);
    this.#id = undefined;
  }

  #arm(): void {
    const left = Math.max(0, this.#deadline - this.#clock.now());
    this.#id = this.#clock.setTimeout(() => this.#tick(), Math.min(left, MAX_RUNTIME_DELAY_MS));
  }

  #tick(): void {
    this.#id = undefined;
    if (!this.#pending) return;
    // a link of the chain ended (or the runtime fired a hair early): the rest
    if (this.#clock.now() < this.#deadline) return this.#arm();
    this.#pending = false;
    this.#fn();
  }
}

/** `new LongTimeout(fn, ms, clock)`: a `setTimeout` for any delay. */
export function setLongTimeout(
  fn: () => void,
  ms: number,
  clock: TimerClock = RUNTIME_CLOCK,
): LongTimeout {
  return new LongTimeout(fn, ms, clock);
}

/** Cancels `t` (undefined: nothing to do), as `clearTimeout`. */
export function clearLongTimeout(t: LongTimeout | undefined): void {
  t?.cancel();
}

/** Resolves `ms` from now (any delay; `Infinity`: never). */
export function sleep(ms: number, clock: TimerClock = RUNTIME_CLOCK): Promise<void> {
  return new Promise((resolve) => void new LongTimeout(resolve, ms, clock));
}

/**
 * Resolves once every promise of `ps` has, or at `deadline` (epoch ms, as
 * `Date.now()`), whichever comes first; at once when the deadline is past.
 * The deadline may be any distance away (a grace period a user chose).
 */
export async function waitAll(ps: readonly Promise<unknown>[], deadline: number): Promise<void> {
  const left = deadline - Date.now();
  if (left <= 0) return;
  let t: LongTimeout | undefined;
  await Promise.race([Promise.all(ps), new Promise<void>((r) => t = setLongTimeout(r, left))]);
  clearLongTimeout(t);
}
