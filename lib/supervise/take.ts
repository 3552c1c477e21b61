/**
 * What a supervisor takes before anything runs, as supervise.c's main does:
 * the directory, `supervise/lock` (held), `supervise/control` and
 * `supervise/ok` (FIFOs it reads), all through the held directory (nothing
 * opened by a path another account could re-point, nothing waits on a FIFO,
 * a file of the wrong kind is refused). Errors are daemontools' words in a
 * {@link SuperviseError}; nothing stays open when one is thrown.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { reason, SysError } from "../common/errors.ts";
import { close, O } from "../sys/fd.ts";
import { mkfifoAt } from "../sys/dir_fd.ts";
import { openHeld } from "../sys/held_file.ts";
import { flock, LOCK } from "../sys/lock.ts";
import { readFd } from "../sys/read_fd.ts";
import { SuperviseError } from "./hosting.ts";
import { type DirAt, ServiceDir } from "./service_dir.ts";

/** The directory and what is held in it. */
export interface Taken {
  dir: ServiceDir;
  /** `down` exists. */
  downFile: boolean;
  lock: number;
}

/**
 * Opens the directory `label` (or takes `held`, a failed supervisor's), sees
 * whether `down` exists, makes `supervise/` and takes its lock.
 */
export function takeDirectory(label: string, at?: DirAt, held?: ServiceDir | null): Taken {
  let dir: ServiceDir;
  try {
    dir = held ?? ServiceDir.open(label, at);
  } catch (e) {
    throw new SuperviseError(`unable to chdir to ${label}: ${reason(e)}`, e);
  }
  try {
    let downFile: boolean;
    try {
      downFile = dir.has("down");
    } catch (e) {
      throw new SuperviseError(`unable to stat ${label}/down: ${reason(e)}`, e);
    }
    return { dir, downFile, lock: lock(dir, `${label}/supervise/lock`) };
  } catch (e) {
    dir.close();
    throw e;
  }
}

/**
 * Makes `supervise/` in `dir` where it is missing and opens its `lock`
 * (made where missing) for writing, as a supervisor does before it takes
 * the lock; `label` names it in errors. Throws `SysError` or `FileKindError`.
 */
export function openLock(dir: ServiceDir, label = `${dir.label}/supervise/lock`): number {
  dir.openSupervise(true);
  const fd = openHeld(dir.sup, "lock", O.WRONLY | O.APPEND | O.CREAT, { label, kind: "file" });
  if (fd < 0) throw new SysError("open", -fd, label);
  return fd;
}

function lock(dir: ServiceDir, label: string): number {
  let fd = -1;
  try {
    fd = openLock(dir, label);
    if (!flock(fd, LOCK.EX | LOCK.NB, label)) throw new SysError("flock", ERRNO.EAGAIN, label);
    return fd;
  } catch (e) {
    if (fd >= 0) close(fd);
    throw new SuperviseError(`unable to acquire ${label}: ${reason(e)}`, e);
  }
}

/**
 * The FIFO `name` of the held `supervise/`, made if missing, opened with
 * `flags` without waiting; refused if it is not a FIFO (`verb` says what
 * supervise says it was unable to do).
 */
export function openFifo(dir: ServiceDir, name: string, flags: number, verb: string): number {
  const label = `${dir.label}/supervise/${name}`;
  mkfifoAt(dir.sup, name, 0o600); // exists, or the open says why not
  try {
    const fd = openHeld(dir.sup, name, flags, { label, kind: "fifo" });
    if (fd < 0) throw new SysError("open", -fd, label);
    return fd;
  } catch (e) {
    throw new SuperviseError(`unable to ${verb} ${label}: ${reason(e)}`, e);
  }
}

/**
 * Reads `supervise/control` (made if missing), held read-write so the FIFO
 * never sees EOF: each byte is a command for `command`.
 */
export function readControl(dir: ServiceDir, command: (ch: string) => void): { close(): void } {
  const fd = openFifo(dir, "control", O.RDWR, "read");
  try {
    return readFd(fd, (chunk) => {
      for (const b of chunk) command(String.fromCharCode(b));
    });
  } catch (e) {
    close(fd);
    throw new SuperviseError(`unable to read ${dir.label}/supervise/control: ${reason(e)}`, e);
  }
}
