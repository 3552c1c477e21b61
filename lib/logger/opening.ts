/**
 * The second step of an in-process logger's start, after plan.ts decided
 * what to run and before runner.ts runs it: where its relative directories
 * are taken from, its journal (journal.ts), and what a scanner killed -9
 * left between the pipe and the log files, recovered.
 *
 * Recovery reads the journal (root's file, through the descriptor held for
 * the logger's life), the pipe's head, and the log directory: opened once,
 * with the logger's rights (an account's, for `setuidgid`), every file in
 * it reached through that descriptor. What to do is recover.ts's decision,
 * pure over those bytes; it is carried out here (bytes taken out of the
 * pipe, a half-written line cut off `current`, through the same
 * descriptor and with the same rights), and the journal is emptied.
 *
 * These steps run on the JS thread, as the rest of a logger's start does
 * (docs/design.md).
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { hasRawBytes } from "../common/raw_text.ts";
import { close, dupCloexec, O } from "../sys/fd.ts";
import { AT_FDCWD, readDirNames, readLinkAt, tryOpenAt, tryStatAt } from "../sys/dir_fd.ts";
import { type HeldService, openHeld } from "../sys/held_file.ts";
import { type FsCredentials, withFsCredentials } from "../sys/fscreds.ts";
import { ftruncate, pread } from "../sys/offset_io.ts";
import type { ParsedScript } from "../multilog/script.ts";
import { HEADER_SIZE } from "./journal_header.ts";
import {
  type CurrentFile,
  forgetJournal,
  journalLabel,
  LogJournal,
  type OpenJournal,
  openJournal,
} from "./journal.ts";
import type { LoggerPlan } from "./plan.ts";
import {
  type LogFile,
  logFileOrder,
  NOTHING,
  readJournal,
  recoverChunk,
  type Recovered,
} from "./recover.ts";

/**
 * The directory `./main` is taken from, as supervise's chdir into `S/log`
 * (done as root) would give it: the held log directory, by the path it has
 * now. For an account's logger that cannot reach it by that path (or a path
 * that is not UTF-8, which Deno's file APIs cannot name), a descriptor of it
 * named through /proc/self/fd: the account then needs search rights on that
 * directory only, not on its ancestors, exactly as a process whose cwd it
 * is. (One that can reach it, the usual case, holds no descriptor for it.)
 */
export function workingDir(
  held: HeldService,
  account?: FsCredentials,
): { cwd: string; close(): void } {
  const path = readLinkAt(AT_FDCWD, `/proc/self/fd/${held.fd}`);
  if (
    typeof path === "string" && path.startsWith("/") && !hasRawBytes(path) &&
    (account === undefined || searchable(path, account))
  ) return { cwd: path, close() {} };
  let fd = -1;
  try {
    fd = dupCloexec(held.fd);
  } catch {
    return { cwd: held.label, close() {} }; // out of descriptors: the path it was given
  }
  const own = fd;
  return { cwd: `/proc/self/fd/${own}`, close: () => void (fd === own && close(fd), fd = -1) };
}

/**
 * True when `account` can reach `dir` by its path (search rights on it and
 * every ancestor): the usual case, where no descriptor need be held for it.
 */
function searchable(dir: string, account: FsCredentials): boolean {
  try {
    return withFsCredentials(account, () => Deno.statSync(`${dir}/.`).isDirectory);
  } catch {
    return false;
  }
}

/** The head of the log pipe, as recovery needs it (the pipe reader's). */
export interface PipeHead {
  /** Up to `n` bytes at the head of the pipe, left there (null when it cannot be looked at). */
  head(n: number): Uint8Array | null;
  /** Takes `n` bytes out of the head of the pipe. */
  skip(n: number): void;
}

/**
 * The journal of the logger `plan` in the held log directory `held`, opened
 * once, with what a killed scanner left recovered first (`main` the log
 * directory as the logger names it from `cwd`). Null when the script is not
 * journaled, or when the journal cannot be used (reported through `log`: a
 * FIFO or a link planted there, say): its lines are then taken at least once.
 */
export function openJournalled(
  plan: LoggerPlan,
  held: HeldService,
  cwd: string,
  pipe: PipeHead,
  current: CurrentFile,
  log: (line: string) => void,
): LogJournal | null {
  const label = journalLabel(held);
  if (!plan.journaled) {
    forgetJournal(held.sup, label);
    return null;
  }
  let j: OpenJournal | null;
  try {
    j = openJournal(held.sup, label, true);
    if (j === null) return null;
  } catch (e) {
    log(
      `multilog: warning: unable to open ${label}: ${
        reason(e)
      }; its lines are logged at least once`,
    );
    return null;
  }
  const main = plan.script.dirs[0].path;
  try {
    recoverLog(
      j,
      main.startsWith("/") ? main : `${cwd}/${main}`,
      plan.account,
      pipe,
      plan.selects ? plan.script : undefined,
    );
  } catch (e) {
    log(`multilog: warning: ${held.label}: unable to recover from the log journal: ${reason(e)}`);
  }
  return new LogJournal(j.fd, current);
}

/**
 * Reads the journal `journal` (left open; its size as it was opened), acts
 * on it, empties it: the log directory `dir` is read with `account`'s
 * rights (the process's own without one), through one descriptor. Throws
 * SysError when the directory cannot be read.
 */
export function recoverLog(
  journal: OpenJournal,
  dir: string,
  account: FsCredentials | undefined,
  pipe: PipeHead,
  script?: ParsedScript,
): Recovered {
  const { fd, size } = journal;
  if (size === 0) return NOTHING; // the first start, or a logger that never journaled
  const first = new Uint8Array(HEADER_SIZE);
  let got: number;
  try {
    got = preadFull(fd, first, 0);
  } catch {
    return NOTHING;
  }
  try {
    const says = readJournal(first.subarray(0, got), size);
    let done: Recovered;
    if ("done" in says) done = says.done;
    else {
      const h = says.count, head = pipe.head(h.n);
      if (head === null || head.length < h.n) return NOTHING;
      const asLogger = <T>(step: () => T) => account ? withFsCredentials(account, step) : step();
      done = asLogger(() => {
        const d = tryOpenAt(AT_FDCWD, dir, O.RDONLY | O.DIRECTORY | O.NONBLOCK);
        if (d < 0) return NOTHING; // no directory yet: nothing of the chunk was written
        try {
          const files = filesFrom(d, h.ino, h.size);
          const r = recoverChunk(h, head, files, script);
          const current = files?.find((f) => f.name === "current");
          if (r.cut > 0 && current) cutTo(d, "current", current.size - r.cut);
          return r;
        } finally {
          close(d);
        }
      });
    }
    if (done.skipped > 0) pipe.skip(done.skipped);
    return done;
  } finally {
    ftruncate(fd, 0); // (the next journal is emptied before its first chunk anyway)
  }
}

/**
 * The log files of the directory `d` from the one whose inode is `ino` on,
 * oldest first, the first read from `size`; null when that file is gone.
 */
function filesFrom(d: number, ino: number, size: number): LogFile[] | null {
  const found: { name: string; ino: number; size: number }[] = [];
  for (const name of logFileOrder(readDirNames(d))) {
    const st = tryStatAt(d, name, false);
    if (typeof st !== "number" && st.kind === "file") {
      found.push({ name, ino: st.ino, size: st.size });
    }
  }
  const at = found.findIndex((f) => f.ino === ino);
  if (at === -1) return null;
  return found.slice(at).map((f, i) => {
    const from = i === 0 ? Math.min(size, f.size) : 0;
    return { name: f.name, size: f.size, bytes: readFrom(d, f.name, from, f.size) };
  });
}

/**
 * `name` in `d` opened as a regular file ({@link openHeld}: no link followed,
 * never waiting, its kind checked), or a negative number: none, or not a
 * regular file (a FIFO planted there, say), which recovery treats alike.
 */
function openLogFile(d: number, name: string, flags: number): number {
  try {
    return openHeld(d, name, flags, { label: name, kind: "file" });
  } catch {
    return -1;
  }
}

/**
 * The bytes of the log file `name` in `d` from `from` to its end; `size` is
 * its size as listed (it cannot grow: no logger writes it yet).
 */
function readFrom(d: number, name: string, from: number, size: number): Uint8Array {
  const fd = openLogFile(d, name, O.RDONLY);
  if (fd < 0) return new Uint8Array(0);
  try {
    const buf = new Uint8Array(size - from);
    return buf.subarray(0, preadFull(fd, buf, from));
  } finally {
    close(fd);
  }
}

/** pread(2) into `buf` from `offset` until it is full or the file ends; the bytes read. */
function preadFull(fd: number, buf: Uint8Array<ArrayBuffer>, offset: number): number {
  let got = 0;
  while (got < buf.length) {
    const r = pread(fd, buf.subarray(got), offset + got);
    if (r <= 0) break;
    got += r;
  }
  return got;
}

/** Cuts the log file `name` in `d` back to `size` bytes. */
function cutTo(d: number, name: string, size: number): void {
  const fd = openLogFile(d, name, O.WRONLY);
  if (fd < 0) return;
  try {
    ftruncate(fd, size);
  } finally {
    close(fd);
  }
}
