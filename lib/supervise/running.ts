/**
 * Whether the service a status file names is still the process that was
 * started: alive, not a zombie, and started when the status says (its start
 * time in /proc/PID/stat agrees with the status's TAI64N, to the clock's
 * tick). A pid reused by another process fails that test. Used to adopt what
 * a scanner that died left running instead of starting a second copy.
 *
 * @module
 */
import { decodeStatus, type Status, STATUS_SIZE } from "./status.ts";
import type { ServiceDir } from "./service_dir.ts";
import { statFields } from "../proctree/descendants.ts";

/** Clock ticks per second of /proc/PID/stat's start time (USER_HZ, 100 on Linux). */
const USER_HZ = 100;
/** How far a status's time may be from the process's start (the status is written after spawn). */
const SLACK_S = 2;

let bootTime: number | null | undefined;

/** Seconds since the epoch at boot (`btime` in /proc/stat), or null when unknown. */
function btime(): number | null {
  if (bootTime === undefined) {
    try {
      const m = /^btime (\d+)$/m.exec(Deno.readTextFileSync("/proc/stat"));
      bootTime = m ? Number(m[1]) : null;
    } catch {
      bootTime = null;
    }
  }
  return bootTime;
}

let bootIdText: string | null | undefined;

/**
 * This boot's id (/proc/sys/kernel/random/boot_id), or null when unknown:
 * what a supervisor keeps of a run belongs to one boot.
 */
export function bootId(): string | null {
  if (bootIdText === undefined) {
    try {
      bootIdText = Deno.readTextFileSync("/proc/sys/kernel/random/boot_id").trim() || null;
    } catch {
      bootIdText = null;
    }
  }
  return bootIdText;
}

/** When `pid` started, in seconds since the epoch; null when it is gone or a zombie. */
export function startTime(pid: number): number | null {
  const f = statFields(pid);
  if (f === null || f[0] === "Z" || f[0] === "X") return null;
  const boot = btime();
  // field 22 of stat is the 20th after the command name
  return boot === null ? null : boot + Number(f[19]) / USER_HZ;
}

/** The status's service when it is still running as started (not this process); else null. */
export function stillRunning(st: Status | null): Status | null {
  if (st === null || st.pid <= 0 || st.pid === Deno.pid) return null;
  const started = startTime(st.pid);
  if (started === null) return null;
  const when = st.when.sec + st.when.nano / 1e9;
  return Math.abs(started - when) <= SLACK_S ? st : null;
}

/**
 * What the held directory's `supervise/status` names when that service is
 * still running as started; else null (no status, or one that cannot be read).
 */
export function leftRunning(dir: ServiceDir): Status | null {
  try {
    if (!dir.openSupervise(false)) return null;
    const b = dir.readSupervise("status", STATUS_SIZE);
    return b === null ? null : stillRunning(decodeStatus(b));
  } catch {
    return null; // no status: nothing was left
  }
}
