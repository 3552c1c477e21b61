/**
 * What descriptors a service costs the one scanner process, and the one line
 * a scan prints when the open-files limit is what keeps services down.
 *
 * @module
 */
import { isErrno } from "../common/errors.ts";
import { getrlimit, RLIMIT } from "../sys/rlimit.ts";

/**
 * Descriptors the scanner holds for a service: the service directory and
 * its supervise/ (everything in them is reached through these, never by
 * path), supervise/lock, control, ok.
 */
export const FDS_PER_SERVICE = 5;
/**
 * For a service with a log: both supervisors (5 each), the log pipe (2), and
 * the logger's: an in-process logger's lock, `current` and journal (3), or,
 * while a process logger is fed what was read ahead, the feeder's pipe (2).
 * A `setuidgid` logger whose account cannot reach `S/log` by its path holds
 * the directory (one more).
 */
export const FDS_PER_LOGGED_SERVICE = 15;

/** True when `e` is running out of descriptors (this process's limit, or the system's). */
export function outOfFds(e: unknown): boolean {
  return isErrno(e, "EMFILE") || isErrno(e, "ENFILE");
}

/** How many of the services kept down the one line names (the rest are counted). */
const OUT_OF_FDS_NAMED = 5;

/**
 * The one line per scan that says descriptors are what stops services from
 * starting, naming the first {@link OUT_OF_FDS_NAMED} of them.
 */
export function outOfFdsMessage(down: readonly string[]): string {
  let limit = "unknown";
  try {
    limit = String(getrlimit(RLIMIT.NOFILE).cur);
  } catch { /* getrlimit cannot fail for RLIMIT_NOFILE; the line says "unknown" all the same */ }
  const n = down.length;
  const named = down.slice(0, OUT_OF_FDS_NAMED).join(", ") +
    (n > OUT_OF_FDS_NAMED ? ` and ${n - OUT_OF_FDS_NAMED} more` : "");
  return `svscan: warning: out of file descriptors (open files limit ${limit}): ` +
    `${n} service${n === 1 ? "" : "s"} not started (${named}), retried at the next scan; ` +
    `dt needs ${FDS_PER_SERVICE} per service, ${FDS_PER_LOGGED_SERVICE} per service with a log`;
}
