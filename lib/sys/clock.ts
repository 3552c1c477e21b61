/**
 * The wall clock and local time through libc, as daemontools reads them:
 * gettimeofday(2) (microseconds, about 40 ns a call, where
 * `performance.now()` costs 150 ns and is not the wall clock) and
 * localtime_r(3) (the C library's view of TZ and /etc/localtime).
 *
 * @module
 */
import { lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  gettimeofday: { parameters: ["buffer", "pointer"], result: "i32" },
  localtime_r: { parameters: ["buffer", "buffer"], result: "pointer" },
  tzset: { parameters: [], result: "void" },
});

const tv = new Int32Array(4);
const tvBytes = new Uint8Array(tv.buffer);

/**
 * Reads the wall clock into `into`: `[seconds, microseconds]`. Returns `into`.
 *
 * @example
 * ```ts
 * const t = wallClock(new Float64Array(2)); // t[0] Unix seconds, t[1] µs
 * ```
 */
export function wallClock(into: Float64Array): Float64Array {
  lib().gettimeofday(tvBytes, null);
  into[0] = tv[0] + tv[1] * 4294967296;
  into[1] = tv[2];
  return into;
}

/** Broken-down local time, as struct tm gives it (year is the full year). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const tm = new Int32Array(16);
const tmBytes = new Uint8Array(tm.buffer);
const tIn = new BigInt64Array(1);
const tInBytes = new Uint8Array(tIn.buffer);
let tzDone = false;

/** localtime_r(3) of Unix seconds `sec`; null when the C library cannot represent it. */
export function localTime(sec: bigint): LocalTime | null {
  const l = lib();
  if (!tzDone) {
    l.tzset();
    tzDone = true;
  }
  tIn[0] = sec;
  if (l.localtime_r(tInBytes, tmBytes) === null) return null;
  return {
    second: tm[0],
    minute: tm[1],
    hour: tm[2],
    day: tm[3],
    month: tm[4] + 1,
    year: tm[5] + 1900,
  };
}
