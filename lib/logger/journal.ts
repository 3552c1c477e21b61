/**
 * The log journal of an in-process logger: what lets the next scanner, after
 * a kill -9 at any instant, take every line at the head of the log pipe
 * exactly once (recover.ts reads it).
 *
 * In-process loggers peek their pipe: a chunk leaves it only once its lines
 * are written. Between the two a kill would leave written lines in the pipe,
 * and the next logger would write them again. So, for each chunk still in
 * the pipe, the journal (`S/log/supervise/journal`, the scanner's own file):
 *
 * 1. before any of its lines is written, records its length and where they
 *    go: the inode and size of `current` (journal_header.ts);
 * 2. once they are written, takes the chunk out of the pipe by moving it
 *    into the journal file with splice(2) at the offset the header names:
 *    the bytes that left the pipe are exactly the bytes the file grew by,
 *    whatever instant the kill comes at.
 *
 * A reader after a kill then knows how much of the chunk left the pipe (the
 * file's growth), and, when none did, counts the lines found in the log
 * files past the recorded size. The bodies are never read; the file is cut
 * back to its header every {@link RESET_AT} bytes.
 *
 * The journal is opened once per logger, as root, through the log
 * supervisor's held `supervise/` (never by path: `S/log` may be the log
 * account's), without following a link or waiting on a FIFO, and only a
 * regular file with no other name is used: anything else is refused with a
 * warning, and that logger's lines are then logged at least once.
 *
 * A rotation while the chunk is written moves the header on (see
 * {@link LogJournal.rotated}): once the new `current` exists, and before the
 * old one is processed, linked or removed, the header names the new one
 * (size 0) and counts the chunk's lines written to the old one. So the file
 * it names is always there after a kill (as `current`, or `previous`), and
 * its inode cannot have been freed and given to another file: a `!`
 * processor replaces `previous` by its output, a new inode, and `n` removes
 * old files, yet each line is counted once.
 *
 * Only scripts with one directory are journaled: there a line in the pipe
 * is a line in the files, or none (its patterns, run again, tell which).
 * Every step runs off the JS thread, one at a time (a rotation's comes in
 * between a chunk's); a step that fails leaves that chunk to the
 * at-least-once rule (taken out of the pipe once written).
 *
 * @module
 */
import { FileKindError } from "../common/errors.ts";
import { close, O } from "../sys/fd.ts";
import { fstat } from "../sys/dir_fd.ts";
import { type HeldService, openHeld } from "../sys/held_file.ts";
import { ftruncate, ftruncateAsync, pwriteAsync } from "../sys/offset_io.ts";
import type { Peeker } from "../sys/pipe_peek.ts";
import type { Rotated } from "../multilog/logdir.ts";
import { encodeHeader, HEADER_SIZE, type JournalHeader } from "./journal_header.ts";
import type { Ledger } from "./pipe_reader.ts";

/** The journal's name in the log's `supervise/` directory. */
export const JOURNAL = "journal";

/** How messages name the journal of the held log directory `held`. */
export function journalLabel(held: HeldService): string {
  return `${held.label}/supervise/${JOURNAL}`;
}

/** The journal, open: its descriptor, and its size when opened. */
export interface OpenJournal {
  fd: number;
  size: number;
}

/**
 * Opens the journal in the held `supervise/` `sup` (`label` names it in
 * messages), read and write, made when `create`: without following a link,
 * without waiting, a regular file with one name or nothing. Null when there
 * is none and `create` is false. Throws {@link FileKindError} for a file of
 * another kind (or with other names), SysError when it cannot be opened.
 */
export function openJournal(sup: number, label: string, create: boolean): OpenJournal | null {
  const fd = openHeld(sup, JOURNAL, O.RDWR | (create ? O.CREAT : 0), { label, kind: "file" });
  if (fd < 0) return null;
  let st: { nlink: number; size: number };
  try {
    st = fstat(fd, label);
  } catch (e) {
    close(fd);
    throw e;
  }
  if (st.nlink !== 1) {
    close(fd);
    throw new FileKindError(label, "hardlink", "file");
  }
  return { fd, size: st.size };
}

/** Empties the journal in `sup`, if there is one that can be (what it says went stale). */
export function forgetJournal(sup: number, label: string): void {
  let j: OpenJournal | null;
  try {
    j = openJournal(sup, label, false);
  } catch {
    return; // not one dt made: nothing of dt's to forget
  }
  if (j === null) return;
  ftruncate(j.fd, 0);
  close(j.fd);
}

/** The file is cut back to its header once the moved bytes pass this. */
export const RESET_AT = 64 << 10;

/**
 * Where the next lines go: inode and size of `current` once no rotation is
 * under way (null when there is none).
 */
export type CurrentFile = () => Promise<{ ino: number; size: number } | null>;

/**
 * A {@link Ledger} writing `S/log/supervise/journal` through a descriptor
 * it holds for the logger's life ({@link openJournal}).
 */
export class LogJournal implements Ledger {
  readonly #current: CurrentFile;
  #fd: number;
  /** Emptied before the first chunk: what an earlier logger left is recovered already. */
  #fresh = true;
  /** The file's size as written here. */
  #size = 0;
  /** The header of the chunk in hand, when it was recorded. */
  #header: JournalHeader | null = null;
  /** The steps on the file, one after the other (a rotation's comes in between a chunk's). */
  #queue: Promise<void> = Promise.resolve();

  /** A journal on the open descriptor `fd` (call after recovery); it owns `fd` from now on. */
  constructor(fd: number, current: CurrentFile) {
    this.#fd = fd;
    this.#current = current;
  }

  async begin(n: number): Promise<void> {
    this.#header = null;
    // (outside the queue: a rotation under way is awaited, and its step may be queued meanwhile)
    const at = await this.#current();
    return this.#step(async () => {
      const fd = this.#fd;
      if (at === null || fd < 0) return;
      if (this.#fresh) {
        if (await ftruncateAsync(fd, 0) !== 0) return;
        this.#fresh = false;
      }
      let start = Math.max(this.#size, HEADER_SIZE);
      if (start > RESET_AT) {
        // the old header stays, naming a start past the end: "nothing of it is in the pipe"
        if (await ftruncateAsync(fd, HEADER_SIZE) !== 0) return;
        this.#size = start = HEADER_SIZE;
      }
      const h = { n, start, ino: at.ino, size: at.size, lines: 0 };
      if (await pwriteAsync(fd, encodeHeader(h), 0) !== HEADER_SIZE) return;
      this.#size = Math.max(this.#size, HEADER_SIZE);
      this.#header = h;
    });
  }

  shrink(n: number): Promise<void> {
    return this.#step(async () => {
      const h = this.#header;
      if (h === null || n === h.n) return;
      const next = { ...h, n };
      if (await pwriteAsync(this.#fd, encodeHeader(next), 0) === HEADER_SIZE) this.#header = next;
      else await this.#forget();
    });
  }

  /**
   * The log directory's `current` was rotated while the chunk in hand was
   * written: the header now names the new `current`, and counts the chunk's
   * lines in the old one. Resolves once that is on file (the rotation waits
   * for it before the old file may be processed or removed). When it cannot
   * be done, the journal forgets the chunk (logged at least once).
   */
  rotated(r: Rotated): Promise<void> {
    return this.#step(async () => {
      const h = this.#header;
      if (h === null) return;
      const more = h.ino === r.ino && r.size >= h.size && r.next !== null
        ? await r.linesFrom(h.size)
        : -1;
      if (more < 0) return await this.#forget();
      const next = { ...h, ino: r.next!.ino, size: r.next!.size, lines: h.lines + more };
      if (await pwriteAsync(this.#fd, encodeHeader(next), 0) === HEADER_SIZE) this.#header = next;
      else await this.#forget();
    });
  }

  take(peek: Peeker, n: number): Promise<void> {
    return this.#step(() => this.#take(peek, n));
  }

  /** Runs `step` once the steps before it are done. */
  #step(step: () => Promise<void>): Promise<void> {
    const done = this.#queue.then(step);
    this.#queue = done.catch(() => {});
    return done;
  }

  async #take(peek: Peeker, n: number): Promise<void> {
    const h = this.#header;
    this.#header = null;
    if (h !== null) {
      const moved = await peek.moveInto(n, this.#fd, h.start);
      this.#size = h.start + moved;
      if (moved < n) {
        // the rest leaves the pipe the plain way: first say the journal knows nothing
        await this.#forget();
        peek.consume(n - moved);
      }
    } else peek.consume(n);
  }

  /** Closes the file for good (what it says stays, for the next reader). */
  close(): void {
    if (this.#fd >= 0) close(this.#fd);
    this.#fd = -1;
  }

  async #forget(): Promise<void> {
    this.#header = null;
    await ftruncateAsync(this.#fd, 0);
    this.#size = 0;
  }
}
