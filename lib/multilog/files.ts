/**
 * The file-system seam of the log engine: creating files with exact modes
 * (independent of the process umask, which an in-process logger must not
 * change), every path step taken with the rights of the account the log
 * belongs to (`setuidgid` loggers: per-thread filesystem credentials, so
 * the kernel checks them — never root doing the work and chown after), and
 * the warn-pause-retry loop daemontools wraps around every step that may
 * fail for a while (a full disk, a directory made unwritable).
 *
 * The steps of a rotation run off the JS thread ({@link pathSteps}), so a
 * log directory on a stalled disk holds up its logger only.
 *
 * @module
 */
import { isErrno, reason } from "../common/errors.ts";
import { sleep } from "../common/long_timer.ts";
import { close, O, open } from "../sys/fd.ts";
import { type FsCredentials, withFsCredentials } from "../sys/fscreds.ts";
import { offThread, onThisThread, OPEN_DIR, type PathCalls } from "../sys/path_async.ts";
import { type AccountRing, accountRing } from "../sys/uring.ts";

export type { FsCredentials };

/** What the engine's file steps need from their host. */
export interface FileContext {
  /** Reports `multilog: warning: …` text (without the prefix). */
  warn(message: string): void;
  /** Pause before retrying a failed step (daemontools: 5 seconds). */
  pauseMs: number;
  /** Take every path step with this account's rights (a `setuidgid` logger). */
  account?: FsCredentials;
  /** Set when the logger was killed: every step still waiting gives up. */
  cancelled?: boolean;
}

/** Thrown into a step of a logger that was killed meanwhile. */
export class Cancelled extends Error {
  constructor() {
    super("logger killed");
    this.name = "Cancelled";
  }
}

/**
 * Runs a synchronous path step (open, create, rename, link, unlink, chmod,
 * stat, readdir, mkdir) with the log account's rights, if there is one.
 */
export function asAccount<T>(ctx: FileContext, step: () => T): T {
  return ctx.account ? withFsCredentials(ctx.account, step) : step();
}

/** Throws {@link Cancelled} once the logger was killed (its descriptors are gone). */
export function liveOrCancelled(ctx: FileContext): void {
  if (ctx.cancelled) throw new Cancelled();
}

/**
 * Runs `step` until it succeeds; after each failure warns `what` + the
 * reason and pauses. `what` is daemontools' text, e.g. `unable to write to
 * ./main/current, pausing: `. `discard` lets go of what a step made when the
 * logger was killed while it ran (a descriptor it opened).
 */
export async function retry<T>(
  ctx: FileContext,
  what: string,
  step: () => T | Promise<T>,
  discard?: (result: T) => void,
): Promise<T> {
  for (;;) {
    if (ctx.cancelled) throw new Cancelled();
    try {
      const r = await step();
      if (ctx.cancelled) {
        // killed while the step was on the disk: what it made (a descriptor) is let go
        discard?.(r);
        throw new Cancelled();
      }
      return r;
    } catch (e) {
      if (ctx.cancelled) throw new Cancelled();
      ctx.warn(what + reason(e));
      await sleep(ctx.pauseMs);
    }
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * open_append: opens `path` for appending (a raw fd, close-on-exec),
 * creating it with exactly `mode` when it is new. Call it through
 * {@link asAccount}, as every path step here.
 */
export function openAppend(path: string, mode = 0o600): number {
  return openNew(path, O.WRONLY | O.APPEND | O.CREAT, mode);
}

/** open_trunc: opens `path` truncated for writing, created with exactly `mode` when new. */
export function openTrunc(path: string, mode = 0o644): number {
  return openNew(path, O.WRONLY | O.TRUNC | O.CREAT, mode);
}

function openNew(path: string, flags: number, mode: number): number {
  const fresh = !exists(path);
  const fd = open(path, flags | O.CLOEXEC, mode);
  if (fresh) {
    try {
      Deno.chmodSync(path, mode);
    } catch (e) {
      close(fd);
      throw e;
    }
  }
  return fd;
}

/** mkdir with exactly `mode`; an existing entry is left alone (as daemontools). */
export function makeDir(path: string, mode = 0o700): void {
  try {
    Deno.mkdirSync(path, { mode });
  } catch {
    return; // exists, or fails again when opened, with the message that matters
  }
  Deno.chmodSync(path, mode);
}

/**
 * The path steps of a log directory's rotations, off the JS thread, with
 * the rights of `account` when there is one.
 *
 * - No account (root's logger): on Deno's blocking pool (path_async.ts).
 * - An account: through io_uring with the account's personality (uring.ts):
 *   open, rename, link, unlink and stat are each carried out by the kernel
 *   with exactly the account's uid, gid and groups. What is done on a
 *   descriptor the account opened (fchmod, fstat, reading a directory's
 *   names) runs on the blocking pool, as writes to `current` and fsync do:
 *   fstat and reading names check no rights, and fchmod there is on a file
 *   the account created, or whose mode it set when the logger started, so
 *   the account's own fchmod would succeed.
 * - An account where io_uring cannot be used (kernel, sysctl, a seccomp
 *   profile): on the JS thread with the account's credentials, as the
 *   logger's start does. Those steps may wait on the disk: the one case
 *   where a rotation can hold up the scanner (docs/design.md).
 *
 * The ring is made at the first step, not before.
 */
export function pathSteps(account?: FsCredentials): PathCalls {
  if (!account) return offThread;
  const here = onThisThread((step) => withFsCredentials(account, step));
  let ring: AccountRing | null | undefined;
  const byRing = () => ring === undefined ? (ring = accountRing(account)) : ring;
  return {
    open: (path, flags, mode) => (byRing() ?? here).open(path, flags, mode),
    rename: (from, to) => (byRing() ?? here).rename(from, to),
    link: (from, to) => (byRing() ?? here).link(from, to),
    unlink: (path) => (byRing() ?? here).unlink(path),
    stat: (path) => (byRing() ?? here).stat(path),
    fchmod: (fd, mode, path) => (byRing() === null ? here : offThread).fchmod(fd, mode, path),
    // no rights are checked on these
    fstat: (fd) => offThread.fstat(fd),
    names: (fd, path) => offThread.names(fd, path),
  };
}

/** The names in directory `path`, as bytes, through `steps`. */
export async function listDir(steps: PathCalls, path: string): Promise<Uint8Array[]> {
  const fd = await steps.open(path, OPEN_DIR, 0);
  try {
    return await steps.names(fd, path);
  } finally {
    close(fd);
  }
}

/**
 * open_append through `steps`: opens `path` for appending (close-on-exec),
 * creating it with exactly `mode` (whatever the umask) when it is new, as
 * {@link openAppend} does on this thread.
 */
export async function openAppendWith(
  steps: PathCalls,
  path: string,
  mode = 0o600,
): Promise<number> {
  const flags = O.WRONLY | O.APPEND | O.CLOEXEC;
  let fd: number;
  try {
    fd = await steps.open(path, flags | O.CREAT | O.EXCL, mode);
  } catch (e) {
    // there already (or a symlink: followed, and its target created if missing, as open_append)
    if (!isErrno(e, "EEXIST")) throw e;
    return await steps.open(path, flags | O.CREAT, mode);
  }
  try {
    await steps.fchmod(fd, mode, path);
  } catch (e) {
    close(fd);
    throw e;
  }
  return fd;
}
