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
