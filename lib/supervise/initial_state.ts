/**
 * The state a supervisor starts in (machine.ts steps it from there): fresh,
 * with or without a `down` file, or what a supervisor that died left — the
 * service still running as started, its run's record in status.json, a
 * finish under way, the crash-loop count (docs/svscan.md, "What survives
 * the scanner"). Pure.
 *
 * @module
 */
import { type ExtraStatus, initialExtra } from "./extra_status.ts";
import type { Clock, LeftRunning, State } from "./machine_types.ts";
import { freshPolicy, NO_CHECK } from "./policy.ts";
import { fromRunFiles, PLAIN } from "./service_files.ts";

/**
 * The state a supervisor starts in: `down` file, or what a supervisor that
 * died left (`left`: the service its status file names, still running as
 * started; `record`: its status.json). A run left running gets back the
 * files it started with, its kill-tree session, its readiness, its notify
 * socket and a `timeout-kill` under way; a run whose `./finish` (or
 * leftovers) was under way is finishing again. The one-second pause between
 * starts counts from the start the status names.
 */
export function initialState(
  o: { downFile: boolean; left?: LeftRunning | null; record?: ExtraStatus | null },
  t: Clock,
): State {
  const s: State = {
    phase: "down",
    pid: 0,
    want: true,
    wantUp: !o.downFile,
    paused: false,
    exit: false,
    when: t.when,
    lastStart: -Infinity,
    startAt: null,
    startAfterFinish: false,
    killAt: null,
    killPid: 0,
    files: PLAIN,
    sid: 0,
    notify: null,
    after: null,
    policy: freshPolicy(),
    check: NO_CHECK,
    ranOnce: false,
    extra: initialExtra(t.wall),
  };
  const l = o.left, x = o.record ?? null;
  const run = x?.run ?? null;
  // the back-off and the start-limit window go on (epoch ms kept, monotonic here)
  if (x?.backoff) {
    const b = x.backoff;
    s.policy = { delay: b.delay, next: b.delay, ends: b.ends.map((w) => t.mono - (t.wall - w)) };
  }
  if (!l && x?.leftDown) {
    // left down by its crash-loop budget: down it stays, until svc -u
    return { ...s, wantUp: false, extra: { ...s.extra, leftDown: x.leftDown } };
  }
  if (!l) {
    if (x === null || run === null) return s;
    // ./finish (or the run's leftovers) was under way: it goes on, then the next start
    if (x.state === "finishing" && x.after) {
      return {
        ...s,
        phase: "finishing",
        files: fromRunFiles(run.files),
        after: x.after,
        ranOnce: true,
        extra: { ...x, state: "finishing" },
      };
    }
    // the run ended while no supervisor watched it: what comes after it comes now (how it
    // ended is not known), then the next start
    if (x.state === "up" && (run.files.finish || run.sid !== 0)) {
      const after = {
        stage: run.sid ? "tree" as const : "finish" as const,
        sid: run.sid,
        code: null,
        signal: null,
        finishPid: 0,
        finishStarted: 0,
      };
      return {
        ...s,
        phase: "finishing",
        files: fromRunFiles(run.files),
        after,
        ranOnce: true,
        extra: { ...x, state: "finishing", pid: 0, since: t.wall, lastExit: null, after },
      };
    }
    return s;
  }
  const age = Math.max(0, t.wall - (l.when.sec * 1000 + l.when.nano / 1e6));
  const up: State = {
    ...s,
    phase: "up",
    pid: l.pid,
    when: l.when,
    paused: l.paused,
    want: l.want !== null,
    wantUp: l.want !== "d",
    lastStart: t.mono - age,
    ranOnce: true,
    extra: { ...s.extra, state: "up", pid: l.pid },
  };
  if (run === null || run.pid !== l.pid || x === null || x.pid !== l.pid) return up;
  return {
    ...up,
    files: fromRunFiles(run.files),
    sid: run.sid,
    notify: run.notify,
    killAt: run.killAt === null ? null : t.mono + (run.killAt - t.wall),
    killPid: run.killAt === null ? 0 : l.pid,
    extra: { ...x, state: "up", pid: l.pid },
  };
}
