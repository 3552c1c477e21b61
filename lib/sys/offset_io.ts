/**
 * Reads and writes of files off the JS thread: write(2) and pwrite(2),
 * pread(2), ftruncate(2), and splice(2) of bytes out of a pipe into a file.
 * A slow or stalled disk holds up a worker, never the event loop.
 *
 * They go through the process's io_uring when it can be used (uring.ts):
 * the requests of one turn are submitted together in one system call, and
 * a write the page cache takes at once is done then; one that would wait
 * goes to a kernel worker. That is what lets one process log for hundreds
 * of services: a nonblocking FFI call, Deno's blocking pool, costs the JS
 * thread some 30 µs each, measured (docs/svscan.md). Without io_uring (an
 * old kernel, a seccomp profile that forbids it) each call is a nonblocking
 * FFI call.
 *
 * splice moves the bytes: those it reports written are the ones that left
 * the pipe, so the file's size records exactly how much was taken out, even
 * when the process is killed in the middle (the log journal relies on it).
 *
 * Each returns what the call returns: a count, or -1 (errno of a worker
 * thread cannot be read; a caller that needs the reason asks again on its
 * own thread); {@link writeSomeAsync} returns -errno.
 *
 * @module
 */
import { lazyLibc } from "./libc.ts";
import { writeSome } from "./fd.ts";
import { fdRing } from "./uring.ts";

const lib = lazyLibc({
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
  pread_wait: {
    name: "pread",
    parameters: ["i32", "buffer", "usize", "i64"],
    result: "isize",
    nonblocking: true,
  },
  write_wait: {
    name: "write",
    parameters: ["i32", "buffer", "usize"],
    result: "isize",
    nonblocking: true,
  },
  pwrite_wait: {
    name: "pwrite",
    parameters: ["i32", "buffer", "usize", "i64"],
    result: "isize",
    nonblocking: true,
  },
  ftruncate_wait: {
    name: "ftruncate",
    parameters: ["i32", "i64"],
    result: "i32",
    nonblocking: true,
  },
  splice_wait: {
    name: "splice",
    parameters: ["i32", "buffer", "i32", "buffer", "usize", "u32"],
    result: "isize",
    nonblocking: true,
  },
});

const SPLICE_F_NONBLOCK = 2;

/** pread(2) into `buf` from `offset` on a worker thread; bytes read (0 at the end) or -1. */
export async function preadAsync(
  fd: number,
  buf: Uint8Array<ArrayBuffer>,
  offset: number,
): Promise<number> {
  const ring = fdRing();
  if (ring !== null) return Math.max(-1, await ring.read(fd, buf, offset));
  return Number(await lib().pread_wait(fd, buf, BigInt(buf.length), BigInt(offset)));
}

/**
 * write(2) once, off the JS thread, so a slow disk never holds up the event
 * loop; returns bytes written, or -errno. (On the blocking pool errno cannot
 * be read: a failed write is tried once more on this thread to learn it;
 * failures such as a full disk answer at once.) Do not touch `buf` until
 * the promise settles.
 */
export async function writeSomeAsync(fd: number, buf: Uint8Array<ArrayBuffer>): Promise<number> {
  const ring = fdRing();
  if (ring !== null) return await ring.write(fd, buf);
  const r = Number(await lib().write_wait(fd, buf, BigInt(buf.length)));
  return r === -1 ? writeSome(fd, buf) : r;
}

/** pwrite(2) of all of `buf` at `offset` on a worker thread; bytes written or -1. */
export async function pwriteAsync(
  fd: number,
  buf: Uint8Array<ArrayBuffer>,
  offset: number,
): Promise<number> {
  const ring = fdRing();
  if (ring !== null) return Math.max(-1, await ring.write(fd, buf, offset));
  return Number(await lib().pwrite_wait(fd, buf, BigInt(buf.length), BigInt(offset)));
}

/** ftruncate(2) on a worker thread; 0 or -1. */
export async function ftruncateAsync(fd: number, length: number): Promise<number> {
  return await lib().ftruncate_wait(fd, BigInt(length));
}

/**
 * splice(2) of up to `len` bytes from the pipe `from` into the file `to` at
 * `offset` (the file's own position is not used or moved), without waiting
 * on the pipe (SPLICE_F_NONBLOCK); bytes moved, 0 when the pipe is empty
 * with no writer, or -1.
 */
export async function spliceToFileAsync(
  from: number,
  to: number,
  offset: number,
  len: number,
): Promise<number> {
  const ring = fdRing();
  if (ring !== null) return Math.max(-1, await ring.splice(from, to, offset, len));
  const off = new BigInt64Array([BigInt(offset)]);
  const r = await lib().splice_wait(
    from,
    null,
    to,
    new Uint8Array(off.buffer),
    BigInt(len),
    SPLICE_F_NONBLOCK,
  );
  return Number(r);
}

/**
 * ftruncate(2) on this thread (a small file on a local disk, where waiting
 * is not expected); 0 or -1.
 */
export function ftruncate(fd: number, length: number): number {
  return lib().ftruncate(fd, BigInt(length));
}

/** pread(2) on this thread, once: bytes read, or -1. */
export function pread(fd: number, buf: Uint8Array<ArrayBuffer>, offset: number): number {
  return Number(lib().pread(fd, buf, BigInt(buf.length), BigInt(offset)));
}
