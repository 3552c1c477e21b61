/**
 * The crash-loop policy and the health check (lib/supervise/policy.ts), as
 * the machine steps them on a fake clock: the back-off's pauses, the budget
 * that leaves a service down, svc -u re-arming it, an essential service
 * giving up, and checks that make a run ready or restart it.
 */
import { assertEquals } from "../helpers/assert.ts";
import { action, steps } from "./_machine.ts";
import {
  type Clock,
  type Event,
  initialState,
  type State,
  step,
} from "../../lib/supervise/machine.ts";
import { PLAIN, type ServiceFiles } from "../../lib/supervise/service_files.ts";
import { SIG } from "../../lib/sys/signal.ts";

const T: Clock = { mono: 0, when: { sec: 100, nano: 0 }, wall: 1_000 };

/** Steps `events` in turn at their times; every action, `time event: actions`. */
function run(s: State, events: [number, Event][]): { state: State; log: string[] } {
  return steps(s, events, T);
}

const started = (pid: number, files: ServiceFiles): Event => ({
  type: "started",
  pid,
  files,
  declaresReadiness: false,
  notify: null,
});
const exited = (pid: number, code = 1): Event => ({
  type: "exited",
  status: { pid, code, signal: null, core: false, raw: 0 },
});
const begin: Event = { type: "begin" };
const timer: Event = { type: "startTimer" };

/** A service that dies at once, `n` times, with `files`: each start and end, at the pause given. */
function crashes(files: ServiceFiles, n: number): { state: State; log: string[] } {
  let s = initialState({ downFile: false }, T);
  const events: [number, Event][] = [[0, begin]];
  let at = 0;
  const log: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = run(s, [...events, [at, started(100 + i, files)], [at + 10, exited(100 + i)]]);
    s = r.state;
    log.push(...r.log);
    events.length = 0;
    const next = r.state.startAt;
    if (next === null) break;
    at = next;
    events.push([at, timer]);
  }
  return { state: s, log };
}

Deno.test("policy: without the files, a dying service starts again every second, as daemontools'", () => {
  const { log } = crashes(PLAIN, 3);
  assertEquals(log.filter((l) => l.includes("exited")), [
    "10 exited: announce d; serviceExit; event D; armStart @1000",
    "1010 exited: announce d; serviceExit; event D; armStart @2000",
    "2010 exited: announce d; serviceExit; event D; armStart @3000",
  ]);
});

Deno.test("policy: restart-delay-max doubles the pause from 1 s to its cap; a run that long resets it", () => {
  const files = { ...PLAIN, restartDelayMax: 5000 };
  const { log, state } = crashes(files, 5);
  assertEquals(log.filter((l) => l.includes("exited")).map((l) => l.replace(/.*armStart /, "")), [
    "@1000", // 1 s after the start at 0
    "@3000", // 2 s after the start at 1000
    "@7000", // 4 s
    "@12000", // 5 s: the cap
    "@17000",
  ]);
  // a run as long as the cap: the pause is 1 s again (due already: at once), then doubles anew
  const long = run(state, [
    [17000, timer],
    [17000, started(200, files)],
    [22000, exited(200)],
    [22000, started(201, files)],
    [22010, exited(201)],
  ]);
  assertEquals(long.log.slice(2), [
    "22000 exited: announce d; serviceExit; event D; spawn",
    "22000 started: announce u",
    "22010 exited: announce d; serviceExit; event D; armStart @24000",
  ]);
});

Deno.test("policy: start-limit-burst ends within start-limit-interval leave it down; svc -u re-arms it", () => {
  const files = { ...PLAIN, startLimitBurst: 3, startLimitInterval: 60_000 };
  const { log, state } = crashes(files, 5);
  assertEquals(log.filter((l) => l.includes("exited")), [
    "10 exited: announce d; serviceExit; event D; armStart @1000",
    "1010 exited: announce d; serviceExit; event D; armStart @2000",
    "2010 exited: announce d; serviceExit; event D",
  ]);
  assertEquals([state.phase, state.wantUp, state.extra.leftDown], ["down", false, "start-limit"]);
  const again = run(state, [[9000, { type: "command", ch: "u" }]]);
  assertEquals(again.log, ["9000 svc -u: announce s; spawn"]);
  assertEquals(again.state.extra.leftDown, null);
  // ends spread wider than the interval never spend the budget
  const wide = { ...PLAIN, startLimitBurst: 2, startLimitInterval: 500 };
  assertEquals(crashes(wide, 4).state.extra.leftDown ?? null, null);
});

Deno.test("policy: an essential service gives up when left down, or when it ends after svc -o", () => {
  const files = { ...PLAIN, startLimitBurst: 2, essential: true };
  assertEquals(
    crashes(files, 3).log.at(-1),
    "1010 exited: announce d; serviceExit; giveUp 1 null; event D",
  );
  const once = run({ ...initialState({ downFile: false }, T), want: false }, [
    [0, started(7, { ...PLAIN, essential: true })],
    [50, exited(7, 3)],
  ]);
  assertEquals(once.log.at(-1), "50 exited: announce d; serviceExit; giveUp 3 null; event D");
  // not essential: nothing of the sort
  assertEquals(
    crashes({ ...files, essential: false }, 3).log.some((l) => l.includes("giveUp")),
    false,
  );
});

Deno.test("policy: a check makes a run ready when it first passes; once it has, retries failures in a row restart it", () => {
  const files = { ...PLAIN, check: true, checkInterval: 5000, checkRetries: 2, timeoutKill: 3000 };
  const check = (pid: number, ok: boolean): Event => ({ type: "checkDone", pid, ok });
  const r = run(initialState({ downFile: false }, T), [
    [0, begin],
    [0, started(42, files)],
    [1000, { type: "checkTimer" }],
    [1100, check(42, false)], // not passed yet: not counted, polled again in a second
    [2100, { type: "checkTimer" }],
    [2200, check(42, true)], // passes: ready
    [7200, { type: "checkTimer" }],
    [7300, check(42, false)],
    [12300, { type: "checkTimer" }],
    [12400, check(99, false)], // another run's: passed over
    [12400, check(42, false)], // the second failure in a row: restarted as svc -t, with its files
  ]);
  assertEquals(r.log.slice(1), [
    "0 started: announce u; armCheck @1000",
    "1000 checkTimer: runCheck",
    "1100 checkDone: armCheck @2100",
    "2100 checkTimer: runCheck",
    "2200 checkDone: announce U; armCheck @7200",
    "7200 checkTimer: runCheck",
    "7300 checkDone: armCheck @12300",
    "12300 checkTimer: runCheck",
    "12400 checkDone: ",
    `12400 checkDone: signal ${SIG.TERM}; signal ${SIG.CONT}; armKill @15400; armCheck @17400`,
  ]);
  const ended = run(r.state, [[13000, exited(42)]]);
  assertEquals(ended.log[0].startsWith("13000 exited: cancelKill; cancelCheck; announce d"), true);
});

Deno.test("policy: a scanner killed meanwhile leaves the count and a service left down as they were", () => {
  const t = { ...T, mono: 50_000, wall: 100_000 };
  const record = {
    ...initialState({ downFile: false }, T).extra,
    leftDown: "start-limit",
    backoff: { delay: 4000, ends: [99_000, 99_500] },
  };
  const s = initialState({ downFile: false, record }, t);
  assertEquals([s.phase, s.wantUp, s.extra.leftDown], ["down", false, "start-limit"]);
  assertEquals(step(s, begin, t).actions.map(action), ["announce s"]); // no start: left down
  const counted = initialState({ downFile: false, record: { ...record, leftDown: null } }, t);
  assertEquals(counted.policy, { delay: 4000, next: 4000, ends: [49_000, 49_500] });
});
