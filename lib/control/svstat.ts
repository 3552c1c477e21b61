/**
 * svstat's view of a service directory: the pure formatting of one line, and
 * the reads (as daemontools' svstat does them, in the same order) behind it.
 *
 * @module
 */
import { decodeStatus, type Status, STATUS_SIZE } from "../supervise/status.ts";
import { now, type Tai64n } from "../tai64n/codec.ts";
import { SysError } from "../common/errors.ts";
import { ERRNO } from "../common/errno.ts";
import { close, O, probePath, tryOpen } from "../sys/fd.ts";
import { readUpTo } from "../sys/dir_fd.ts";
import { supervisorRunning } from "./control.ts";
import { ControlError } from "./control_error.ts";

/** Formats the text after `DIR: ` for a service that has a status, exactly as svstat 0.76. */
export function formatStatus(s: Status, at: Tai64n, normallyUp: boolean): string {
  // svstat compares whole TAI64 seconds only, and never goes below zero
  const secs = Math.max(0, at.sec - s.when.sec);
  let line = s.pid ? `up (pid ${s.pid}) ` : "down ";
  line += `${secs} seconds`;
  if (s.pid && !normallyUp) line += ", normally down";
  if (!s.pid && normallyUp) line += ", normally up";
  if (s.pid && s.paused) line += ", paused";
  if (!s.pid && s.want === "u") line += ", want up";
  if (s.pid && s.want === "d") line += ", want down";
  return line;
}

/** What svstat reads of a service directory. */
export interface ServiceRead {
  /** The 18-byte status. */
  status: Status;
  /** No `down` file. */
  normallyUp: boolean;
}

/**
 * Reads a service directory's status as daemontools' svstat does, in the
 * same order. Throws {@link ControlError} with svstat's words for why not
 * (what it prints after `DIR: `): `supervise not running`, `unable to
 * open supervise/status: reason`, ….
 */
export function readService(dir: string): ServiceRead {
  // stat(2)'s answers through open(O_PATH): svstat binds open for the probe anyway
  const isDir = probePath(dir, true);
  if (isDir < 0) throw ControlError.of("unable to chdir: ", new SysError("stat", -isDir, dir));
  const down = probePath(`${dir}/down`);
  if (down < 0 && down !== -ERRNO.ENOENT) {
    throw ControlError.of("unable to stat down: ", new SysError("stat", -down, `${dir}/down`));
  }
  const normallyUp = down === -ERRNO.ENOENT;
  let ok: boolean;
  try {
    ok = supervisorRunning(dir);
  } catch (e) {
    throw ControlError.of("unable to open supervise/ok: ", e);
  }
  if (!ok) throw ControlError.notRunning("");
  // as svstat's open_read: without waiting (a FIFO there cannot hold it)
  const path = `${dir}/supervise/status`;
  const fd = tryOpen(path, O.RDONLY | O.NONBLOCK | O.CLOEXEC);
  if (fd < 0) {
    throw ControlError.of("unable to open supervise/status: ", new SysError("open", -fd, path));
  }
  let bytes: Uint8Array;
  try {
    bytes = readUpTo(fd, STATUS_SIZE, path);
  } catch (e) {
    throw ControlError.of("unable to read supervise/status: ", e);
  } finally {
    close(fd);
  }
  const status = decodeStatus(bytes.subarray(0, STATUS_SIZE));
  if (status === null) throw new ControlError("unable to read supervise/status: bad format");
  return { status, normallyUp };
}

/** Reads a service directory's state; the text svstat prints after `DIR: `. */
export function describe(dir: string): string {
  try {
    const r = readService(dir);
    return formatStatus(r.status, now(), r.normallyUp);
  } catch (e) {
    if (e instanceof ControlError) return e.message;
    throw e;
  }
}
