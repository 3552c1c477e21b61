/**
 * The header of a log journal (see journal.ts), as bytes: pure, no I/O.
 *
 * One text line at the start of the file, padded to {@link HEADER_SIZE}:
 * `dtjournal1 N START INO SIZE LINES`, where N is the chunk's length, START
 * the offset where the bytes taken out of the pipe for it go, INO and SIZE
 * the file (inode, size) from which on the chunk's lines are written, and
 * LINES how many of them were written before it: the log directory's
 * `current` before the chunk (LINES 0), moved on to the new `current` at
 * each rotation while the chunk is written. (A journal an earlier dt wrote
 * has no LINES: 0.)
 *
 * @example
 * ```ts
 * import { decodeHeader, encodeHeader } from "./journal_header.ts";
 * const h = { n: 42, start: 128, ino: 7, size: 1000, lines: 0 };
 * console.assert(decodeHeader(encodeHeader(h))?.n === 42);
 * console.assert(decodeHeader(new Uint8Array(3)) === null);
 * ```
 *
 * @module
 */

/** Bytes the header takes at the start of the file; the first chunk's bytes go after it. */
export const HEADER_SIZE = 128;

const MAGIC = "dtjournal1";

/** What the journal says of the last chunk handed to the log engine. */
export interface JournalHeader {
  /** Bytes of the chunk (at the head of the pipe when it was handed over). */
  n: number;
  /** Offset in the journal file where the bytes taken out of the pipe for it go. */
  start: number;
  /** Inode of the file the chunk's lines go to from {@link size} on (a `current`). */
  ino: number;
  /** Size of that file before any of the chunk's lines went to it. */
  size: number;
  /** Lines (newlines) of the chunk written to earlier files, rotated since. */
  lines: number;
}

/** The header as {@link HEADER_SIZE} bytes (a line padded with spaces, ending in a newline). */
export function encodeHeader(h: JournalHeader): Uint8Array<ArrayBuffer> {
  const line = `${MAGIC} ${h.n} ${h.start} ${h.ino} ${h.size} ${h.lines}`;
  const out = new Uint8Array(HEADER_SIZE).fill(32);
  out.set(new TextEncoder().encode(line));
  out[HEADER_SIZE - 1] = 10;
  return out;
}

/** The header in `bytes` (the file's first bytes), or null when there is none whole. */
export function decodeHeader(bytes: Uint8Array): JournalHeader | null {
  if (bytes.length < HEADER_SIZE || bytes[HEADER_SIZE - 1] !== 10) return null;
  const words = new TextDecoder().decode(bytes.subarray(0, HEADER_SIZE - 1)).trim().split(" ");
  if ((words.length !== 5 && words.length !== 6) || words[0] !== MAGIC) return null;
  const [n, start, ino, size, lines = 0] = words.slice(1).map((w) =>
    /^\d{1,15}$/.test(w) ? Number(w) : -1
  );
  if (n < 0 || start < HEADER_SIZE || ino < 0 || size < 0 || lines < 0) return null;
  return { n, start, ino, size, lines };
}
