/**
 * flock(2) on FFI-opened fds: compatible with daemontools' lock_exnb and flock(1),
 * free of Deno's own lock machinery, and able to survive exec when asked.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { errno, lazyLibc } from "./libc.ts";
import { close, O, open } from "./fd.ts";

const lib = lazyLibc({
  flock: { parameters: ["i32", "i32"], result: "i32" },
});

/** flock operations. */
export const LOCK = { SH: 1, EX: 2, NB: 4, UN: 8 } as const;

/** flock(fd, op); returns false when a non-blocking lock is held elsewhere (EAGAIN). */
export function flock(fd: number, op: number, path?: string): boolean {
  for (;;) {
    if (lib().flock(fd, op) === 0) return true;
    const e = errno();
    if (e === ERRNO.EINTR) continue;
    if (e === ERRNO.EAGAIN && (op & LOCK.NB)) return false;
    throw new SysError("flock", e, path);
  }
}

/**
 * Opens `path` for appending (creating it 0600) and takes an exclusive lock,
 * without waiting unless `wait`. Returns the fd, or throws {@link SysError}
 * (EAGAIN when someone else holds it).
 */
export function lockFile(path: string, opts: { wait?: boolean; cloexec?: boolean } = {}): number {
  const flags = O.WRONLY | O.APPEND | O.CREAT | (opts.cloexec === false ? 0 : O.CLOEXEC);
  const fd = open(path, flags, 0o600);
  try {
    if (!flock(fd, LOCK.EX | (opts.wait ? 0 : LOCK.NB), path)) {
      throw new SysError("flock", ERRNO.EAGAIN, path);
    }
  } catch (e) {
    close(fd);
    throw e;
  }
  return fd;
}
