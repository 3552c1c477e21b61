/**
 * The file-system seam of the log engine: creating files with exact modes
 * (independent of the process umask, which an in-process logger must not
 * change) and handing them to the account that owns the log, plus the
 * warn-pause-retry loop daemontools wraps around every step that may fail
 * for a while (a full disk, a directory made unwritable).
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { close, O, open } from "../sys/fd.ts";

/** The account created files and directories are given to (`setuidgid` loggers). */
export interface Owner {
  uid: number;
  gid: number;
}

/** What the engine's file steps need from their host. */
export interface FileContext {
  /** Reports `multilog: warning: …` text (without the prefix). */
  warn(message: string): void;
  /** Pause before retrying a failed step (daemontools: 5 seconds). */
  pauseMs: number;
  /** Give created files to this account. */
  owner?: Owner;
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
 * ./main/current, pausing: `.
 */
export async function retry<T>(
  ctx: FileContext,
  what: string,
  step: () => T | Promise<T>,
): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (e) {
      ctx.warn(what + reason(e));
      await sleep(ctx.pauseMs);
    }
  }
}

/** chown to the owner, if there is one. */
export function own(ctx: FileContext, path: string): void {
  if (ctx.owner) Deno.chownSync(path, ctx.owner.uid, ctx.owner.gid);
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
 * creating it with exactly `mode` (and the owner) when it is new.
 */
export function openAppend(ctx: FileContext, path: string, mode = 0o600): number {
  return openNew(ctx, path, O.WRONLY | O.APPEND | O.CREAT, mode);
}

/** open_trunc: opens `path` truncated for writing, created with exactly `mode` when new. */
export function openTrunc(ctx: FileContext, path: string, mode = 0o644): number {
  return openNew(ctx, path, O.WRONLY | O.TRUNC | O.CREAT, mode);
}

function openNew(ctx: FileContext, path: string, flags: number, mode: number): number {
  const fresh = !exists(path);
  const fd = open(path, flags | O.CLOEXEC, mode);
  if (fresh) {
    try {
      Deno.chmodSync(path, mode);
      own(ctx, path);
    } catch (e) {
      close(fd);
      throw e;
    }
  }
  return fd;
}

/** mkdir with exactly `mode` and the owner; an existing entry is left alone (as daemontools). */
export function makeDir(ctx: FileContext, path: string, mode = 0o700): void {
  try {
    Deno.mkdirSync(path, { mode });
  } catch {
    return; // exists, or fails again when opened, with the message that matters
  }
  Deno.chmodSync(path, mode);
  own(ctx, path);
}
