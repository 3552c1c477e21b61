/**
 * The capacity of a pipe (F_GETPIPE_SZ / F_SETPIPE_SZ), and how much of it is
 * filled (FIONREAD). A logger that
 * grows its input pipe reads in larger pieces, and more of the log waits
 * safely in the kernel (not in the logger) while the logger is busy or
 * restarting.
 *
 * @module
 */
import { errno, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  fcntl: { parameters: ["i32", "i32", "i64"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
});

const FIONREAD = 0x541bn;

const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;

/**
 * Grows the pipe on `fd` to at least `size` bytes if it is a pipe and the
 * system allows it; returns the capacity now, or -errno when `fd` is no pipe
 * (EBADF, EINVAL). Never shrinks a pipe, and a refused growth is no failure:
 * this is an optimisation only.
 */
export function growPipe(fd: number, size: number): number {
  const l = lib();
  const now = l.fcntl(fd, F_GETPIPE_SZ, 0n);
  if (now === -1) return -errno();
  if (now >= size) return now;
  const r = l.fcntl(fd, F_SETPIPE_SZ, BigInt(size));
  return r === -1 ? now : r;
}

/** Bytes waiting to be read in the pipe on `fd`; -errno when that cannot be told. */
export function pipeUnread(fd: number): number {
  const n = new Int32Array(1);
  return lib().ioctl(fd, FIONREAD, new Uint8Array(n.buffer)) === -1 ? -errno() : n[0];
}
