/**
 * A supervisor's decisions, as supervise.c makes them, apart from any I/O:
 * one {@link step} from a state and an event to the next state and the
 * actions to take, in order. The supervisor (supervisor.ts) holds the files,
 * the timers and the child, carries the actions out, and feeds back what
 * happened as events. Nothing here reads a clock or a file: the time comes
 * with each event.
 *
 * Phases: `down` (nothing runs; a start may be due at `startAt`), `up`
 * (`./run`, or an in-process service, runs), `finishing` (`./run` ended;
 * what its tree left, or `./finish`, still runs), `exited` (the supervisor
 * is done: `svc -x` with the service down).
 *
 * @example
 * ```ts
 * import { initialState, step } from "./machine.ts";
 * const t = { mono: 5000, when: { sec: 0, nano: 0 }, wall: 0 };
 * let s = initialState({ downFile: false }, t);
 * const r = step(s, { type: "begin" }, t);
 * console.assert(r.actions.some((a) => a.type === "spawn"));
 * ```
 *
 * @module
 */
import { SIG } from "../sys/signal.ts";
import type { WaitStatus } from "../sys/wait.ts";
import type { Action, Clock, Event, State, Step } from "./machine_types.ts";
import {
  checkDone,
  checkDue,
  countEnd,
  nextPause,
  readyByCheck,
  rearm,
  startChecks,
  stopChecks,
} from "./policy.ts";

export { RESTART_PAUSE_MS } from "./policy.ts";
export { initialState } from "./initial_state.ts";

export type {
  Action,
  CheckState,
  Clock,
  Event,
  LeftRunning,
  Policy,
  State,
  Step,
} from "./machine_types.ts";

const CONTROL_SIGNALS: Record<string, number> = {
  a: SIG.ALRM,
  h: SIG.HUP,
  k: SIG.KILL,
  t: SIG.TERM,
  i: SIG.INT,
};

/** An event that cannot come in the state it came in: a bug of the shell's (machine.ts's caller). */
export class ImpossibleEvent extends Error {
  /** `e` came in phase `phase`. */
  constructor(phase: State["phase"], e: Event) {
    super(`impossible event ${e.type} in phase ${phase}`);
    this.name = "ImpossibleEvent";
  }
}

/** Where each event may come; anywhere else it is {@link ImpossibleEvent}. */
const POSSIBLE: Partial<Record<Event["type"], readonly State["phase"][]>> = {
  // a supervisor begins down, up with what a dead one left running, or finishing what it left
  begin: ["down", "up", "finishing"],
  // only a spawn gives these, and only a service that is down is spawned
  started: ["down"],
  startFailed: ["down"],
};

/**
 * The next state and the actions for event `e` at time `t`. Pure. Throws
 * {@link ImpossibleEvent} for an event that cannot come in the state.
 * Events for a run that is over (an end, a readiness, a timer that raced
 * with its cancel) are passed over.
 */
export function step(state: State, e: Event, t: Clock): Step {
  const out: Action[] = [];
  const s: State = { ...state };
  if (s.phase === "exited") return { state: s, actions: out };
  const where = POSSIBLE[e.type];
  if (where && (!where.includes(s.phase) || (e.type !== "begin" && s.pid !== 0))) {
    throw new ImpossibleEvent(s.phase, e);
  }
  const announce = (event = "s") => out.push({ type: "announce", event });
  switch (e.type) {
    case "begin":
      announce();
      if (s.phase === "finishing") {
        out.push({ type: "adoptAfterRun", files: s.files, after: s.after! });
      } else if (s.pid) {
        out.push({ type: "watch", pid: s.pid });
        if (s.killAt !== null) out.push({ type: "armKill", at: s.killAt });
        if (s.extra.ready === false && !readyByCheck(s.files)) {
          out.push({ type: "adoptReadiness", pid: s.pid, files: s.files, notify: s.notify });
        }
        startChecks(s, out, t);
        if (s.extra.ready === true) s.check = { ...s.check, passed: true };
      } else if (!s.want || s.wantUp) tryStart(s, out, t);
      break;
    case "takeOver":
      announce();
      if (s.phase === "down" && (!s.want || s.wantUp)) tryStart(s, out, t);
      break;
    case "command":
      command(s, e.ch, out, t);
      break;
    case "startTimer":
      if (s.startAt === null) break; // cancelled meanwhile
      s.startAt = null;
      startNow(s, out, t);
      break;
    case "killTimer":
      s.killAt = null;
      if (s.pid && s.pid === s.killPid) out.push({ type: "signal", sig: SIG.KILL, pid: s.pid });
      break;
    case "started": {
      const first = !s.ranOnce;
      s.ranOnce = true;
      s.phase = "up";
      s.paused = false;
      s.pid = e.pid;
      s.files = e.files;
      s.sid = e.files.killTree ? e.pid : 0;
      s.notify = e.notify;
      s.when = t.when;
      s.extra = {
        ...s.extra,
        state: "up",
        pid: e.pid,
        since: t.wall,
        ready: e.declaresReadiness || readyByCheck(e.files) ? false : null,
        readySince: null,
        restarts: first ? 0 : s.extra.restarts + 1,
        statusText: null,
      };
      announce("u");
      startChecks(s, out, t);
      break;
    }
    case "startFailed":
      s.when = t.when;
      announce();
      if (s.exit) exitSupervisor(s, out);
      else if (s.want && s.wantUp) tryStart(s, out, t);
      break;
    case "exited":
      if (e.status.pid !== s.pid || s.phase !== "up") break;
      exited(s, e.status, out, t);
      break;
    case "finishStarted":
      if (s.phase !== "finishing" || s.after === null) break;
      s.after = { ...s.after, stage: "finish", finishPid: e.pid, finishStarted: e.started };
      s.extra = { ...s.extra, pid: e.pid };
      announce();
      break;
    case "finished":
      if (s.phase !== "finishing") break;
      s.phase = "down";
      s.after = null;
      s.extra = { ...s.extra, state: "down", pid: 0, since: t.wall };
      announce("D");
      resume(s, out, t);
      break;
    case "ready":
      if (s.phase !== "up" || e.pid !== s.pid || s.extra.ready === true) break;
      s.extra = { ...s.extra, ready: true, readySince: t.wall };
      announce("U");
      break;
    case "statusText":
      if (s.phase !== "up" || e.pid !== s.pid) break;
      s.extra = { ...s.extra, statusText: e.text };
      announce();
      break;
    case "checkTimer":
      checkDue(s, out);
      break;
    case "checkDone":
      checkDone(s, e.pid, e.ok, out, t);
      break;
  }
  return { state: s, actions: out };
}

/** One control command, exactly as supervise 0.76's loop applies it. */
function command(s: State, ch: string, out: Action[], t: Clock): void {
  const pid = s.pid;
  const announce = () => out.push({ type: "announce", event: "s" });
  switch (ch) {
    case "d":
      s.want = true;
      s.wantUp = false;
      cancelStart(s, out);
      s.startAfterFinish = false;
      if (pid) {
        out.push({ type: "signal", sig: s.files.downSignal, pid });
        out.push({ type: "signal", sig: SIG.CONT, pid });
        s.paused = false;
        const ms = s.files.timeoutKill;
        if (ms !== null && ms !== Infinity && s.killAt === null) {
          s.killAt = t.mono + ms;
          s.killPid = pid;
          out.push({ type: "armKill", at: s.killAt });
        }
      }
      announce();
      break;
    case "u":
      s.want = true;
      s.wantUp = true;
      rearm(s);
      announce();
      if (!pid) tryStart(s, out, t);
      break;
    case "o":
      s.want = false;
      rearm(s);
      announce();
      if (!pid) tryStart(s, out, t);
      break;
    case "p":
      s.paused = true;
      announce();
      if (pid) out.push({ type: "signal", sig: SIG.STOP, pid });
      break;
    case "c":
      s.paused = false;
      announce();
      if (pid) out.push({ type: "signal", sig: SIG.CONT, pid });
      break;
    case "x":
      s.exit = true;
      announce();
      if (!pid && s.startAt === null && s.phase !== "finishing") exitSupervisor(s, out);
      break;
    default: {
      const sig = CONTROL_SIGNALS[ch];
      if (sig !== undefined && pid) out.push({ type: "signal", sig, pid });
    }
  }
}

/** Starts now, or once a second has passed since the last start (the one test for a restart). */
function tryStart(s: State, out: Action[], t: Clock): void {
  if (s.phase === "finishing") {
    s.startAfterFinish = true;
    return;
  }
  if (s.startAt !== null || s.pid) return;
  const wait = s.lastStart + nextPause(s.files, s.policy) - t.mono;
  if (wait > 0) {
    s.startAt = t.mono + wait;
    out.push({ type: "armStart", at: s.startAt });
    return;
  }
  startNow(s, out, t);
}

function startNow(s: State, out: Action[], t: Clock): void {
  if (s.pid) return;
  if (s.exit) return exitSupervisor(s, out);
  s.lastStart = t.mono;
  out.push({ type: "spawn" });
}

function cancelStart(s: State, out: Action[]): void {
  if (s.startAt === null) return;
  s.startAt = null;
  out.push({ type: "cancelStart" });
}

/** The service ended: down, or finishing while its tree's leftovers or ./finish run. */
function exited(s: State, status: WaitStatus, out: Action[], t: Clock): void {
  if (s.killAt !== null) out.push({ type: "cancelKill" });
  s.killAt = null;
  stopChecks(s, out);
  const files = s.files, sid = s.sid;
  // an end nobody asked for counts toward the crash-loop budget; spent, the service is left down
  const spent = s.want && s.wantUp && countEnd(s, t);
  if (spent) s.wantUp = false;
  const after = sid !== 0 || files.finish;
  s.sid = 0;
  s.pid = 0;
  s.when = t.when;
  s.phase = after ? "finishing" : "down";
  s.extra = {
    ...s.extra,
    state: after ? "finishing" : "down",
    pid: 0,
    since: t.wall,
    ready: s.extra.ready === null ? null : false,
    readySince: null,
    lastExit: { code: status.code, signal: status.signal },
    ...(spent ? { leftDown: "start-limit" } : {}),
  };
  out.push({ type: "announce", event: "d" });
  out.push({ type: "serviceExit", status });
  // an essential service that gives up (left down, or ended after svc -o) may end its host
  if (files.essential && (spent || !s.want)) {
    out.push({ type: "giveUp", code: status.code, signal: status.signal });
  }
  if (after) {
    s.after = {
      stage: sid ? "tree" : "finish",
      sid,
      code: status.code,
      signal: status.signal,
      finishPid: 0,
      finishStarted: 0,
    };
    out.push({ type: "afterRun", files, sid, status });
    return;
  }
  out.push({ type: "event", event: "D" });
  resume(s, out, t);
}

/** After the service went down: exit, or the next start. */
function resume(s: State, out: Action[], t: Clock): void {
  const again = s.startAfterFinish;
  s.startAfterFinish = false;
  if (s.exit) return exitSupervisor(s, out);
  if ((s.want && s.wantUp) || again) tryStart(s, out, t);
}

/** The supervisor ends (svc -x with the service down). */
function exitSupervisor(s: State, out: Action[]): void {
  cancelStart(s, out);
  out.push({ type: "announce", event: "x" });
  s.phase = "exited";
  out.push({ type: "exit" });
}
