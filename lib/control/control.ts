/**
 * Talking to a supervisor through its FIFOs, as svc and svok do: a FIFO with no
 * reader cannot be opened for writing without blocking (ENXIO), which is how
 * "supervise not running" is known.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { close, O, setNonblock, tryOpen, writeAll } from "../sys/fd.ts";

/** The commands `supervise/control` understands, and what each does. */
export const COMMANDS: Readonly<Record<string, string>> = {
  u: "up",
  d: "down",
  o: "once",
  x: "exit",
  p: "pause",
  c: "continue",
  h: "hup",
  a: "alarm",
  i: "interrupt",
  t: "term",
  k: "kill",
};

/**
 * true if a supervisor holds `dir/supervise/ok` open, false if none does (no
 * reader, or no such FIFO), or the error that made the probe fail.
 */
export function supervisorRunning(dir: string): boolean | SysError {
  const path = `${dir}/supervise/ok`;
  const fd = tryOpen(path, O.WRONLY | O.NONBLOCK | O.CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return true;
  }
  if (fd === -ERRNO.ENXIO) return false; // ENXIO
  return new SysError("open", -fd, path);
}

/** Why a control message could not be delivered. */
export type ControlFailure =
  | { kind: "not-running" }
  | { kind: "open"; error: SysError }
  | { kind: "write"; error: SysError };

/**
 * Writes command letters to `dir/supervise/control`. Returns null on success,
 * or why it failed: `not-running` when no supervisor reads the FIFO.
 */
export function sendControl(dir: string, commands: string): ControlFailure | null {
  const path = `${dir}/supervise/control`;
  const fd = tryOpen(path, O.WRONLY | O.NONBLOCK | O.CLOEXEC);
  if (fd === -ERRNO.ENXIO) return { kind: "not-running" };
  if (fd < 0) return { kind: "open", error: new SysError("open", -fd, path) };
  try {
    setNonblock(fd, false);
    writeAll(fd, new TextEncoder().encode(commands));
    return null;
  } catch (e) {
    return { kind: "write", error: e as SysError };
  } finally {
    close(fd);
  }
}
