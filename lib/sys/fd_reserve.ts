/**
 * One spare descriptor for the work that must go on when the process has run
 * out of them (a supervisor's status file, the scan of the directory): when
 * an open fails with EMFILE, the spare is closed, the open retried in the
 * slot it freed, and the spare taken again. JS runs on one thread, so nothing
 * of ours can take the slot in between.
 *
 * @module
 */
import { isErrno } from "../common/errors.ts";
import { close, O, tryOpen } from "./fd.ts";

let spare = -1;

/** Takes the spare if it is not held (at start, and whenever descriptors may have freed up). */
export function keepSpare(): void {
  if (spare >= 0) return;
  const fd = tryOpen("/dev/null", O.RDONLY | O.CLOEXEC);
  if (fd >= 0) spare = fd;
}

/** Runs `fn`, which opens at most one descriptor and closes it again; retried on the spare. */
export function withSpare<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (spare < 0 || !isErrno(e, "EMFILE")) throw e;
    close(spare);
    spare = -1;
    try {
      return fn();
    } finally {
      keepSpare();
    }
  }
}
