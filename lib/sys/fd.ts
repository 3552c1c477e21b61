/**
 * File descriptors through libc: open, close, read, write, pipe2, dup2, fcntl.
 * For the fds Deno's own APIs cannot hand out (FIFOs without blocking threads,
 * fds that must survive exec).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { check, cstr, errno, lazyLibc } from "./libc.ts";

/** open(2) flags (Linux, octal). */
export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0o100,
  EXCL: 0o200,
  NOCTTY: 0o400,
  TRUNC: 0o1000,
  APPEND: 0o2000,
  NONBLOCK: 0o4000,
  DIRECTORY: 0o200000,
  NOFOLLOW: 0o400000,
  CLOEXEC: 0o2000000,
  PATH: 0o10000000,
} as const;

const lib = lazyLibc({
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  fcntl: { parameters: ["i32", "i32", "i64"], result: "i32" },
});

/** open(2); throws {@link SysError} naming `path`. */
export function open(path: string, flags: number, mode = 0o644): number {
  return check("open", lib().open(cstr(path), flags, mode), path);
}

/** open(2) that returns -errno instead of throwing (for probes such as svok's). */
export function tryOpen(path: string, flags: number, mode = 0o644): number {
  const fd = lib().open(cstr(path), flags, mode);
  return fd === -1 ? -errno() : fd;
}

/**
 * What stat(2) would say of `path` through open(2) with O_PATH (no read
 * permission needed, symlinks followed): 0 when it exists (and, with `dir`,
 * is a directory), else -errno (ENOTDIR when `dir` and it is not one). Cheaper
 * than a first `Deno.statSync` in a one-shot program, which builds a FileInfo
 * and its dates (loading the time zone).
 */
export function probePath(path: string, dir = false): number {
  const fd = lib().open(cstr(path), O.PATH | O.CLOEXEC | (dir ? O.DIRECTORY : 0), 0);
  if (fd === -1) return -errno();
  lib().close(fd);
  return 0;
}

/** What runs before each close (see {@link beforeEachClose}). */
let beforeClose: (() => void) | null = null;

/**
 * Sets what runs before each {@link close}: the io_uring of uring.ts, whose
 * requests of a turn are submitted at its end, submits them first, so that a
 * request never finds its descriptor closed, or its number given to another
 * file opened meanwhile.
 */
export function beforeEachClose(f: () => void): void {
  beforeClose = f;
}

/** close(2), ignoring errors. */
export function close(fd: number): void {
  beforeClose?.();
  lib().close(fd);
}

/** read(2) once; returns bytes read (0 at EOF), or -errno (EAGAIN on an empty non-blocking fd). */
export function readSome(fd: number, buf: Uint8Array<ArrayBuffer>): number {
  const r = Number(lib().read(fd, buf, BigInt(buf.length)));
  return r === -1 ? -errno() : r;
}

/** write(2) once; returns bytes written, or -errno. */
export function writeSome(fd: number, buf: Uint8Array<ArrayBuffer>): number {
  const r = Number(lib().write(fd, buf, BigInt(buf.length)));
  return r === -1 ? -errno() : r;
}

/** Writes all of `buf` (blocking fd); throws {@link SysError} on failure. */
export function writeAll(fd: number, buf: Uint8Array<ArrayBuffer>): void {
  let off = 0;
  while (off < buf.length) {
    const r = writeSome(fd, buf.subarray(off) as Uint8Array<ArrayBuffer>);
    if (r < 0) {
      if (r === -ERRNO.EINTR) continue; // EINTR
      throw new SysError("write", -r);
    }
    off += r;
  }
}

/** pipe2(2): `[readEnd, writeEnd]`. Close-on-exec by default. */
export function pipe(flags: number = O.CLOEXEC): [number, number] {
  const fds = new Int32Array(2);
  check("pipe2", lib().pipe2(new Uint8Array(fds.buffer), flags));
  return [fds[0], fds[1]];
}

/** dup2(2). */
export function dup2(from: number, to: number): void {
  check("dup2", lib().dup2(from, to));
}

const F_GETFL = 3, F_SETFL = 4;

/** A new fd for the same open file description (close-on-exec). */
export function dupCloexec(fd: number): number {
  return check("fcntl", lib().fcntl(fd, 1030, 0n)); // F_DUPFD_CLOEXEC
}

/** Sets or clears O_NONBLOCK on the open file description. */
export function setNonblock(fd: number, on: boolean): void {
  const f = check("fcntl", lib().fcntl(fd, F_GETFL, 0n));
  check("fcntl", lib().fcntl(fd, F_SETFL, BigInt(on ? f | O.NONBLOCK : f & ~O.NONBLOCK)));
}
