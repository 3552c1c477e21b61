/**
 * What `tai64nlocal` does to a byte stream: a line that starts with `@` and
 * at least 24 lowercase hex digits gets that stamp replaced by
 * `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` in the local time zone (the C library's
 * localtime, as daemontools), read from the last 24 digits of the run, as
 * daemontools' shifts a longer run through its 64-bit seconds; every other
 * byte passes through untouched.
 *
 * daemontools' tai64nlocal converts any run of hex digits after `@` and
 * crashes (SIGSEGV) when the result is no representable date (any run
 * shorter than 24 digits among them), and drops a stamp cut short by end of
 * input. Here such lines pass through unchanged, and a stamp at end of input
 * is still written. A run of more than {@link MAX_RUN} digits is held no
 * further: it passes through as text.
 *
 * @module
 */
import { localTime } from "../sys/clock.ts";
import { TAI_EPOCH } from "./codec.ts";

const AT = 64, NL = 10;

/** The longest run of hex digits after `@` read as a stamp (the bound of what is held). */
export const MAX_RUN = 4096;

/** 0..15 for a lowercase hex digit, -1 otherwise (tai64nlocal takes lowercase only). */
const HEXVAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEXVAL[48 + i] = i;
for (let i = 0; i < 6; i++) HEXVAL[97 + i] = 10 + i;

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

const enc = new TextEncoder();

/**
 * A streaming `tai64nlocal`.
 *
 * @example
 * ```ts
 * const f = new StampLocalizer();
 * const out = f.transform(new TextEncoder().encode("@4000000069242a1c0a5b3c44 hi\n"));
 * // "2025-11-24 09:49:06.173751364 hi\n" (with TZ=UTC)
 * ```
 */
export class StampLocalizer {
  /** 0: at a line start; 1: in a stamp (`#pending` holds `@` and digits); 2: in a line. */
  #state = 0;
  readonly #pending = new Uint8Array(1 + MAX_RUN);
  #pendLen = 0;
  #out = new Uint8Array(1 << 16);
  #o = 0;
  readonly #cacheKey = new Uint8Array(16);
  #cacheValid = false;
  #cacheText = new Uint8Array(0);

  /** Converts what can be converted of `chunk`; the result is valid until the next call. */
  transform(chunk: Uint8Array): Uint8Array {
    const n = chunk.length;
    this.#o = 0;
    this.#reserve(n + 64);
    let pos = 0;
    while (pos < n) {
      if (this.#state === 0) {
        // fast path: the whole stamp and the byte after it are in this chunk
        if (chunk[pos] === AT && pos + 25 < n && this.#isStamp(chunk, pos + 1)) {
          if (this.#emitLocal(chunk, pos + 1)) {
            pos += 25;
            this.#state = 2;
            continue;
          }
        }
        if (chunk[pos] === AT) {
          this.#pending[0] = AT;
          this.#pendLen = 1;
          this.#state = 1;
          pos++;
          continue;
        }
        this.#state = 2;
      }
      if (this.#state === 1) {
        const c = chunk[pos];
        if (HEXVAL[c] >= 0 && this.#pendLen <= MAX_RUN) {
          this.#pending[this.#pendLen++] = c;
          pos++;
          continue;
        }
        this.#flushPending(HEXVAL[c] < 0);
        this.#state = 2;
        continue;
      }
      const nl = chunk.indexOf(NL, pos);
      const end = nl === -1 ? n : nl + 1;
      this.#put(chunk.subarray(pos, end));
      pos = end;
      if (nl !== -1) this.#state = 0;
    }
    return this.#out.subarray(0, this.#o);
  }

  /** What is left at end of input: a stamp still being read, written out. */
  end(): Uint8Array {
    this.#o = 0;
    if (this.#state === 1) this.#flushPending(true);
    this.#state = 0;
    return this.#out.subarray(0, this.#o);
  }

  /** Writes the pending `@…`: converted (its last 24 digits) when it is a whole stamp that ends here. */
  #flushPending(ends: boolean): void {
    const p = this.#pending;
    const n = this.#pendLen;
    if (!(ends && n >= 25 && this.#emitLocal(p, n - 24))) {
      this.#put(p.subarray(0, this.#pendLen));
    }
    this.#pendLen = 0;
  }

  #isStamp(b: Uint8Array, at: number): boolean {
    for (let i = 0; i < 24; i++) if (HEXVAL[b[at + i]] < 0) return false;
    return HEXVAL[b[at + 24]] < 0;
  }

  /** Writes the local time of the 24 hex digits at `b[at…]`; false if there is none. */
  #emitLocal(b: Uint8Array, at: number): boolean {
    const key = this.#cacheKey;
    let same = this.#cacheValid;
    if (same) {
      for (let i = 0; i < 16; i++) {
        if (key[i] !== b[at + i]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      let label = 0n;
      for (let i = 0; i < 16; i++) label = (label << 4n) | BigInt(HEXVAL[b[at + i]]);
      const t = localTime(BigInt.asIntN(64, label - TAI_EPOCH));
      if (t === null) return false;
      const year = t.year >= 0 ? String(t.year) : String(BigInt.asUintN(64, BigInt(t.year)));
      this.#cacheText = enc.encode(
        `${year}-${pad(t.month, 2)}-${pad(t.day, 2)} ${pad(t.hour, 2)}:${pad(t.minute, 2)}:${
          pad(t.second, 2)
        }.`,
      );
      key.set(b.subarray(at, at + 16));
      this.#cacheValid = true;
    }
    let nano = 0;
    for (let i = 16; i < 24; i++) nano = nano * 16 + HEXVAL[b[at + i]];
    this.#put(this.#cacheText);
    this.#putDigits(nano);
    return true;
  }

  #putDigits(nano: number): void {
    const digits = nano > 999999999 ? 10 : 9;
    this.#reserve(digits);
    const out = this.#out;
    for (let i = digits - 1; i >= 0; i--) {
      out[this.#o + i] = 48 + (nano % 10);
      nano = Math.floor(nano / 10);
    }
    this.#o += digits;
  }

  #put(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#out.set(b, this.#o);
    this.#o += b.length;
  }

  #reserve(n: number): void {
    if (this.#o + n <= this.#out.length) return;
    const bigger = new Uint8Array(Math.max(this.#out.length * 2, this.#o + n));
    bigger.set(this.#out.subarray(0, this.#o));
    this.#out = bigger;
  }
}
