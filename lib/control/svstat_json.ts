/**
 * `svstat --json`: per service directory, the 18-byte status daemontools
 * reads joined with dt's extra state (supervise/status.json); a directory
 * supervised by daemontools' own supervise has no extra state, and gets what
 * the 18 bytes say (ready, ready_seconds, last_exit, restarts null).
 *
 * @module
 */
import type { ExtraStatus, LastExit } from "../supervise/extra_status.ts";
import { readExtra } from "../supervise/extra_status.ts";
import type { Status } from "../supervise/status.ts";
import { now, type Tai64n } from "../tai64n/codec.ts";
import { ControlError } from "./control_error.ts";
import { readService } from "./svstat.ts";

/** One entry of `svstat --json`. */
export interface JsonStatus {
  dir: string;
  state: "up" | "down" | "finishing";
  pid: number | null;
  seconds: number;
  normally: "up" | "down";
  paused: boolean;
  want: "up" | "down" | null;
  ready: boolean | null;
  ready_seconds: number | null;
  last_exit: LastExit | null;
  restarts: number | null;
  /** Why a service is down when it should be up: `start-limit` (its crash-loop budget is spent), or null. */
  left_down: string | null;
}

/** An entry for a directory svstat could not read, in daemontools' words. */
export interface JsonError {
  dir: string;
  error: string;
}

/** Joins what was read into one entry. Pure: `at` is TAI64N now, `nowMs` epoch ms now. */
export function jsonStatus(
  dir: string,
  s: Status,
  normallyUp: boolean,
  extra: ExtraStatus | null,
  at: Tai64n,
  nowMs: number,
): JsonStatus {
  // the extra state is written right after the 18 bytes: trust it only when both agree
  const x = extra !== null && (extra.state === "up") === (s.pid !== 0) &&
      (s.pid === 0 || extra.pid === s.pid)
    ? extra
    : null;
  const state = x?.state ?? (s.pid ? "up" : "down");
  const secs = (ms: number) => Math.max(0, Math.floor((nowMs - ms) / 1000));
  return {
    dir,
    state,
    pid: state === "up" ? s.pid : state === "finishing" && x?.pid ? x.pid : null,
    seconds: x ? secs(x.since) : Math.max(0, at.sec - s.when.sec),
    normally: normallyUp ? "up" : "down",
    paused: s.pid !== 0 && s.paused,
    want: s.want === "u" ? "up" : s.want === "d" ? "down" : null,
    ready: x ? x.ready : null,
    ready_seconds: x?.readySince != null ? secs(x.readySince) : null,
    last_exit: x?.lastExit ?? null,
    restarts: x?.restarts ?? null,
    left_down: state === "down" ? x?.leftDown ?? null : null,
  };
}

/** Reads each directory: the JSON document svstat --json prints (with a final newline). */
export function describeJson(dirs: readonly string[]): string {
  const out = dirs.map((dir): JsonStatus | JsonError => {
    let r;
    try {
      r = readService(dir);
    } catch (e) {
      if (e instanceof ControlError) return { dir, error: e.message };
      throw e;
    }
    return jsonStatus(dir, r.status, r.normallyUp, readExtra(dir), now(), Date.now());
  });
  return JSON.stringify(out, null, 2) + "\n";
}
