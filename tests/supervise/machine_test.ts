/**
 * The supervisor's decisions (lib/supervise/machine.ts) as a table: every
 * event in every kind of state, with a fake clock, and what must follow —
 * the state after, in short, and the actions, in order. Then sequences that
 * follow a service through its life on the same fake clock.
 */
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { action, steps } from "./_machine.ts";
import {
  type Clock,
  type Event,
  ImpossibleEvent,
  initialState,
  RESTART_PAUSE_MS,
  type State,
  step,
} from "../../lib/supervise/machine.ts";
import { PLAIN } from "../../lib/supervise/service_files.ts";
import { SIG } from "../../lib/sys/signal.ts";

const T: Clock = { mono: 10_000, when: { sec: 100, nano: 0 }, wall: 1_000 };
const base = initialState({ downFile: false }, { ...T, mono: 0 });
/** A run's files: QUIT for svc -d, KILL 3 s after it. */
const files = { ...PLAIN, timeoutKill: 3000, downSignal: SIG.QUIT };
const up: State = { ...base, phase: "up", pid: 42, files, lastStart: 5_000, ranOnce: true };

const STATES: Record<string, State> = {
  "down, wanted up": base,
  "down, want down": { ...base, wantUp: false },
  "down, start due": { ...base, startAt: 10_500, lastStart: 9_500 },
  up,
  "up, paused": { ...up, paused: true },
  "up, want down": { ...up, wantUp: false, killAt: 13_000, killPid: 42 },
  "up, once": { ...up, want: false },
  "up, exit asked": { ...up, exit: true },
  finishing: {
    ...base,
    phase: "finishing",
    files: { ...files, finish: true },
    lastStart: 5_000,
    after: { stage: "finish", sid: 0, code: 0, signal: null, finishPid: 0, finishStarted: 0 },
  },
  "finishing, exit asked": {
    ...base,
    phase: "finishing",
    exit: true,
    lastStart: 5_000,
    after: { stage: "tree", sid: 42, code: null, signal: 15, finishPid: 0, finishStarted: 0 },
  },
  exited: { ...base, phase: "exited" },
};

const status = (pid: number) => ({ pid, code: 0, signal: null, core: false, raw: 0 });
const EVENTS: Record<string, Event> = {
  begin: { type: "begin" },
  takeOver: { type: "takeOver" },
  ...Object.fromEntries(
    [..."duopcxahkti?"].map((c) => [`svc -${c}`, { type: "command", ch: c } as Event]),
  ),
  startTimer: { type: "startTimer" },
  killTimer: { type: "killTimer" },
  started: { type: "started", pid: 43, files: PLAIN, declaresReadiness: false, notify: null },
  startFailed: { type: "startFailed" },
  "exited 42": { type: "exited", status: status(42) },
  "exited 7": { type: "exited", status: status(7) },
  finishStarted: { type: "finishStarted", pid: 50, started: 99 },
  finished: { type: "finished" },
  "ready 42": { type: "ready", pid: 42 },
  "statusText 42": { type: "statusText", pid: 42, text: "hi" },
};

/** The state in short: phase, pid, wants, flags, what is due. */
function short(s: State): string {
  return [
    s.phase,
    s.pid ? `pid ${s.pid}` : "",
    s.want ? (s.wantUp ? "" : "want down") : "once",
    s.paused ? "paused" : "",
    s.exit ? "exit" : "",
    s.startAt !== null ? `start@${s.startAt}` : "",
    s.killAt !== null ? `kill@${s.killAt}` : "",
    s.startAfterFinish ? "start after finish" : "",
  ].filter(Boolean).join(", ");
}

function outcome(s: State, e: Event): string {
  try {
    const r = step(s, e, T);
    return `${short(r.state)} | ${r.actions.map(action).join("; ")}`;
  } catch (err) {
    if (err instanceof ImpossibleEvent) return "impossible";
    throw err;
  }
}

/** What must follow, state by state (signals: 1 HUP, 2 INT, 3 QUIT, 9 KILL, 14 ALRM, 15 TERM, 18 CONT, 19 STOP). */
const TABLE: Record<string, Record<string, string>> = {
  "down, wanted up": {
    "begin": "down | announce s; spawn",
    "takeOver": "down | announce s; spawn",
    "svc -d": "down, want down | announce s",
    "svc -u": "down | announce s; spawn",
    "svc -o": "down, once | announce s; spawn",
    "svc -p": "down, paused | announce s",
    "svc -c": "down | announce s",
    "svc -x": "exited, exit | announce s; announce x; exit",
    "svc -a": "down | ",
    "svc -h": "down | ",
    "svc -k": "down | ",
    "svc -t": "down | ",
    "svc -i": "down | ",
    "svc -?": "down | ",
    "startTimer": "down | ",
    "killTimer": "down | ",
    "started": "up, pid 43 | announce u",
    "startFailed": "down | announce s; spawn",
    "exited 42": "down | ",
    "exited 7": "down | ",
    "finishStarted": "down | ",
    "finished": "down | ",
    "ready 42": "down | ",
    "statusText 42": "down | ",
  },
  "down, want down": {
    "begin": "down, want down | announce s",
    "takeOver": "down, want down | announce s",
    "svc -d": "down, want down | announce s",
    "svc -u": "down | announce s; spawn",
    "svc -o": "down, once | announce s; spawn",
    "svc -p": "down, want down, paused | announce s",
    "svc -c": "down, want down | announce s",
    "svc -x": "exited, want down, exit | announce s; announce x; exit",
    "svc -a": "down, want down | ",
    "svc -h": "down, want down | ",
    "svc -k": "down, want down | ",
    "svc -t": "down, want down | ",
    "svc -i": "down, want down | ",
    "svc -?": "down, want down | ",
    "startTimer": "down, want down | ",
    "killTimer": "down, want down | ",
    "started": "up, pid 43, want down | announce u",
    "startFailed": "down, want down | announce s",
    "exited 42": "down, want down | ",
    "exited 7": "down, want down | ",
    "finishStarted": "down, want down | ",
    "finished": "down, want down | ",
    "ready 42": "down, want down | ",
    "statusText 42": "down, want down | ",
  },
  "down, start due": {
    "begin": "down, start@10500 | announce s",
    "takeOver": "down, start@10500 | announce s",
    "svc -d": "down, want down | cancelStart; announce s",
    "svc -u": "down, start@10500 | announce s",
    "svc -o": "down, once, start@10500 | announce s",
    "svc -p": "down, paused, start@10500 | announce s",
    "svc -c": "down, start@10500 | announce s",
    "svc -x": "down, exit, start@10500 | announce s",
    "svc -a": "down, start@10500 | ",
    "svc -h": "down, start@10500 | ",
    "svc -k": "down, start@10500 | ",
    "svc -t": "down, start@10500 | ",
    "svc -i": "down, start@10500 | ",
    "svc -?": "down, start@10500 | ",
    "startTimer": "down | spawn",
    "killTimer": "down, start@10500 | ",
    "started": "up, pid 43, start@10500 | announce u",
    "startFailed": "down, start@10500 | announce s",
    "exited 42": "down, start@10500 | ",
    "exited 7": "down, start@10500 | ",
    "finishStarted": "down, start@10500 | ",
    "finished": "down, start@10500 | ",
    "ready 42": "down, start@10500 | ",
    "statusText 42": "down, start@10500 | ",
  },
  "up": {
    "begin": "up, pid 42 | announce s; watch",
    "takeOver": "up, pid 42 | announce s",
    "svc -d": "up, pid 42, want down, kill@13000 | signal 3; signal 18; armKill @13000; announce s",
    "svc -u": "up, pid 42 | announce s",
    "svc -o": "up, pid 42, once | announce s",
    "svc -p": "up, pid 42, paused | announce s; signal 19",
    "svc -c": "up, pid 42 | announce s; signal 18",
    "svc -x": "up, pid 42, exit | announce s",
    "svc -a": "up, pid 42 | signal 14",
    "svc -h": "up, pid 42 | signal 1",
    "svc -k": "up, pid 42 | signal 9",
    "svc -t": "up, pid 42 | signal 15",
    "svc -i": "up, pid 42 | signal 2",
    "svc -?": "up, pid 42 | ",
    "startTimer": "up, pid 42 | ",
    "killTimer": "up, pid 42 | ",
    "started": "impossible",
    "startFailed": "impossible",
    "exited 42": "down | announce d; serviceExit; event D; spawn",
    "exited 7": "up, pid 42 | ",
    "finishStarted": "up, pid 42 | ",
    "finished": "up, pid 42 | ",
    "ready 42": "up, pid 42 | announce U",
    "statusText 42": "up, pid 42 | announce s",
  },
  "up, paused": {
    "begin": "up, pid 42, paused | announce s; watch",
    "takeOver": "up, pid 42, paused | announce s",
    "svc -d": "up, pid 42, want down, kill@13000 | signal 3; signal 18; armKill @13000; announce s",
    "svc -u": "up, pid 42, paused | announce s",
    "svc -o": "up, pid 42, once, paused | announce s",
    "svc -p": "up, pid 42, paused | announce s; signal 19",
    "svc -c": "up, pid 42 | announce s; signal 18",
    "svc -x": "up, pid 42, paused, exit | announce s",
    "svc -a": "up, pid 42, paused | signal 14",
    "svc -h": "up, pid 42, paused | signal 1",
    "svc -k": "up, pid 42, paused | signal 9",
    "svc -t": "up, pid 42, paused | signal 15",
    "svc -i": "up, pid 42, paused | signal 2",
    "svc -?": "up, pid 42, paused | ",
    "startTimer": "up, pid 42, paused | ",
    "killTimer": "up, pid 42, paused | ",
    "started": "impossible",
    "startFailed": "impossible",
    "exited 42": "down, paused | announce d; serviceExit; event D; spawn",
    "exited 7": "up, pid 42, paused | ",
    "finishStarted": "up, pid 42, paused | ",
    "finished": "up, pid 42, paused | ",
    "ready 42": "up, pid 42, paused | announce U",
    "statusText 42": "up, pid 42, paused | announce s",
  },
  "up, want down": {
    "begin": "up, pid 42, want down, kill@13000 | announce s; watch; armKill @13000",
    "takeOver": "up, pid 42, want down, kill@13000 | announce s",
    "svc -d": "up, pid 42, want down, kill@13000 | signal 3; signal 18; announce s",
    "svc -u": "up, pid 42, kill@13000 | announce s",
    "svc -o": "up, pid 42, once, kill@13000 | announce s",
    "svc -p": "up, pid 42, want down, paused, kill@13000 | announce s; signal 19",
    "svc -c": "up, pid 42, want down, kill@13000 | announce s; signal 18",
    "svc -x": "up, pid 42, want down, exit, kill@13000 | announce s",
    "svc -a": "up, pid 42, want down, kill@13000 | signal 14",
    "svc -h": "up, pid 42, want down, kill@13000 | signal 1",
    "svc -k": "up, pid 42, want down, kill@13000 | signal 9",
    "svc -t": "up, pid 42, want down, kill@13000 | signal 15",
    "svc -i": "up, pid 42, want down, kill@13000 | signal 2",
    "svc -?": "up, pid 42, want down, kill@13000 | ",
    "startTimer": "up, pid 42, want down, kill@13000 | ",
    "killTimer": "up, pid 42, want down | signal 9",
    "started": "impossible",
    "startFailed": "impossible",
    "exited 42": "down, want down | cancelKill; announce d; serviceExit; event D",
    "exited 7": "up, pid 42, want down, kill@13000 | ",
    "finishStarted": "up, pid 42, want down, kill@13000 | ",
    "finished": "up, pid 42, want down, kill@13000 | ",
    "ready 42": "up, pid 42, want down, kill@13000 | announce U",
    "statusText 42": "up, pid 42, want down, kill@13000 | announce s",
  },
  "up, once": {
    "begin": "up, pid 42, once | announce s; watch",
    "takeOver": "up, pid 42, once | announce s",
    "svc -d": "up, pid 42, want down, kill@13000 | signal 3; signal 18; armKill @13000; announce s",
    "svc -u": "up, pid 42 | announce s",
    "svc -o": "up, pid 42, once | announce s",
    "svc -p": "up, pid 42, once, paused | announce s; signal 19",
    "svc -c": "up, pid 42, once | announce s; signal 18",
    "svc -x": "up, pid 42, once, exit | announce s",
    "svc -a": "up, pid 42, once | signal 14",
    "svc -h": "up, pid 42, once | signal 1",
    "svc -k": "up, pid 42, once | signal 9",
    "svc -t": "up, pid 42, once | signal 15",
    "svc -i": "up, pid 42, once | signal 2",
    "svc -?": "up, pid 42, once | ",
    "startTimer": "up, pid 42, once | ",
    "killTimer": "up, pid 42, once | ",
    "started": "impossible",
    "startFailed": "impossible",
    "exited 42": "down, once | announce d; serviceExit; event D",
    "exited 7": "up, pid 42, once | ",
    "finishStarted": "up, pid 42, once | ",
    "finished": "up, pid 42, once | ",
    "ready 42": "up, pid 42, once | announce U",
    "statusText 42": "up, pid 42, once | announce s",
  },
  "up, exit asked": {
    "begin": "up, pid 42, exit | announce s; watch",
    "takeOver": "up, pid 42, exit | announce s",
    "svc -d":
      "up, pid 42, want down, exit, kill@13000 | signal 3; signal 18; armKill @13000; announce s",
    "svc -u": "up, pid 42, exit | announce s",
    "svc -o": "up, pid 42, once, exit | announce s",
    "svc -p": "up, pid 42, paused, exit | announce s; signal 19",
    "svc -c": "up, pid 42, exit | announce s; signal 18",
    "svc -x": "up, pid 42, exit | announce s",
    "svc -a": "up, pid 42, exit | signal 14",
    "svc -h": "up, pid 42, exit | signal 1",
    "svc -k": "up, pid 42, exit | signal 9",
    "svc -t": "up, pid 42, exit | signal 15",
    "svc -i": "up, pid 42, exit | signal 2",
    "svc -?": "up, pid 42, exit | ",
    "startTimer": "up, pid 42, exit | ",
    "killTimer": "up, pid 42, exit | ",
    "started": "impossible",
    "startFailed": "impossible",
    "exited 42": "exited, exit | announce d; serviceExit; event D; announce x; exit",
    "exited 7": "up, pid 42, exit | ",
    "finishStarted": "up, pid 42, exit | ",
    "finished": "up, pid 42, exit | ",
    "ready 42": "up, pid 42, exit | announce U",
    "statusText 42": "up, pid 42, exit | announce s",
  },
  "finishing": {
    "begin": "finishing | announce s; adoptAfterRun",
    "takeOver": "finishing | announce s",
    "svc -d": "finishing, want down | announce s",
    "svc -u": "finishing, start after finish | announce s",
    "svc -o": "finishing, once, start after finish | announce s",
    "svc -p": "finishing, paused | announce s",
    "svc -c": "finishing | announce s",
    "svc -x": "finishing, exit | announce s",
    "svc -a": "finishing | ",
    "svc -h": "finishing | ",
    "svc -k": "finishing | ",
    "svc -t": "finishing | ",
    "svc -i": "finishing | ",
    "svc -?": "finishing | ",
    "startTimer": "finishing | ",
    "killTimer": "finishing | ",
    "started": "impossible",
    "startFailed": "impossible",
    "exited 42": "finishing | ",
    "exited 7": "finishing | ",
    "finishStarted": "finishing | announce s",
    "finished": "down | announce D; spawn",
    "ready 42": "finishing | ",
    "statusText 42": "finishing | ",
  },
  "finishing, exit asked": {
    "begin": "finishing, exit | announce s; adoptAfterRun",
    "takeOver": "finishing, exit | announce s",
    "svc -d": "finishing, want down, exit | announce s",
    "svc -u": "finishing, exit, start after finish | announce s",
    "svc -o": "finishing, once, exit, start after finish | announce s",
    "svc -p": "finishing, paused, exit | announce s",
    "svc -c": "finishing, exit | announce s",
    "svc -x": "finishing, exit | announce s",
    "svc -a": "finishing, exit | ",
    "svc -h": "finishing, exit | ",
    "svc -k": "finishing, exit | ",
    "svc -t": "finishing, exit | ",
    "svc -i": "finishing, exit | ",
    "svc -?": "finishing, exit | ",
    "startTimer": "finishing, exit | ",
    "killTimer": "finishing, exit | ",
    "started": "impossible",
    "startFailed": "impossible",
    "exited 42": "finishing, exit | ",
    "exited 7": "finishing, exit | ",
    "finishStarted": "finishing, exit | announce s",
    "finished": "exited, exit | announce D; announce x; exit",
    "ready 42": "finishing, exit | ",
    "statusText 42": "finishing, exit | ",
  },
  "exited": {
    "begin": "exited | ",
    "takeOver": "exited | ",
    "svc -d": "exited | ",
    "svc -u": "exited | ",
    "svc -o": "exited | ",
    "svc -p": "exited | ",
    "svc -c": "exited | ",
    "svc -x": "exited | ",
    "svc -a": "exited | ",
    "svc -h": "exited | ",
    "svc -k": "exited | ",
    "svc -t": "exited | ",
    "svc -i": "exited | ",
    "svc -?": "exited | ",
    "startTimer": "exited | ",
    "killTimer": "exited | ",
    "started": "exited | ",
    "startFailed": "exited | ",
    "exited 42": "exited | ",
    "exited 7": "exited | ",
    "finishStarted": "exited | ",
    "finished": "exited | ",
    "ready 42": "exited | ",
    "statusText 42": "exited | ",
  },
};

Deno.test("machine: every event in every kind of state", async (t) => {
  for (const [sn, s] of Object.entries(STATES)) {
    await t.step(sn, () => {
      const got = Object.fromEntries(Object.entries(EVENTS).map(([en, e]) => [en, outcome(s, e)]));
      assertEquals(got, TABLE[sn]);
    });
  }
});

/** Steps `events` in turn, each at its own time; the actions of each, in short. */
function run(s: State, events: [number, Event][]): { state: State; log: string[] } {
  return steps(s, events, T);
}

const started = (pid: number, ready = false): Event => ({
  type: "started",
  pid,
  files,
  declaresReadiness: ready,
  notify: null,
});
const exited = (pid: number): Event => ({ type: "exited", status: status(pid) });
const cmd = (ch: string): Event => ({ type: "command", ch });

Deno.test("machine: a service that dies at once restarts a second after its last start, not before", () => {
  const { log } = run(initialState({ downFile: false }, T), [
    [0, { type: "begin" }],
    [0, started(43)],
    [300, exited(43)],
    [RESTART_PAUSE_MS, { type: "startTimer" }],
    [RESTART_PAUSE_MS, started(44)],
    [5_000, exited(44)],
  ]);
  assertEquals(log, [
    "0 begin: announce s; spawn",
    "0 started: announce u",
    "300 exited: announce d; serviceExit; event D; armStart @1000",
    "1000 startTimer: spawn",
    "1000 started: announce u",
    "5000 exited: announce d; serviceExit; event D; spawn",
  ]);
});

Deno.test("machine: a start that fails is tried again a second later", () => {
  const { log } = run(initialState({ downFile: false }, T), [
    [0, { type: "begin" }],
    [0, { type: "startFailed" }],
    [1000, { type: "startTimer" }],
  ]);
  assertEquals(log, [
    "0 begin: announce s; spawn",
    "0 startFailed: announce s; armStart @1000",
    "1000 startTimer: spawn",
  ]);
});

Deno.test("machine: svc -d with down-signal and timeout-kill; KILL only to the pid it was armed for", () => {
  const { log, state } = run(up, [
    [10_000, cmd("d")],
    [13_000, { type: "killTimer" }],
    [13_100, exited(42)],
  ]);
  assertEquals(log, [
    "10000 svc -d: signal 3; signal 18; armKill @13000; announce s",
    "13000 killTimer: signal 9",
    "13100 exited: announce d; serviceExit; event D",
  ]);
  assertEquals(state.phase, "down");
  // the service ended first: the kill is cancelled, and a late timer does nothing
  const early = run(up, [[10_000, cmd("d")], [11_000, exited(42)], [13_000, {
    type: "killTimer",
  }]]);
  assertEquals(early.log.slice(1), [
    "11000 exited: cancelKill; announce d; serviceExit; event D",
    "13000 killTimer: ",
  ]);
});

Deno.test("machine: svc -x while a restart is due ends the supervisor when it comes due", () => {
  const { log, state } = run({ ...base, startAt: 10_500, lastStart: 9_500 }, [
    [10_000, cmd("x")],
    [10_500, { type: "startTimer" }],
  ]);
  assertEquals(log, ["10000 svc -x: announce s", "10500 startTimer: announce x; exit"]);
  assertEquals(state.phase, "exited");
});

Deno.test("machine: finish runs after ./run; svc -u meanwhile starts it once finish is done", () => {
  const withFinish = { ...files, finish: true };
  const { log } = run({ ...up, files: withFinish, wantUp: false }, [
    [10_000, exited(42)],
    [10_001, { type: "finishStarted", pid: 50, started: 99 }],
    [10_002, cmd("u")],
    [10_500, { type: "finished" }],
  ]);
  assertEquals(log, [
    "10000 exited: announce d; serviceExit; afterRun",
    "10001 finishStarted: announce s",
    "10002 svc -u: announce s",
    "10500 finished: announce D; spawn",
  ]);
});

Deno.test("machine: readiness belongs to its run", () => {
  const r = run(base, [
    [0, { type: "begin" }],
    [0, started(43, true)],
    [10, { type: "ready", pid: 7 }],
    [20, { type: "ready", pid: 43 }],
    [30, { type: "ready", pid: 43 }],
    [40, exited(43)],
  ]);
  assertEquals(r.log.slice(2), [
    "10 ready: ",
    "20 ready: announce U",
    "30 ready: ",
    "40 exited: announce d; serviceExit; event D; armStart @1000",
  ]);
  assertEquals(r.state.extra.ready, false);
  assertEquals(r.state.extra.restarts, 0);
});

Deno.test("machine: an event a spawn alone gives, in any other state, is a bug of the shell's", () => {
  assertThrows(() => step(up, started(44), T), ImpossibleEvent);
  assertThrows(() => step(up, { type: "startFailed" }, T), ImpossibleEvent);
  assertThrows(() => step(STATES.finishing, started(44), T), ImpossibleEvent);
});

Deno.test("machine: what a supervisor that died left is taken up as it was", () => {
  const t = { ...T, mono: 50_000, wall: 100_000 };
  const left = { pid: 42, when: { sec: 99, nano: 0 }, paused: false, want: "u" as const };
  const runFiles = {
    finish: true,
    timeoutFinish: 0,
    downSignal: SIG.QUIT,
    timeoutKill: 3000,
    killTree: true,
    notificationFd: 3,
    notifySocket: false,
  };
  const record = {
    ...base.extra,
    state: "up" as const,
    pid: 42,
    ready: true,
    readySince: 90_000,
    restarts: 4,
    run: { pid: 42, files: runFiles, sid: 42, notify: null, killAt: 101_000 },
  };
  // the service still runs: its files, session, timeout-kill under way and readiness come back
  const s = initialState({ downFile: false, left, record }, t);
  assertEquals([s.phase, s.pid, s.files.downSignal, s.files.timeoutFinish], [
    "up",
    42,
    SIG.QUIT,
    Infinity,
  ]);
  assertEquals([s.sid, s.killAt, s.killPid, s.extra.ready, s.extra.restarts], [
    42,
    51_000,
    42,
    true,
    4,
  ]);
  assertEquals(step(s, { type: "begin" }, t).actions.map(action), [
    "announce s",
    "watch",
    "armKill @51000",
  ]);
  // a record of another run (another pid) is not this one's
  assertEquals(
    initialState({ downFile: false, left: { ...left, pid: 43 }, record }, t).files,
    PLAIN,
  );
  // ./finish was under way: finishing again, then the next start
  const after = {
    stage: "finish" as const,
    sid: 0,
    code: 7,
    signal: null,
    finishPid: 60,
    finishStarted: 99,
  };
  const f = initialState({
    downFile: false,
    record: { ...record, state: "finishing", pid: 60, after },
  }, t);
  assertEquals([f.phase, f.pid, f.after], ["finishing", 0, after]);
  assertEquals(step(f, { type: "begin" }, t).actions.map(action), ["announce s", "adoptAfterRun"]);
  // the run ended while no supervisor ran: its leftovers end and its finish runs (how it ended
  // is not known), then the next start
  const g = initialState({ downFile: false, record }, t);
  assertEquals([g.phase, g.after?.stage, g.after?.sid, g.after?.code], [
    "finishing",
    "tree",
    42,
    null,
  ]);
  // nothing of the sort: down, as daemontools' supervise starts
  const plainRun = {
    ...record.run,
    files: { ...runFiles, finish: false, killTree: false },
    sid: 0,
  };
  assertEquals(
    initialState({ downFile: false, record: { ...record, run: plainRun } }, t).phase,
    "down",
  );
});
