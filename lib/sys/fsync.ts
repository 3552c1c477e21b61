/**
 * Getting file data to disk: fsync(2), and sync_file_range(2) to start the
 * write-back of what was just written (so that the fsync a log rotation
 * must wait for finds little left to do).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { check, lazyLibc } from "./libc.ts";
import { fdRing } from "./uring.ts";

const lib = lazyLibc({
  fsync: { parameters: ["i32"], result: "i32" },
  fsync_wait: { name: "fsync", parameters: ["i32"], result: "i32", nonblocking: true },
  sync_file_range_wait: {
    name: "sync_file_range",
    parameters: ["i32", "i64", "i64", "u32"],
    result: "i32",
    nonblocking: true,
  },
});

const SYNC_FILE_RANGE_WRITE = 2;

/** fsync(2); throws {@link SysError} (call `fsync`) on failure. */
export function fsync(fd: number, path?: string): void {
  for (;;) {
    if (lib().fsync(fd) === 0) return;
    try {
      check("fsync", -1, path);
    } catch (e) {
      if ((e as { errno?: number }).errno === ERRNO.EINTR) continue;
      throw e;
    }
  }
}

/**
 * fsync(2) off the JS thread (io_uring, else a worker thread), so the event
 * loop keeps going while the disk works. On failure the call is repeated on this thread to learn errno, and
 * throws {@link SysError} if it fails again.
 */
export async function fsyncAsync(fd: number, path?: string): Promise<void> {
  const ring = fdRing();
  if (ring !== null) {
    for (;;) {
      const r = await ring.fsync(fd);
      if (r === 0) return;
      if (r !== -ERRNO.EINTR) throw new SysError("fsync", -r, path);
    }
  }
  if (await lib().fsync_wait(fd) === 0) return;
  fsync(fd, path);
}

/**
 * Starts write-back of `fd`'s dirty pages, on a worker thread (it may wait
 * for room in the device queue). Only a hint: the result is ignored, the
 * fsync that matters reports failures. Keep `fd` open until it resolves.
 */
export async function startWriteback(fd: number): Promise<void> {
  const ring = fdRing();
  if (ring !== null) await ring.startWriteback(fd);
  else await lib().sync_file_range_wait(fd, 0n, 0n, SYNC_FILE_RANGE_WRITE);
}
