/**
 * Durations as dt takes them from a file or an option, with the range each
 * format allows: milliseconds are 1 to 10 decimal digits (up to 9999999999,
 * 115 days), seconds 1 to 10 digits with up to 9 decimals. Nothing else is a
 * number: no sign, no blank, no exponent, no other digits than 0-9. What is
 * in range is honoured exactly (lib/common/long_timer.ts chains the timers).
 * Pure: each parser returns the value, or null.
 *
 * @example
 * ```ts
 * import { parseMsText, parseSecondsText } from "./durations.ts";
 * parseMsText("3000000000"); // 3000000000
 * parseMsText("+5"); // null
 * parseSecondsText("2.5"); // 2500
 * ```
 *
 * @module
 */

/** The largest number of milliseconds dt takes: ten digits. */
export const MAX_MS = 9_999_999_999;

/** The largest number of seconds dt takes (before the decimals): ten digits. */
export const MAX_SECONDS = 9_999_999_999;

/** What a duration in milliseconds must be, for a message. */
export const WANT_MS = `milliseconds, 0 to ${MAX_MS}`;

/** What a duration in seconds must be, for a message. */
export const WANT_SECONDS = `seconds, 0 to ${MAX_SECONDS}, decimals allowed`;

/** `text` as a whole number of milliseconds (1 to 10 digits, nothing else); null if not one. */
export function parseMsText(text: string): number | null {
  return /^[0-9]{1,10}$/.test(text) ? Number(text) : null;
}

/**
 * `text` as seconds (1 to 10 digits, optionally a point and 1 to 9 decimals),
 * in milliseconds rounded to the nearest; null if not one.
 */
export function parseSecondsText(text: string): number | null {
  const m = /^([0-9]{1,10})(?:\.([0-9]{1,9}))?$/.exec(text);
  if (m === null) return null;
  const frac = (m[2] ?? "").padEnd(9, "0");
  return Number(m[1]) * 1000 + Math.round(Number(frac) / 1e6);
}
