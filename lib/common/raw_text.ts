/**
 * Names from the file system, kept byte for byte in a JS string. A file
 * name is bytes; most are UTF-8, but daemontools takes any byte but `/` and
 * NUL. A name that is not UTF-8 is decoded here with each byte that does not
 * start a valid UTF-8 sequence as the lone surrogate U+DC80 + (byte − 0x80)
 * (Python's `surrogateescape`, PEP 383), and {@link encodeRaw} gives the
 * bytes back exactly. Text decoded by Deno never holds a lone surrogate, so a
 * valid name reads as itself and the mapping is unambiguous.
 *
 * Such a string must go to the system through {@link encodeRaw} (libc's
 * `cstr` does), never through a Deno path API, which would write U+FFFD.
 * Messages are written with it too, so they show the name's bytes, as
 * daemontools' do.
 *
 * @example
 * ```ts
 * import { decodeRaw, encodeRaw } from "./raw_text.ts";
 * const name = decodeRaw(new Uint8Array([0x61, 0xff, 0xfe]));
 * console.assert(name === "a\udcff\udcfe");
 * console.assert(encodeRaw(name).join() === "97,255,254");
 * console.assert(decodeRaw(new TextEncoder().encode("web")) === "web");
 * ```
 *
 * @module
 */

const strict = new TextDecoder("utf-8", { fatal: true });
const enc = new TextEncoder();

/** The bytes as text: UTF-8 as itself, every other byte as U+DC80 + (byte − 0x80). */
export function decodeRaw(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch { /* not UTF-8: byte by byte below */ }
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const n = validSequence(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + bytes[i]);
      i++;
    } else {
      out += strict.decode(bytes.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one. */
function validSequence(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let n: number, min: number;
  if (c >= 0xc2 && c <= 0xdf) [n, min] = [2, 0x80];
  else if (c >= 0xe0 && c <= 0xef) [n, min] = [3, 0x800];
  else if (c >= 0xf0 && c <= 0xf4) [n, min] = [4, 0x10000];
  else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const x = b[i + k];
    if ((x & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (x & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** A lone U+DC80..U+DCFF: a low surrogate not preceded by a high one. */
const LONE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/** The bytes `text` stands for: {@link decodeRaw}'s inverse (plain UTF-8 for ordinary text). */
export function encodeRaw(text: string): Uint8Array<ArrayBuffer> {
  if (!LONE.test(text)) return enc.encode(text);
  const parts: number[] = [];
  let run = "";
  const flush = () => {
    if (run) { for (const b of enc.encode(run)) parts.push(b); }
    run = "";
  };
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    const lone = u >= 0xdc80 && u <= 0xdcff &&
      !(i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff);
    if (lone) {
      flush();
      parts.push(u - 0xdc00);
    } else run += text[i];
  }
  flush();
  return Uint8Array.from(parts);
}

/** True when `text` holds bytes that are not UTF-8 (it cannot go through a Deno path API). */
export function hasRawBytes(text: string): boolean {
  return LONE.test(text);
}
