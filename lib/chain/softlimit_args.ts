/**
 * softlimit's option values, as daemontools reads them: a decimal number
 * (djb's scan_ulong: digits only, wrapping modulo 2^64, the empty string is 0)
 * or `=` for the hard limit. Pure.
 *
 * @module
 */
import { RLIMIT } from "../sys/rlimit.ts";

/** A requested soft limit: a number, or `=` (raise to the hard limit). */
export type LimitValue = bigint | "=";

/** The resources each softlimit option sets (`-m` sets four at once). */
export const LIMIT_OPTIONS: Readonly<Record<string, readonly number[]>> = {
  a: [RLIMIT.AS],
  c: [RLIMIT.CORE],
  d: [RLIMIT.DATA],
  f: [RLIMIT.FSIZE],
  l: [RLIMIT.MEMLOCK],
  m: [RLIMIT.DATA, RLIMIT.STACK, RLIMIT.MEMLOCK, RLIMIT.AS],
  o: [RLIMIT.NOFILE],
  p: [RLIMIT.NPROC],
  r: [RLIMIT.RSS],
  s: [RLIMIT.STACK],
  t: [RLIMIT.CPU],
};

/** The softlimit option that sets exactly one resource, by RLIMIT_* number. */
export const OPTION_FOR: Readonly<Record<number, string>> = {
  [RLIMIT.AS]: "a",
  [RLIMIT.CORE]: "c",
  [RLIMIT.DATA]: "d",
  [RLIMIT.FSIZE]: "f",
  [RLIMIT.MEMLOCK]: "l",
  [RLIMIT.NOFILE]: "o",
  [RLIMIT.NPROC]: "p",
  [RLIMIT.RSS]: "r",
  [RLIMIT.STACK]: "s",
  [RLIMIT.CPU]: "t",
};

/** getopt spec of softlimit. */
export const SOFTLIMIT_GETOPT = "a:c:d:f:l:m:o:p:r:s:t:";

const WRAP = 1n << 64n;

/**
 * Reads an option value; null when it is not one (softlimit then prints its usage).
 *
 * @example
 * ```ts
 * parseLimitValue("50000000"); // 50000000n
 * parseLimitValue("=");        // "="
 * parseLimitValue("5x");       // null
 * parseLimitValue("18446744073709551616"); // 0n (wraps, as scan_ulong does)
 * ```
 */
export function parseLimitValue(arg: string): LimitValue | null {
  if (arg === "=") return "=";
  let v = 0n;
  for (const c of arg) {
    if (c < "0" || c > "9") return null;
    v = (v * 10n + BigInt(c.charCodeAt(0) - 48)) % WRAP;
  }
  return v;
}

/** The soft limit softlimit sets: `=` gives the hard limit, a number is capped by it. */
export function softValue(value: LimitValue, max: bigint): bigint {
  if (value === "=") return max;
  return value > max ? max : value;
}
