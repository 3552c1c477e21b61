/**
 * What a logger does with the journal (journal.ts) a killed scanner left,
 * before it opens its log directory: which bytes to take out of the pipe
 * (they are in the log files already) and how much of a line the kill left
 * half written to cut off `current`, so that the chunk in hand at the kill
 * ends up in the files exactly once. Pure: bytes in, a decision out
 * (opening.ts reads the bytes and carries the decision out).
 *
 * - No journal, or one that names nothing in the pipe: nothing to do.
 * - Part of the chunk left the pipe (moved into the journal): all of its
 *   lines were written first; the rest of it is taken out.
 * - None of it left: the lines of the log files past the size the journal
 *   names, in the file it names (a `current` then) and the files rotated
 *   after it, are counted, and added to the lines the journal says went to
 *   files rotated before (a rotation while the chunk was written moves the
 *   journal on to the new `current`, before the old one may be processed
 *   or removed); that many lines are taken out of the pipe (lines the
 *   script's patterns keep out of the directory are passed over), and bytes
 *   after the last newline of `current` (a write cut short) are cut off.
 *
 * When the files cannot tell (the file named is gone, the pipe does not
 * hold the chunk), nothing is taken: a line may then be logged twice, never
 * lost.
 *
 * @module
 */
import { LineLoop } from "../multilog/line_loop.ts";
import type { ParsedScript } from "../multilog/script.ts";
import { decodeHeader, type JournalHeader } from "./journal_header.ts";

/** What recovery does: bytes taken out of the pipe, bytes cut off the end of `current`. */
export interface Recovered {
  skipped: number;
  cut: number;
}

/** Nothing to do. */
export const NOTHING: Recovered = { skipped: 0, cut: 0 };

/** What the journal alone says: done, or the files must be looked at. */
export type JournalSays =
  | { done: Recovered }
  | { count: JournalHeader };

/**
 * From the journal's first bytes and its size: nothing to do, the rest of a
 * chunk that partly left the pipe to take out, or a chunk none of which
 * left it, whose lines must be counted in the files.
 */
export function readJournal(first: Uint8Array, size: number): JournalSays {
  const h = decodeHeader(first);
  if (h === null || size < h.start) return { done: NOTHING };
  const moved = size - h.start;
  if (moved >= h.n) return { done: NOTHING };
  // lines are written before any of the chunk leaves the pipe: the rest is logged too
  if (moved > 0) return { done: { skipped: h.n - moved, cut: 0 } };
  return { count: h };
}

/** One file of the log directory, as recovery reads it. */
export interface LogFile {
  name: string;
  /** Its size. */
  size: number;
  /** Its bytes to the end, from where recovery reads it (see {@link recoverChunk}). */
  bytes: Uint8Array;
}

const ROTATED = /^@[0-9a-f]{24}\.[su]$/;

/**
 * The names of the files a chunk's lines may be in, oldest first: rotated
 * files (`@…`, by name), then `previous`, then `current`.
 */
export function logFileOrder(names: readonly string[]): string[] {
  return [...names.filter((n) => ROTATED.test(n)).sort(), "previous", "current"].filter((n) =>
    names.includes(n)
  );
}

/**
 * The decision for a chunk none of which left the pipe: `h` the journal's
 * header, `head` the pipe's first `h.n` bytes (all of them: the caller
 * gives up when the pipe holds fewer), `files` the log files from the one
 * the header names on, oldest first (null when that file is gone), each
 * read from the header's size (the first) or from its start, `script` the
 * logger's when its patterns keep lines out.
 */
export function recoverChunk(
  h: JournalHeader,
  head: Uint8Array,
  files: readonly LogFile[] | null,
  script?: ParsedScript,
): Recovered {
  if (files === null) return NOTHING;
  let lines = 0, partial = 0, last = "";
  for (const f of files) {
    const text = f.bytes;
    if (text.length === 0) continue;
    last = f.name;
    let end = -1;
    for (let nl = text.indexOf(10); nl !== -1; nl = text.indexOf(10, nl + 1)) {
      lines++;
      end = nl;
    }
    // bytes after the last newline of the last file with any: a write cut short
    partial = text.length - (end + 1);
  }
  const cut = partial > 0 && last === "current" ? partial : 0;
  // lines written before a rotation moved the journal on, then those found in the files
  const found = h.lines + lines;
  const ends = script ? loggedLineEnds(script, head) : null;
  const skipped = ends === null
    ? endOfLine(head, found)
    : found === 0
    ? 0
    : ends[found - 1] ?? head.length;
  return { skipped, cut };
}

/** What the stamp of a line is taken to be when patterns are run again (the real one is unknown). */
const STAND_IN = new TextEncoder().encode("@400000000000000000000000");

/**
 * Where each line of `bytes` that `script` puts into its (first) directory
 * ends, in order: the script's patterns run again over the lines, with a
 * stand-in stamp (a pattern on the stamp's digits themselves could be told
 * wrong).
 */
export function loggedLineEnds(script: ParsedScript, bytes: Uint8Array): number[] {
  const loop = new LineLoop(script, { write: (out, off) => out.set(STAND_IN, off) });
  const dir = loop.bufs[0];
  const ends: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const nl = bytes.indexOf(10, at);
    const end = nl === -1 ? bytes.length : nl + 1;
    const before = dir.len;
    loop.consume(bytes.subarray(at, end));
    if (dir.len > before) ends.push(end);
    at = end;
  }
  return ends;
}

/** Offset just past the `k`-th newline of `bytes` (all of it when it has fewer). */
export function endOfLine(bytes: Uint8Array, k: number): number {
  let at = 0;
  for (let i = 0; i < k; i++) {
    const nl = bytes.indexOf(10, at);
    if (nl === -1) return bytes.length;
    at = nl + 1;
  }
  return at;
}
