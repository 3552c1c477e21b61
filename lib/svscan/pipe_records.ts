/**
 * The record a scanner keeps of each log pipe (`supervise/RECORD`, written
 * for pipe_keeper.ts), read and written through the held service
 * directories, and the pipe a scanner that died left, taken back.
 *
 * @module
 */
import { replaceHeld } from "../sys/held_file.ts";
import { unlinkAt } from "../sys/dir_fd.ts";
import { type DirAt, ServiceDir } from "../supervise/service_dir.ts";
import { leftRunning } from "../supervise/running.ts";
import { type Pipe, reclaimPipe, RECORD } from "./pipe_keeper.ts";

/** The text of the log pipe record of service `label`, opened at `at`; null when there is none. */
export function readRecord(label: string, at: DirAt): string | null {
  let dir: ServiceDir | null = null;
  try {
    dir = ServiceDir.open(label, at);
    return readRecordIn(dir);
  } catch {
    return null; // no such service (any more): no record
  } finally {
    dir?.close();
  }
}

/** The text of the held service directory's log pipe record; null when there is none. */
export function readRecordIn(dir: ServiceDir): string | null {
  try {
    if (!dir.openSupervise(false)) return null;
    const b = dir.readSupervise(RECORD, 256);
    return b === null ? null : new TextDecoder().decode(b);
  } catch {
    return null; // unreadable: as none (the pipe is then taken back from its processes, or made)
  }
}

/** Writes (or, with null, removes) the log pipe record of service `label`, opened at `at`. */
export function writeRecord(label: string, at: DirAt, text: string | null): void {
  let dir: ServiceDir;
  try {
    dir = ServiceDir.open(label, at);
  } catch {
    return; // gone: nothing to record
  }
  try {
    if (!dir.openSupervise(false)) return dir.close();
  } catch {
    return dir.close();
  }
  if (text === null) {
    unlinkAt(dir.sup, RECORD);
    return dir.close();
  }
  replaceHeld(
    dir.sup,
    RECORD,
    new TextEncoder().encode(text),
    0o644,
    `${label}/supervise/${RECORD}`,
  )
    .catch(() => {/* the pipe is held all the same */})
    .finally(() => dir.close());
}

/**
 * The log pipe a scanner that died left for the held service `dir`, opened
 * again (from its keeper, or from the logger and service still running on
 * it), so the service and logger it left keep their pipe; null when there
 * is none.
 */
export function reclaim(dir: ServiceDir): Pipe | null {
  let log: ServiceDir | null = null;
  try {
    log = ServiceDir.open(`${dir.label}/log`, { fd: dir.fd, trusted: dir.trusted, name: "log" });
  } catch { /* none: only the keeper can give it back */ }
  try {
    const record = readRecordIn(dir);
    const logPid = log === null ? 0 : leftRunning(log)?.pid ?? 0;
    return reclaimPipe(record, logPid, leftRunning(dir)?.pid ?? 0);
  } finally {
    log?.close();
  }
}
