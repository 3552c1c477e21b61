/**
 * Finding the newlines of a chunk without making anything per chunk: the
 * bytes are read four at a time through a word view, and only a word that
 * holds a newline is looked at byte by byte. (A latin1 string per chunk is
 * a little faster to search, but each one is a 64–128 KiB heap object that
 * the young generation has to churn through, and node:buffer, which makes
 * it, costs the process ~3 MiB of resident memory on its own.)
 *
 * @module
 */

const NL = 10;
const NL4 = 0x0a0a0a0a;
const LOW = 0x01010101;
const HIGH = 0x80808080 | 0;

/**
 * Offsets of the newlines in `chunk`, in order, written to `out` from index
 * 0; returns them and their count. `out` is replaced by a bigger copy (and
 * that one returned) when it is too small.
 *
 * @example
 * ```ts
 * const r = newlines(new TextEncoder().encode("a\nbc\n"), new Int32Array(1));
 * console.assert(r.count === 2 && r.at[0] === 1 && r.at[1] === 4);
 * ```
 */
export function newlines(
  chunk: Uint8Array,
  out: Int32Array<ArrayBuffer>,
): { at: Int32Array<ArrayBuffer>; count: number } {
  const n = chunk.length, off = chunk.byteOffset;
  let at = out, k = 0;
  const head = Math.min(n, (4 - (off & 3)) & 3);
  const words = (n - head) >>> 2;
  const tail = head + (words << 2);
  for (let i = 0; i < head; i++) {
    if (chunk[i] !== NL) continue;
    if (k === at.length) at = grow(at);
    at[k++] = i;
  }
  if (words > 0) {
    const w = new Uint32Array(chunk.buffer, off + head, words);
    for (let j = 0; j < words; j++) {
      const v = w[j] ^ NL4; // a newline byte becomes 0
      if (((v - LOW) & ~v & HIGH) === 0) continue;
      const i = head + (j << 2);
      for (let q = i; q < i + 4; q++) {
        if (chunk[q] !== NL) continue;
        if (k === at.length) at = grow(at);
        at[k++] = q;
      }
    }
  }
  for (let i = tail; i < n; i++) {
    if (chunk[i] !== NL) continue;
    if (k === at.length) at = grow(at);
    at[k++] = i;
  }
  return { at, count: k };
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(16, a.length * 2));
  bigger.set(a);
  return bigger;
}
