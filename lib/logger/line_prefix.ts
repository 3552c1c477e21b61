/**
 * Lines of one service for a shared output (`dt init --log-prefix`): each
 * line prefixed with the service's name (`web: …`) and given out only whole,
 * so that lines of several services never mix halves. Pure: bytes in,
 * prefixed lines out.
 *
 * A line longer than {@link PREFIXED_LINE_MAX} bytes is cut after every
 * {@link PREFIXED_LINE_MAX} bytes, each piece a line of its own with the
 * prefix — nothing is dropped, as multilog splits a line that does not fit
 * in `current` — so what is held for an unfinished line is bounded. At the
 * end of the input an unfinished line gets its newline, as multilog gives
 * it one at end of file.
 *
 * @example
 * ```ts
 * const p = new LinePrefixer("web");
 * const text = (b: Uint8Array) => new TextDecoder().decode(b);
 * text(p.push(new TextEncoder().encode("one\ntw"))); // "web: one\n"
 * text(p.push(new TextEncoder().encode("o\n")));     // "web: two\n"
 * ```
 *
 * @module
 */
import { concat } from "../common/bytes.ts";
import { encodeRaw } from "../common/raw_text.ts";

/**
 * The longest line given out whole, in bytes without the prefix and the
 * newline: 16 KiB, the size at which Docker's and the CRI's log drivers split
 * a line themselves, so dt never cuts a line the container runtime keeps.
 */
export const PREFIXED_LINE_MAX = 16 << 10;

const NL = 10;
const NEWLINE = new Uint8Array([NL]);

/** Frames one input's bytes as prefixed whole lines; see the module doc. */
export class LinePrefixer {
  /** `NAME: `, as bytes (a name that is not UTF-8 keeps its bytes). */
  readonly prefix: Uint8Array;
  readonly #max: number;
  /** The unfinished line's parts (at most `max` bytes in all). */
  #open: Uint8Array[] = [];
  #openLen = 0;

  /** A framer for `name`'s lines, cut at `max` bytes. */
  constructor(name: string, max: number = PREFIXED_LINE_MAX) {
    this.prefix = encodeRaw(`${name}: `);
    this.#max = Math.max(1, max);
  }

  /** Bytes of the unfinished line held (at most the bound). */
  get held(): number {
    return this.#openLen;
  }

  /** The prefixed lines `chunk` completes (and pieces cut at the bound); empty when none. */
  push(chunk: Uint8Array): Uint8Array<ArrayBuffer> {
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NL, pos);
      const stop = nl === -1 ? chunk.length : nl;
      // cut pieces while what is open and what follows pass the bound
      while (this.#openLen + (stop - pos) > this.#max) {
        const take = this.#max - this.#openLen;
        this.#line(out, chunk.subarray(pos, pos + take));
        pos += take;
      }
      if (nl === -1) {
        if (pos < chunk.length) {
          this.#open.push(chunk.slice(pos));
          this.#openLen += chunk.length - pos;
        }
        break;
      }
      this.#line(out, chunk.subarray(pos, nl));
      pos = nl + 1;
    }
    return concat(out);
  }

  /** End of input: the unfinished line with a newline, or nothing. */
  end(): Uint8Array<ArrayBuffer> {
    if (this.#openLen === 0) return new Uint8Array(0);
    const out: Uint8Array[] = [];
    this.#line(out, new Uint8Array(0));
    return concat(out);
  }

  /** One line out: the prefix, what was open, `tail`, a newline. */
  #line(out: Uint8Array[], tail: Uint8Array): void {
    out.push(this.prefix, ...this.#open, tail, NEWLINE);
    this.#open = [];
    this.#openLen = 0;
  }
}
