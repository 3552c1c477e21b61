/**
 * The file-system seam of the log engine: creating files with exact modes
 * (independent of the process umask, which an in-process logger must not
 * change), every path step taken with the rights of the account the log
 * belongs to (`setuidgid` loggers: per-thread filesystem credentials, so
 * the kernel checks them — never root doing the work and chown after), and
 * the warn-pause-retry loop daemontools wraps around every step that may
 * fail for a while (a full disk, a directory made unwritable).
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { close, O, open } from "../sys/fd.ts";
import { type FsCredentials, withFsCredentials } from "../sys/fscreds.ts";

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

/** True when `e` is the error for a missing file. */
export function isMissing(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound || (e as { code?: string })?.code === "ENOENT";
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs `step` until it succeeds; after each failure warns `what` + the
 * reason and pauses. `what` is daemontools' text, e.g. `unable to write to
 * ./main/current, pausing: `. A step on an open descriptor (fsync) may be
 * asynchronous; path steps go through {@link retryPath}.
 */
export async function retry<T>(
  ctx: FileContext,
  what: string,
  step: () => T | Promise<T>,
): Promise<T> {
  for (;;) {
    if (ctx.cancelled) throw new Cancelled();
    try {
      const r = await step();
      if (ctx.cancelled) throw new Cancelled(); // killed while the step was on the disk
      return r;
    } catch (e) {
      if (ctx.cancelled) throw new Cancelled();
      ctx.warn(what + reason(e));
      await sleep(ctx.pauseMs);
    }
  }
}

/** {@link retry} of a synchronous path step, taken with the account's rights. */
export function retryPath<T>(ctx: FileContext, what: string, step: () => T): Promise<T> {
  return retry(ctx, what, () => asAccount(ctx, step));
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
