/**
 * Talking to a supervisor through its FIFOs, as svc and svok do: a FIFO with no
 * reader cannot be opened for writing without blocking (ENXIO), which is how
 * "supervise not running" is known. Failures throw: {@link SysError} from a
 * probe, {@link ControlError} in daemontools' words from a command.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { close, O, setNonblock, tryOpen, writeAll } from "../sys/fd.ts";
import { ControlError } from "./control_error.ts";

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
 * True if a supervisor holds `dir/supervise/ok` open, false if none reads it
 * (ENXIO). Any other failure of the probe (no such FIFO: ENOENT) throws
 * {@link SysError} naming `dir/supervise/ok`.
 */
export function supervisorRunning(dir: string): boolean {
  const path = `${dir}/supervise/ok`;
  const fd = tryOpen(path, O.WRONLY | O.NONBLOCK | O.CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return true;
  }
  if (fd === -ERRNO.ENXIO) return false;
  throw new SysError("open", -fd, path);
}

/**
 * Writes command letters to `dir/supervise/control`. Throws
 * {@link ControlError} with svc's words when they cannot be delivered:
 * `unable to control DIR: supervise not running` (`notRunning`) when no
 * supervisor reads the FIFO, `unable to control DIR: reason` when it cannot
 * be opened, `error writing commands to DIR: reason`.
 */
export function sendControl(dir: string, commands: string): void {
  const path = `${dir}/supervise/control`;
  const fd = tryOpen(path, O.WRONLY | O.NONBLOCK | O.CLOEXEC);
  if (fd === -ERRNO.ENXIO) throw ControlError.notRunning(`unable to control ${dir}: `);
  if (fd < 0) throw ControlError.of(`unable to control ${dir}: `, new SysError("open", -fd, path));
  try {
    setNonblock(fd, false);
    writeAll(fd, new TextEncoder().encode(commands));
  } catch (e) {
    throw ControlError.of(`error writing commands to ${dir}: `, e);
  } finally {
    close(fd);
  }
}
