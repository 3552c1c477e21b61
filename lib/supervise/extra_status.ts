/**
 * dt's extra state of a service, in a file of its own beside daemontools'
 * 18-byte `supervise/status` (which stays exactly as daemontools writes it):
 * `supervise/status.json`, JSON, replaced atomically (status.json.new and a
 * rename) at each change. The codec is pure.
 *
 * It also holds what a scanner that adopts the service after a kill must
 * know of the run (docs/svscan.md, "What survives the scanner"): the run's
 * service files, its kill-tree session, its notify socket's name, when
 * `timeout-kill` fires, and, while `./finish` or the run's leftovers are
 * being dealt with, where that stands.
 *
 * @module
 */

/** File name of the extra state inside `supervise/`. */
export const EXTRA_STATUS = "status.json";

/** How `./run` last ended. */
export interface LastExit {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  /** Signal number, or null when it exited. */
  signal: number | null;
}

/** The files a run started with (service_files.ts), as kept in status.json. */
export interface RunFiles {
  /** `finish` exists. */
  finish: boolean;
  /** `timeout-finish`, ms; 0: never. */
  timeoutFinish: number;
  /** `down-signal`, a signal number. */
  downSignal: number;
  /** `timeout-kill`, ms; 0: never; null: no file. */
  timeoutKill: number | null;
  /** `kill-tree` exists. */
  killTree: boolean;
  /** `notification-fd`, or null. */
  notificationFd: number | null;
  /** `notify-socket` exists. */
  notifySocket: boolean;
  /** `restart-delay-max`, ms, or null (absent from an older dt's record). */
  restartDelayMax?: number | null;
  /** `start-limit-burst`, or null. */
  startLimitBurst?: number | null;
  /** `start-limit-interval`, ms. */
  startLimitInterval?: number;
  /** `check` exists. */
  check?: boolean;
  /** `check-interval`, ms. */
  checkInterval?: number;
  /** `check-timeout`, ms. */
  checkTimeout?: number;
  /** `check-retries`. */
  checkRetries?: number;
  /** `essential` exists. */
  essential?: boolean;
}

/** The record's names of the files a run keeps (JSON name → RunFiles name), beyond the first seven. */
const MORE_FILES: [string, keyof RunFiles, "int" | "intOrNull" | "bool"][] = [
  ["restart_delay_max", "restartDelayMax", "intOrNull"],
  ["start_limit_burst", "startLimitBurst", "intOrNull"],
  ["start_limit_interval", "startLimitInterval", "int"],
  ["check", "check", "bool"],
  ["check_interval", "checkInterval", "int"],
  ["check_timeout", "checkTimeout", "int"],
  ["check_retries", "checkRetries", "int"],
  ["essential", "essential", "bool"],
];

/** What a run of `./run` started with, for a scanner that adopts it. */
export interface RunRecord {
  /** The run's pid. */
  pid: number;
  /** The files it started with. */
  files: RunFiles;
  /** Its kill-tree session, 0 without kill-tree. */
  sid: number;
  /** The name of its NOTIFY_SOCKET (abstract, without the `@`), or null. */
  notify: string | null;
  /** Epoch ms `timeout-kill` sends KILL at, or null when not armed. */
  killAt: number | null;
}

/** What comes after a run, while it is under way (the state `finishing`). */
export interface AfterRecord {
  /** `tree`: the run's leftovers are being ended; `finish`: `./finish` runs. */
  stage: "tree" | "finish";
  /** The session whose leftovers are ended (kill-tree), else 0. */
  sid: number;
  /** How `./run` ended (finish's arguments): its exit code, or null. */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: number | null;
  /** `./finish`'s pid once it runs, else 0. */
  finishPid: number;
  /** When it started: seconds since the epoch, from /proc (a pid reused is not it). */
  finishStarted: number;
}

/** What the extra state file holds. */
export interface ExtraStatus {
  /** `finishing`: `./run` ended and the leftovers of its tree or `./finish` still run. */
  state: "up" | "down" | "finishing";
  /** Pid of `./run` when up, of `./finish` while finishing, else 0. */
  pid: number;
  /** Epoch ms of the last change of state. */
  since: number;
  /** Readiness: null when the service declares none (no notification-fd, no notify-socket). */
  ready: boolean | null;
  /** Epoch ms the service became ready, or null. */
  readySince: number | null;
  /** How `./run` last ended, or null before its first end. */
  lastExit: LastExit | null;
  /** Starts of `./run` after the first, since the supervisor started. */
  restarts: number;
  /** The last `STATUS=` a NOTIFY_SOCKET service sent, or null. */
  statusText: string | null;
  /** Why the service is left down, when it is (`start-limit`: its crash-loop budget is spent). */
  leftDown?: string | null;
  /** The restart back-off and the start-limit window: the next delay (ms), recent ends (epoch ms). */
  backoff?: { delay: number; ends: number[] } | null;
  /** The current (or last) run, for adoption; null before the first. */
  run?: RunRecord | null;
  /** The boot the run records belong to (/proc/sys/kernel/random/boot_id): none survives a reboot. */
  boot?: string;
  /** While finishing: what comes after the run; else null. */
  after?: AfterRecord | null;
}

/** The state of a supervisor that has started nothing yet. */
export function initialExtra(at: number = Date.now()): ExtraStatus {
  return {
    state: "down",
    pid: 0,
    since: at,
    ready: null,
    readySince: null,
    lastExit: null,
    restarts: 0,
    statusText: null,
  };
}

/** Encodes the extra state (one line of JSON). */
export function encodeExtra(s: ExtraStatus): string {
  return JSON.stringify({
    state: s.state,
    pid: s.pid,
    since: s.since,
    ready: s.ready,
    ready_since: s.readySince,
    last_exit: s.lastExit,
    restarts: s.restarts,
    status_text: s.statusText,
    left_down: s.leftDown ?? null,
    backoff: s.backoff ?? null,
    run: s.run ? encodeRun(s.run) : null,
    after: s.after ? encodeAfter(s.after) : null,
    boot: s.boot ?? null,
  }) + "\n";
}

function encodeRun(r: RunRecord): Record<string, unknown> {
  const f = r.files;
  return {
    pid: r.pid,
    files: {
      finish: f.finish,
      timeout_finish: f.timeoutFinish,
      down_signal: f.downSignal,
      timeout_kill: f.timeoutKill,
      kill_tree: f.killTree,
      notification_fd: f.notificationFd,
      notify_socket: f.notifySocket,
      ...Object.fromEntries(MORE_FILES.map(([json, name]) => [json, f[name] ?? null])),
    },
    sid: r.sid,
    notify: r.notify,
    kill_at: r.killAt,
  };
}

function encodeAfter(a: AfterRecord): Record<string, unknown> {
  return {
    stage: a.stage,
    sid: a.sid,
    code: a.code,
    signal: a.signal,
    finish_pid: a.finishPid,
    finish_started: a.finishStarted,
  };
}

const int = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const intOrNull = (v: unknown): v is number | null => v === null || int(v);

/** Decodes the extra state; null when it is not one (torn, foreign, older). */
export function decodeExtra(text: string): ExtraStatus | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null) return null;
  const state = o.state;
  if (state !== "up" && state !== "down" && state !== "finishing") return null;
  if (!int(o.pid) || !int(o.since) || !int(o.restarts) || !intOrNull(o.ready_since)) return null;
  if (o.ready !== null && typeof o.ready !== "boolean") return null;
  const le = o.last_exit as Record<string, unknown> | null;
  if (le !== null && (typeof le !== "object" || !intOrNull(le.code) || !intOrNull(le.signal))) {
    return null;
  }
  return {
    state,
    pid: o.pid,
    since: o.since,
    ready: o.ready as boolean | null,
    readySince: o.ready_since as number | null,
    lastExit: le === null
      ? null
      : { code: le.code as number | null, signal: le.signal as number | null },
    restarts: o.restarts,
    statusText: typeof o.status_text === "string" ? o.status_text : null,
    ...(typeof o.left_down === "string" ? { leftDown: o.left_down } : {}),
    ...withBackoff(o.backoff),
    ...withRecords(decodeRun(o.run), decodeAfter(o.after)),
    ...(typeof o.boot === "string" ? { boot: o.boot } : {}),
  };
}

/** The adoption records, as properties only when there are some. */
function withRecords(run: RunRecord | null, after: AfterRecord | null) {
  return { ...(run ? { run } : {}), ...(after ? { after } : {}) };
}

/** The back-off record, as a property only when there is one that is one. */
function withBackoff(v: unknown) {
  const b = obj(v);
  if (b === null || !int(b.delay) || !Array.isArray(b.ends) || !b.ends.every(int)) return {};
  return { backoff: { delay: b.delay, ends: b.ends as number[] } };
}

const bool = (v: unknown): v is boolean => typeof v === "boolean";
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : null;

/** The run record, or null when there is none or it is not one (an older dt's file). */
function decodeRun(v: unknown): RunRecord | null {
  const r = obj(v), f = obj(r?.files);
  if (r === null || f === null) return null;
  if (!int(r.pid) || !int(r.sid) || !intOrNull(r.kill_at)) return null;
  if (r.notify !== null && typeof r.notify !== "string") return null;
  if (!bool(f.finish) || !int(f.timeout_finish) || !int(f.down_signal)) return null;
  if (!intOrNull(f.timeout_kill) || !bool(f.kill_tree) || !intOrNull(f.notification_fd)) {
    return null;
  }
  if (!bool(f.notify_socket)) return null;
  return {
    pid: r.pid,
    files: {
      finish: f.finish,
      timeoutFinish: f.timeout_finish,
      downSignal: f.down_signal,
      timeoutKill: f.timeout_kill,
      killTree: f.kill_tree,
      notificationFd: f.notification_fd,
      notifySocket: f.notify_socket,
      ...Object.fromEntries(
        MORE_FILES.filter(([json, , kind]) =>
          kind === "int" ? int(f[json]) : kind === "bool" ? bool(f[json]) : intOrNull(f[json])
        ).map(([json, name]) => [name, f[json]]),
      ),
    },
    sid: r.sid,
    notify: r.notify as string | null,
    killAt: r.kill_at,
  };
}

function decodeAfter(v: unknown): AfterRecord | null {
  const a = obj(v);
  if (a === null || (a.stage !== "tree" && a.stage !== "finish")) return null;
  if (!int(a.sid) || !intOrNull(a.code) || !intOrNull(a.signal) || !int(a.finish_pid)) return null;
  if (typeof a.finish_started !== "number") return null;
  return {
    stage: a.stage,
    sid: a.sid,
    code: a.code,
    signal: a.signal,
    finishPid: a.finish_pid,
    finishStarted: a.finish_started,
  };
}

/** Reads the extra state of a service directory; null when there is none or it is unreadable. */
export function readExtra(dir: string): ExtraStatus | null {
  try {
    return decodeExtra(Deno.readTextFileSync(`${dir}/supervise/${EXTRA_STATUS}`));
  } catch {
    return null;
  }
}
