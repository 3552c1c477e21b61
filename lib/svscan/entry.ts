/**
 * One service as the scanner holds it: its supervisors, its log pipe, and
 * what reads that pipe on the logger's behalf (the scanner's reader while the
 * logger runs in-process, a feeder while a process logger is handed what was
 * read ahead).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { PipeFeeder } from "../logger/feeder.ts";
import { PipeReader } from "../logger/pipe_reader.ts";
import { close } from "../sys/fd.ts";
import { tryStatAt } from "../sys/dir_fd.ts";
import type { Supervisor } from "../supervise/supervisor.ts";
import type { ServiceDir } from "../supervise/service_dir.ts";
import type { PrefixedOutput } from "./stdout_lines.ts";

/** One service as the scanner knows it (its own record, never handed out). */
export interface Entry {
  name: string;
  key: string;
  main: Supervisor | null;
  log: Supervisor | null;
  /** The log pipe `[read, write]` held by the scanner, or null. */
  pipe: [number, number] | null;
  /** The scanner's reader of the pipe while the logger runs in-process (or is fed), or null. */
  reader: PipeReader | null;
  /** The pipe a process logger reads while it is fed what was read ahead, or null. */
  feeder: PipeFeeder | null;
  /** With `--log-prefix`, a service without a log: the pipe of its stdout and its reader, or null. */
  out: PrefixedOutput | null;
  /** Seen at the last scan. */
  active: boolean;
}

/** What an in-process logger reads: the pipe's reader, with what a feeder still held first. */
export function inProcessInput(e: Entry, onFault: (err: unknown) => void): PipeReader | null {
  if (e.pipe === null) return null;
  e.reader ??= new PipeReader(e.pipe[0], onFault);
  if (e.feeder !== null) {
    e.reader.detach();
    e.reader.unshift(e.feeder.take()); // older than anything the reader holds
    e.feeder = null;
  }
  return e.reader;
}

/**
 * Before a process logger starts: it reads the pipe itself when nothing was
 * read ahead; otherwise a feeder's fresh pipe, fed what was read ahead and
 * then the pipe, so the handoff neither blocks nor reorders. Throws (no
 * start now, retried) when a feeder is needed and cannot be made.
 */
export function processInput(e: Entry): void {
  const r = e.reader;
  if (r === null) return;
  if (e.feeder !== null && !(r.idle && e.feeder.empty)) {
    const f = e.feeder;
    r.attach(f.sink, () => f.end());
    return;
  }
  e.feeder?.close();
  e.feeder = null;
  if (r.idle) {
    r.release();
    e.reader = null;
    return;
  }
  const f = new PipeFeeder();
  e.feeder = f;
  r.attach(f.sink, () => f.end());
}

/**
 * Lets go of what the scanner holds for `e`'s log: the reader, the feeder, the
 * pipe, the prefixed output (their write ends too, unless they were closed
 * before: `writeEndOpen` false).
 */
export function closeLogInput(e: Entry, writeEndOpen = true): void {
  e.reader?.close();
  e.reader = null;
  e.feeder?.close();
  e.feeder = null;
  if (e.pipe) {
    close(e.pipe[0]);
    if (writeEndOpen) close(e.pipe[1]);
  }
  e.pipe = null;
  if (e.out) {
    e.out.input.close();
    close(e.out.pipe[0]);
    if (writeEndOpen) close(e.out.pipe[1]);
  }
  e.out = null;
}

/**
 * Whether the held service directory has a `log` (followed where it may be):
 * of any kind, as svscan 0.76 asks stat(2), so a file there gets a pipe and a
 * supervisor that says it is no directory, as daemontools' does. -errno when
 * that cannot be told (anything but ENOENT, which is "no").
 */
export function logThere(dir: ServiceDir): boolean | number {
  const st = tryStatAt(dir.fd, "log", dir.trusted);
  if (st === -ERRNO.ENOENT) return false;
  return typeof st === "number" ? st : true;
}
