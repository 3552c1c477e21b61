/**
 * A clock whose time moves only when the test says, for the tests of logic
 * about time: a {@link TimerClock} to hand to what takes one, or, for code
 * that calls the runtime's `setTimeout` itself, put in its place for the
 * length of one test ({@link withFakeTimers}).
 *
 * @module
 */
import type { TimerClock } from "../../lib/common/long_timer.ts";

/** Fake time: timers fire in deadline order, only from {@link FakeClock.advance}. */
export class FakeClock implements TimerClock {
  /** The time now, in ms. */
  t = 0;
  #next = 1;
  /** The timers armed and not yet fired. */
  readonly timers = new Map<number, { at: number; fn: () => void }>();
  /** Every delay given to setTimeout. */
  readonly armed: number[] = [];
  /** How late each timer fires (a busy event loop). */
  lateness = 0;
  /** How early the next timer fires (rounding in the runtime), once. */
  earlyOnce = 0;

  /** Arms `fn` for `ms` from now; the id is for {@link clearTimeout}. */
  setTimeout(fn: () => void, ms: number): number {
    this.armed.push(ms);
    const id = this.#next++;
    this.timers.set(id, { at: this.t + ms + this.lateness - this.earlyOnce, fn });
    this.earlyOnce = 0;
    return id;
  }

  /** Disarms a timer (a spent or unknown id: nothing). */
  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** The time now. */
  now(): number {
    return this.t;
  }

  /** Moves time to `to`, firing every timer due on the way. */
  advance(to: number): void {
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (first === undefined || e[1].at < first[1].at) first = e;
      if (first === undefined || first[1].at > to) break;
      this.timers.delete(first[0]);
      this.t = Math.max(this.t, first[1].at);
      first[1].fn();
    }
    this.t = Math.max(this.t, to);
  }

  /** Moves time on by `ms`. */
  tick(ms: number): void {
    this.advance(this.t + ms);
  }
}

/**
 * Runs `fn` with the runtime's `setTimeout`, `clearTimeout` and
 * `Deno.unrefTimer` replaced by a {@link FakeClock}'s, and puts them back
 * after, whatever happens. The code under test must arm its timers while
 * `fn` runs.
 */
export async function withFakeTimers(
  fn: (clock: FakeClock) => void | Promise<void>,
): Promise<void> {
  const clock = new FakeClock();
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = { setTimeout: g.setTimeout, clearTimeout: g.clearTimeout };
  const unref = Deno.unrefTimer;
  g.setTimeout = (f: () => void, ms = 0) => clock.setTimeout(f, ms);
  g.clearTimeout = (id: unknown) => clock.clearTimeout(id);
  Deno.unrefTimer = () => {};
  try {
    await fn(clock);
  } finally {
    g.setTimeout = saved.setTimeout;
    g.clearTimeout = saved.clearTimeout;
    Deno.unrefTimer = unref;
  }
}
