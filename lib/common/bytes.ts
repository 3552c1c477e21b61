/**
 * Byte helpers shared by the layers: pure, no I/O.
 *
 * @example
 * ```ts
 * import { concat } from "./bytes.ts";
 * const b = concat([new Uint8Array([1]), new Uint8Array([2, 3])]);
 * console.assert(b.length === 3 && b[2] === 3);
 * ```
 *
 * @module
 */

/**
 * `raw` cut at each NUL byte (/proc's cmdline and environ), copies; a last
 * part with no NUL after it counts too. Empty parts are kept when
 * `keepEmpty` (an empty argument), else dropped. indexOf, not a loop over
 * the bytes: a one-shot program runs this once, in the interpreter, where a
 * byte loop over a few KiB costs a millisecond.
 */
export function splitNul(raw: Uint8Array, keepEmpty: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = raw.indexOf(0); i !== -1; i = raw.indexOf(0, start)) {
    if (keepEmpty || i > start) out.push(raw.slice(start, i));
    start = i + 1;
  }
  if (start < raw.length) out.push(raw.slice(start));
  return out;
}

/** The parts one after the other, in one new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
