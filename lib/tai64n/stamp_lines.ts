/**
 * What `tai64n` does to a byte stream: every line gets `@` + TAI64N + space
 * in front, stamped when its first byte is handled. Bytes pass through as
 * they are (NUL, CR, invalid UTF-8, lines of any length); a last line without
 * a newline stays without one.
 *
 * @module
 */
import { STAMP_LEN, Stamper } from "./stamp.ts";

/**
 * A streaming `tai64n`: feed chunks, get the stamped bytes back.
 *
 * @example
 * ```ts
 * const f = new LineStamper();
 * f.transform(new TextEncoder().encode("a\nb")); // "@4000…  a\n@4000… b"
 * ```
 */
export class LineStamper {
  readonly #stamper = new Stamper();
  #atStart = true;
  #out = new Uint8Array(1 << 16);

  /** Stamps the lines that start in `chunk`; the result is valid until the next call. */
  transform(chunk: Uint8Array): Uint8Array {
    const n = chunk.length;
    let lines = 1;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    const need = n + lines * (STAMP_LEN + 1);
    if (this.#out.length < need) this.#out = new Uint8Array(Math.max(need, this.#out.length * 2));
    const out = this.#out;
    let o = 0, pos = 0;
    while (pos < n) {
      if (this.#atStart) {
        this.#stamper.write(out, o);
        out[o + STAMP_LEN] = 32;
        o += STAMP_LEN + 1;
      }
      const nl = chunk.indexOf(10, pos);
      const end = nl === -1 ? n : nl + 1;
      out.set(chunk.subarray(pos, end), o);
      o += end - pos;
      pos = end;
      this.#atStart = nl !== -1;
    }
    return out.subarray(0, o);
  }
}
