/**
 * dt's extra state of a service, in a file of its own beside daemontools'
 * 18-byte `supervise/status` (which stays exactly as daemontools writes it):
 * `supervise/status.json`, JSON, replaced atomically (status.json.new and a
 * rename) at each change. The codec is pure.
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
  }) + "\n";
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
  };
}

/** Writes the extra state into `superviseDir` (status.json.new, then rename); throws if it cannot. */
export function writeExtra(superviseDir: string, s: ExtraStatus): void {
  Deno.writeTextFileSync(`${superviseDir}/${EXTRA_STATUS}.new`, encodeExtra(s), { mode: 0o644 });
  Deno.renameSync(`${superviseDir}/${EXTRA_STATUS}.new`, `${superviseDir}/${EXTRA_STATUS}`);
}

/** Reads the extra state of a service directory; null when there is none or it is unreadable. */
export function readExtra(dir: string): ExtraStatus | null {
  try {
    return decodeExtra(Deno.readTextFileSync(`${dir}/supervise/${EXTRA_STATUS}`));
  } catch {
    return null;
  }
}
