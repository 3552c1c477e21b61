/**
 * TAI64N labels, as daemontools writes them: 8 bytes of TAI64 seconds
 * (2^62 + 10 + Unix seconds, big-endian) and 4 bytes of nanoseconds.
 * Like daemontools' taia_now, the clock is read in microseconds and the
 * nanoseconds end in 500.
 *
 * @module
 */

/** 2^62 + 10: TAI64 label of the Unix epoch as daemontools computes it. */
export const TAI_EPOCH = 4611686018427387914n;

/** A point in time: Unix seconds and nanoseconds. */
export interface Tai64n {
  /** Unix seconds. */
  sec: number;
  /** Nanoseconds, 0..999999999. */
  nano: number;
}

/** The clock now, at microsecond resolution, nanoseconds ending in 500 (taia_now). */
export function now(): Tai64n {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  let usec = Math.floor((ms - sec * 1000) * 1000);
  if (usec > 999999) usec = 999999;
  return { sec, nano: usec * 1000 + 500 };
}

/** Packs into 12 bytes at `out[off…]`. */
export function pack(t: Tai64n, out: Uint8Array = new Uint8Array(12), off = 0): Uint8Array {
  const v = new DataView(out.buffer, out.byteOffset + off, 12);
  v.setBigUint64(0, TAI_EPOCH + BigInt(t.sec));
  v.setUint32(8, t.nano);
  return out;
}

/** Unpacks 12 bytes at `b[off…]`. */
export function unpack(b: Uint8Array, off = 0): Tai64n {
  const v = new DataView(b.buffer, b.byteOffset + off, 12);
  return { sec: Number(v.getBigUint64(0) - TAI_EPOCH), nano: v.getUint32(8) };
}

const HEX = "0123456789abcdef";

/** `@` + 24 lowercase hex digits. */
export function format(t: Tai64n): string {
  const b = pack(t);
  let s = "@";
  for (const x of b) s += HEX[x >> 4] + HEX[x & 15];
  return s;
}

/** Parses `@` + 24 hex digits (either case); null if `s` does not start with one. */
export function parse(s: string): Tai64n | null {
  if (s.length < 25 || s[0] !== "@" || !/^[0-9a-fA-F]{24}$/.test(s.slice(1, 25))) return null;
  const b = new Uint8Array(12);
  for (let i = 0; i < 12; i++) b[i] = parseInt(s.slice(1 + 2 * i, 3 + 2 * i), 16);
  return unpack(b);
}
