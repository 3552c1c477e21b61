/**
 * The words of a supervisor's decisions (machine.ts): its state, the events
 * that happen to it, the actions it takes. Types only.
 *
 * @module
 */
import type { WaitStatus } from "../sys/wait.ts";
import type { Tai64n } from "../tai64n/codec.ts";
import type { AfterRecord, ExtraStatus } from "./extra_status.ts";
import type { ServiceFiles } from "./service_files.ts";

/** The time an event happens at. */
export interface Clock {
  /** Monotonic ms (performance.now()): pauses and timers. */
  mono: number;
  /** TAI64N: the status file's timestamp. */
  when: Tai64n;
  /** Epoch ms: status.json's. */
  wall: number;
}

/** What the crash-loop policy keeps (restart-delay-max, start-limit-burst, start-limit-interval). */
export interface Policy {
  /** The delay before the next start after a run shorter than restart-delay-max, ms. */
  delay: number;
  /** The pause before the next start, ms (1000, or the back-off's delay). */
  next: number;
  /** Monotonic ms of the recent ends of ./run that nobody asked for (the start-limit window). */
  ends: number[];
}

/** A run's health check (`check`): when the next is due, whether one runs, how it went. */
export interface CheckState {
  /** Monotonic ms the next check is due at, or null. */
  due: number | null;
  /** A check runs now. */
  running: boolean;
  /** A check passed in this run (then failures count). */
  passed: boolean;
  /** Failures in a row since the last pass. */
  failures: number;
}

/** What a supervisor knows of its service. */
export interface State {
  /** Where the service is in its life (see machine.ts). */
  phase: "down" | "up" | "finishing" | "exited";
  /** The service's pid when up (this process's for an in-process service), else 0. */
  pid: number;
  /** daemontools' flagwant: false after `svc -o` (run once). */
  want: boolean;
  /** daemontools' flagwantup: false after `svc -d` or with `down`. */
  wantUp: boolean;
  /** `svc -p`. */
  paused: boolean;
  /** `svc -x`: exit once the service is down. */
  exit: boolean;
  /** When the state last changed as daemontools counts it (the status file's timestamp). */
  when: Tai64n;
  /** Monotonic ms of the last start (the one-second pause counts from it). */
  lastStart: number;
  /** Monotonic ms a start is due at (its timer armed), or null. */
  startAt: number | null;
  /** A start was asked for while finishing (`svc -u`, `-o`). */
  startAfterFinish: boolean;
  /** Monotonic ms `timeout-kill` sends KILL at; null when not armed. */
  killAt: number | null;
  /** The pid that KILL is for. */
  killPid: number;
  /** The files of the current (or last) run. */
  files: ServiceFiles;
  /** The session of a kill-tree run, 0 otherwise. */
  sid: number;
  /** The run's NOTIFY_SOCKET name (abstract), or null. */
  notify: string | null;
  /** While finishing: what comes after the run, and where it stands. */
  after: AfterRecord | null;
  /** The crash-loop policy's count (policy.ts): the next restart's delay, the recent ends. */
  policy: Policy;
  /** The current run's health check (policy.ts). */
  check: CheckState;
  /** True once `./run` started at least once under this supervisor. */
  ranOnce: boolean;
  /** dt's extra state (status.json). */
  extra: ExtraStatus;
}

/** What happens to a supervisor. */
export type Event =
  /** The directory is taken: announce, then watch what was left running or start. */
  | { type: "begin" }
  /** A supervisor takes over from one whose code failed (its timers died with it). */
  | { type: "takeOver" }
  /** A control command (one byte of supervise/control, or Supervisor.control). */
  | { type: "command"; ch: string }
  /** The restart pause is over. */
  | { type: "startTimer" }
  /** `timeout-kill` has passed since the down signal. */
  | { type: "killTimer" }
  /** A `spawn` action started the service. */
  | {
    type: "started";
    pid: number;
    files: ServiceFiles;
    /** Whether it declares readiness (then not ready until it says so). */
    declaresReadiness: boolean;
    /** Its NOTIFY_SOCKET name, or null. */
    notify: string | null;
  }
  /** A `spawn` action could not start it (the shell reported why). */
  | { type: "startFailed" }
  /** The service ended. */
  | { type: "exited"; status: WaitStatus }
  /** `./finish` started (its pid shows in status.json while it runs); `started`: seconds, from /proc. */
  | { type: "finishStarted"; pid: number; started: number }
  /** What came after `./run` (leftovers of its tree, `./finish`) is over. */
  | { type: "finished" }
  /** The run with this pid said it is ready. */
  | { type: "ready"; pid: number }
  /** The run with this pid sent a STATUS= text. */
  | { type: "statusText"; pid: number; text: string }
  /** The next health check is due. */
  | { type: "checkTimer" }
  /** The health check of the run `pid` passed (`ok`) or failed. */
  | { type: "checkDone"; pid: number; ok: boolean };

/** What the supervisor is to do, in order. */
export type Action =
  /** Write status and status.json; then send the waiters `event`. */
  | { type: "announce"; event: string }
  /** Send the waiters `event` alone (the files say nothing new). */
  | { type: "event"; event: string }
  /** Send `sig` to the service (its tree, with kill-tree), after what was announced before. */
  | { type: "signal"; sig: number; pid: number }
  /** Start the service (./run or the in-process runner); answer with started or startFailed. */
  | { type: "spawn" }
  /** Watch `pid`, left running by a supervisor that died; its end comes as `exited`. */
  | { type: "watch"; pid: number }
  /** Read the readiness of the run left running (its files say how), not yet ready. */
  | { type: "adoptReadiness"; pid: number; files: ServiceFiles; notify: string | null }
  /**
   * Take up what comes after a run a supervisor that died left under way
   * (its leftovers, or its `./finish`); answer with finished.
   */
  | { type: "adoptAfterRun"; files: ServiceFiles; after: AfterRecord }
  | { type: "armStart"; at: number }
  | { type: "cancelStart" }
  | { type: "armKill"; at: number }
  | { type: "cancelKill" }
  /** The service ended: whoever listens hears it (onServiceExit). */
  | { type: "serviceExit"; status: WaitStatus }
  /** End what a kill-tree run left, then run `./finish`; answer with finished. */
  | { type: "afterRun"; files: ServiceFiles; sid: number; status: WaitStatus }
  /** The supervisor is done: release the directory. */
  | { type: "exit" }
  | { type: "armCheck"; at: number }
  | { type: "cancelCheck" }
  /** Run `./check` for the run `pid`; answer with checkDone. */
  | { type: "runCheck"; pid: number; files: ServiceFiles }
  /**
   * An `essential` service gave up (left down by its crash-loop budget, or
   * ended after `svc -o`): whoever hosts it may end (dt init -S).
   */
  | { type: "giveUp"; code: number | null; signal: number | null };

/** What a step gives: the next state and what to do. */
export interface Step {
  /** The state after the event. */
  state: State;
  /** What to do, in order. */
  actions: Action[];
}

/** What a service the status file names, still running as started, looked like. */
export interface LeftRunning {
  /** Its pid. */
  pid: number;
  /** The status file's timestamp (its start). */
  when: Tai64n;
  /** Paused by `svc -p`. */
  paused: boolean;
  /** What was wanted: up, down, or null after `svc -o`. */
  want: "u" | "d" | null;
}
