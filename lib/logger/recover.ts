/**
 * What a logger does with the journal (journal.ts) a killed scanner left,
 * before it opens its log directory: takes out of the pipe what is already
 * in the log files, and cuts a line the kill left half written, so the chunk
 * in hand at the kill ends up in the files exactly once.
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
 * lost. The journal is emptied in every case.
 *
 * @module
 */
import { LineLoop } from "../multilog/line_loop.ts";
import type { ParsedScript } from "../multilog/script.ts";
import { decodeHeader, HEADER_SIZE, type JournalHeader } from "./journal_header.ts";
import { fstat } from "../sys/dir_fd.ts";
import { ftruncate, pread } from "../sys/offset_io.ts";

/** What recovery needs from the logger. */
export interface RecoverOptions {
  /** The journal, open for reading and writing (journal.ts's openJournal); left open. */
  journal: number;
  /** The log directory, as the logger opens it. */
  dir: string;
  /** Runs a step on the log directory with the logger's rights (an account's, for setuidgid). */
  asLogger<T>(step: () => T): T;
  /** Up to `n` bytes at the head of the pipe, left there (null when the pipe cannot be looked at). */
  head(n: number): Uint8Array | null;
  /** Takes `n` bytes out of the head of the pipe. */
  skip(n: number): void;
  /** The logger's script, when its patterns keep some lines out of the directory. */
  script?: ParsedScript;
}

/** What recovery did: bytes taken out of the pipe, bytes cut off `current`. */
export interface Recovered {
  skipped: number;
  cut: number;
}

const NOTHING: Recovered = { skipped: 0, cut: 0 };
const ROTATED = /^@[0-9a-f]{24}\.[su]$/;

/** Reads the journal, acts on it, empties it. */
export function recoverFromJournal(opts: RecoverOptions): Recovered {
  const fd = opts.journal;
  let size: number;
  const bytes = new Uint8Array(HEADER_SIZE);
  let got = 0;
  try {
    size = fstat(fd).size;
    if (size === 0) return NOTHING; // the first start, or a logger that never journaled
    while (got < HEADER_SIZE) {
      const r = pread(fd, bytes.subarray(got), got);
      if (r <= 0) break;
      got += r;
    }
  } catch {
    return NOTHING;
  }
  try {
    return act(opts, decodeHeader(bytes.subarray(0, got)), size);
  } finally {
    ftruncate(fd, 0); // (the next journal is emptied before its first chunk anyway)
  }
}

function act(opts: RecoverOptions, h: JournalHeader | null, size: number): Recovered {
  if (h === null || size < h.start) return NOTHING;
  const moved = size - h.start;
  if (moved >= h.n) return NOTHING;
  if (moved > 0) {
    // lines are written before any of the chunk leaves the pipe: the rest is logged too
    opts.skip(h.n - moved);
    return { skipped: h.n - moved, cut: 0 };
  }
  const head = opts.head(h.n);
  if (head === null || head.length < h.n) return NOTHING;
  const found = opts.asLogger(() => linesPast(opts.dir, h.ino, h.size));
  if (found === null) return NOTHING;
  let cut = 0;
  if (found.partial > 0 && found.lastIsCurrent) {
    opts.asLogger(() =>
      Deno.truncateSync(`${opts.dir}/current`, found.currentSize - found.partial)
    );
    cut = found.partial;
  }
  // lines written before a rotation moved the journal on, then those found in the files
  const lines = h.lines + found.lines;
  const ends = opts.script ? loggedLineEnds(opts.script, head) : null;
  const skipped = ends === null
    ? endOfLine(head, lines)
    : lines === 0
    ? 0
    : ends[lines - 1] ?? head.length;
  if (skipped > 0) opts.skip(skipped);
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

/**
 * Lines written to `dir` since `current` was inode `ino` of `size` bytes:
 * in that file past `size`, then in every file rotated after it (oldest
 * first: `@…` names, `previous`, `current`). Null when that file is gone.
 */
function linesPast(
  dir: string,
  ino: number,
  size: number,
): { lines: number; partial: number; lastIsCurrent: boolean; currentSize: number } | null {
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => ROTATED.test(n))
    .sort();
  names.push("previous", "current");
  const files: { name: string; ino: number }[] = [];
  for (const name of names) {
    try {
      const st = Deno.lstatSync(`${dir}/${name}`);
      if (st.isFile && st.ino !== null) files.push({ name, ino: st.ino });
    } catch { /* not there */ }
  }
  const first = files.findIndex((f) => f.ino === ino);
  if (first === -1) return null;
  let lines = 0, partial = 0, last = "", currentSize = 0;
  files.slice(first).forEach((f, i) => {
    const text = Deno.readFileSync(`${dir}/${f.name}`);
    const from = i === 0 ? Math.min(size, text.length) : 0;
    if (f.name === "current") currentSize = text.length;
    if (text.length === from) return;
    last = f.name;
    let nl = from - 1, end = from - 1;
    while ((nl = text.indexOf(10, nl + 1)) !== -1) {
      lines++;
      end = nl;
    }
    // bytes after the last newline of the last file with any: a write cut short
    partial = text.length - (end >= from ? end + 1 : from);
  });
  return { lines, partial, lastIsCurrent: last === "current", currentSize };
}
