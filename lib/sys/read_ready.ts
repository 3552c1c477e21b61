/**
 * Reading an fd the way a C filter does, without blocking the event loop:
 * poll(2) with no wait first (data usually is there under load), and only
 * when nothing is ready a wait in the process's one poller (poller.ts). The read itself is always
 * a plain read(2) on the JS thread, so no byte is ever taken from the fd by a
 * read that nobody will look at (a program that stops reading leaves the rest
 * in the pipe for the next reader).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { lazyLibc } from "./libc.ts";
import { readSome } from "./fd.ts";
import { onceReadable } from "./poller.ts";

const lib = lazyLibc({
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
});

const POLLIN = 1;
/** poll(2)'s report that the other end is gone (a pipe with no writer left). */
export const POLLHUP = 16;

/**
 * What poll(2) reports of `fd` for reading now, without waiting: its
 * `revents` (POLLIN, {@link POLLHUP}, …), 0 when nothing is ready.
 */
export function pollNow(fd: number): number {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setInt32(0, fd, true);
  v.setInt16(4, POLLIN, true);
  return lib().poll(b, 1n, 0) === 1 ? v.getInt16(6, true) : 0;
}

/** Resolves when `fd` is readable (data, EOF, or an error to be found by read). */
export async function whenReadable(fd: number): Promise<void> {
  if (pollNow(fd) !== 0) return;
  await onceReadable(fd);
}

/**
 * Waits until `fd` is readable, then reads once into `buf`: the byte count,
 * 0 at end of file. Throws {@link SysError} (call `read`) on failure.
 */
export async function readWhenReady(fd: number, buf: Uint8Array<ArrayBuffer>): Promise<number> {
  for (;;) {
    await whenReadable(fd);
    const r = readSome(fd, buf);
    if (r >= 0) return r;
    if (r === -ERRNO.EINTR || r === -ERRNO.EAGAIN) continue; // EINTR, EAGAIN (someone else took it)
    throw new SysError("read", -r);
  }
}
