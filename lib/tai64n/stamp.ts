/**
 * Fast TAI64N stamps straight into byte buffers: `@` + 24 lowercase hex
 * digits, the clock read (gettimeofday, like daemontools' taia_now) for
 * every stamp, the 17 bytes of `@` and seconds cached while the second does
 * not change, nanoseconds = microseconds × 1000 + 500.
 *
 * @module
 */
import { wallClock } from "../sys/clock.ts";
import { TAI_EPOCH } from "./codec.ts";

/** Length of a stamp: `@` and 24 hex digits. */
export const STAMP_LEN = 25;

const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, "0");
  HEX[2 * i] = h.charCodeAt(0);
  HEX[2 * i + 1] = h.charCodeAt(1);
}

/** Writes the 8 hex digits of a 32-bit value at `out[off…]`. */
function hex32(out: Uint8Array, off: number, v: number): void {
  let b = (v >>> 24) * 2;
  out[off] = HEX[b];
  out[off + 1] = HEX[b + 1];
  b = ((v >>> 16) & 255) * 2;
  out[off + 2] = HEX[b];
  out[off + 3] = HEX[b + 1];
  b = ((v >>> 8) & 255) * 2;
  out[off + 4] = HEX[b];
  out[off + 5] = HEX[b + 1];
  b = (v & 255) * 2;
  out[off + 6] = HEX[b];
  out[off + 7] = HEX[b + 1];
}

/**
 * A stamp source with its own cache (no shared state: one per engine).
 *
 * @example
 * ```ts
 * const s = new Stamper();
 * const buf = new Uint8Array(26);
 * s.write(buf, 0); // "@4000000069242a1c0a5b3c44"
 * ```
 */
export class Stamper {
  readonly #clock = new Float64Array(2);
  readonly #secHex = new Uint8Array(17);
  #sec = -1;

  /** Reads the clock and writes a stamp at `out[off…off+25)`. */
  write(out: Uint8Array, off: number): void {
    const c = wallClock(this.#clock);
    const sec = c[0];
    if (sec !== this.#sec) this.#setSec(sec);
    const s = this.#secHex;
    for (let i = 0; i < 17; i++) out[off + i] = s[i];
    hex32(out, off + 17, c[1] * 1000 + 500);
  }

  #setSec(sec: number): void {
    this.#sec = sec;
    const s = this.#secHex;
    const label = TAI_EPOCH + BigInt(sec);
    s[0] = 64; // @
    hex32(s, 1, Number(label >> 32n));
    hex32(s, 9, Number(label & 0xffffffffn));
  }
}
