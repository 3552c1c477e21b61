/**
 * The chained timer against a fake clock: every runtime timer it arms is
 * recorded, so the table checks that none is ever longer than 2^31−1 ms and
 * that the callback comes at the deadline, exactly, whatever the delay.
 */
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import {
  clearLongTimeout,
  LongTimeout,
  MAX_RUNTIME_DELAY_MS,
  setLongTimeout,
  sleep,
} from "../../lib/common/long_timer.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

const M = MAX_RUNTIME_DELAY_MS;

Deno.test("long timer: fires at the deadline, exactly, for every delay; no link over 2^31-1 ms", () => {
  const table: { ms: number; links: number }[] = [
    { ms: 0, links: 1 },
    { ms: 1, links: 1 },
    { ms: 5000, links: 1 },
    { ms: M, links: 1 },
    { ms: M + 1, links: 2 }, // 2^31: the runtime would fire it after 1 ms
    { ms: 3_000_000_000, links: 2 }, // timeout-kill of 35 days
    { ms: 9_999_999_999, links: 5 }, // the largest a 10-digit file holds
    { ms: 3_000_000 * 1000, links: 2 }, // dt init -t 3000000
    { ms: 9_999_999_999_999, links: 4657 }, // the largest dt init -t (10 digits of seconds)
  ];
  for (const { ms, links } of table) {
    const c = new FakeClock();
    c.t = 1000;
    let fired = -1;
    const t = setLongTimeout(() => fired = c.now(), ms, c);
    if (ms > 0) {
      c.advance(1000 + ms - 1);
      assertEquals([fired, t.pending], [-1, true], `${ms}: not one ms early`);
    }
    c.advance(1000 + ms);
    assertEquals(fired, 1000 + ms, `${ms}: at the deadline`);
    assertEquals(t.pending, false);
    assertEquals(c.armed.length, links, `${ms}: links`);
    assertEquals(c.armed.every((d) => d >= 0 && d <= M && Number.isInteger(d)), true, `${ms}`);
  }
});

Deno.test("long timer: late links do not add up; the deadline holds", () => {
  const c = new FakeClock();
  c.lateness = 7; // each runtime timer fires 7 ms late
  let fired = -1;
  setLongTimeout(() => fired = c.now(), 3 * M + 10, c);
  c.advance(10 * M);
  // three long links late by 7 each would be 21 ms late; re-aimed at the deadline, only the last link's 7
  assertEquals(fired, 3 * M + 10 + 7);
});

Deno.test("long timer: a runtime timer that fires early is re-armed for the rest", () => {
  const c = new FakeClock();
  c.earlyOnce = 2; // the first fires 2 ms early
  let fired = -1;
  setLongTimeout(() => fired = c.now(), 100, c);
  c.advance(98);
  assertEquals(fired, -1);
  c.advance(200);
  assertEquals([fired, c.armed], [100, [100, 2]]);
});

Deno.test("long timer: Infinity never fires and arms nothing; negative is now; NaN is refused", () => {
  const c = new FakeClock();
  let fired = false;
  const t = setLongTimeout(() => fired = true, Infinity, c);
  c.advance(2 ** 60);
  assertEquals([fired, t.pending, c.armed], [false, true, []]);
  t.cancel();
  assertEquals(t.pending, false);

  setLongTimeout(() => fired = true, -5, c);
  assertEquals(c.armed, [0]);
  c.advance(c.t);
  assertEquals(fired, true);

  assertThrows(() => new LongTimeout(() => {}, NaN, c), RangeError);
});

Deno.test("long timer: cancelled in the middle of a chain, it never fires", () => {
  const c = new FakeClock();
  let fired = false;
  const t = setLongTimeout(() => fired = true, 3_000_000_000, c);
  c.advance(M + 5); // first link spent, second armed
  assertEquals(c.timers.size, 1);
  clearLongTimeout(t);
  clearLongTimeout(undefined);
  assertEquals(c.timers.size, 0);
  c.advance(10_000_000_000);
  assertEquals([fired, t.pending], [false, false]);
});

Deno.test("long timer: sleep resolves at the deadline; the real runtime prints no warning", async () => {
  const c = new FakeClock();
  let done = false;
  const p = sleep(M + 3, c).then(() => done = true);
  c.advance(M + 2);
  await Promise.resolve();
  assertEquals(done, false);
  c.advance(M + 3);
  await p;
  assertEquals(done, true);
  // the real thing: armed and cancelled at once, over 2^31 ms (the runtime would warn and fire)
  const t = setLongTimeout(() => {
    throw new Error("fired at once");
  }, 2 ** 31);
  await new Promise((r) => setTimeout(r, 20));
  assertEquals(t.pending, true);
  t.cancel();
});
