/**
 * `dt svwait`'s logic (s6-svwait's interface): the pure parser and the test
 * of a state, and the waiting itself. A waiter subscribes to each
 * directory's `supervise/event/` (a FIFO of its own there, read through the
 * process's one poll(2): no polling loop), then reads the state and reads it
 * again at each event byte, until the wanted state, the timeout, or the
 * supervisor's exit.
 *
 * @module
 */
import { getopt } from "../common/args.ts";
import { parseMsText, WANT_MS } from "../common/durations.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../common/long_timer.ts";
import { close, O, open, readSome } from "../sys/fd.ts";
import { mkfifo } from "../sys/fifo.ts";
import { watchReadable } from "../sys/poller.ts";
import { eventDir, makeEventDir } from "../supervise/events.ts";
import { readExtra } from "../supervise/extra_status.ts";
import { decodeStatus } from "../supervise/status.ts";
import { supervisorRunning } from "./control.ts";
import { awaitSupervisor } from "./await_supervisor.ts";
import { ControlError } from "./control_error.ts";
import { type Failure, usageFailure } from "../common/failure.ts";

/** The state waited for: -u up, -U up and ready, -d down, -D down and finish done. */
export type Want = "u" | "U" | "d" | "D";

/** What `dt svwait` was asked. */
export interface SvwaitArgs {
  want: Want;
  /** -o: any one of the dirs; default (-a) all. */
  any: boolean;
  /** -t in ms, 0: no timeout (s6-svwait's). */
  timeoutMs: number;
  dirs: string[];
}

/** `dt svwait`'s usage line. */
export const SVWAIT_SYNOPSIS = "dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR...";

/**
 * Parses `dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR...`: the arguments, or
 * the usage error (what is wrong, an unknown option, `--bogus` included, a
 * bad -t, then the usage line; the usage alone for no DIR; exit 100).
 */
export function parseSvwait(args: readonly string[]): SvwaitArgs | Failure {
  const r = parse(args);
  return typeof r === "string" ? usageFailure("dt svwait", SVWAIT_SYNOPSIS, r) : r;
}

function parse(args: readonly string[]): SvwaitArgs | string {
  const g = getopt(args, "uUdDaot:");
  if (g.bad !== undefined) {
    return g.badKind === "missing" ? `option -${g.bad} needs a value` : `unknown option: -${g.bad}`;
  }
  if (g.endedBy !== undefined) return `unknown option: ${g.endedBy}`;
  const r: SvwaitArgs = { want: "u", any: false, timeoutMs: 0, dirs: g.rest };
  for (const { opt, arg } of g.opts) {
    if (opt === "a" || opt === "o") r.any = opt === "o";
    else if (opt !== "t") r.want = opt as Want;
    else {
      const ms = parseMsText(arg!);
      if (ms === null) return `bad timeout: ${arg} (want ${WANT_MS})`;
      r.timeoutMs = ms;
    }
  }
  if (r.dirs.length === 0) return "";
  return r;
}

/** A directory's state as the waiter knows it. */
export interface Seen {
  up: boolean;
  /** Up and ready (or up, for a service that declares no readiness). */
  ready: boolean;
  /** Down with finish done. */
  finished: boolean;
  /** True when the files were caught between two writes of a change (see {@link look}). */
  settling?: boolean;
}

/** True when `seen` is the wanted state. */
export function reached(want: Want, seen: Seen): boolean {
  switch (want) {
    case "u":
      return seen.up;
    case "U":
      return seen.up && seen.ready;
    case "d":
      return !seen.up;
    case "D":
      return !seen.up && seen.finished;
  }
}

/**
 * The state after one event byte (s6's: the event is the state, even when
 * the files have moved on since); `s`, `u` and unknown bytes: the files now.
 */
export function applyEvent(ev: string, files: () => Seen): Seen {
  switch (ev) {
    case "U":
      return { up: true, ready: true, finished: false };
    case "d":
      return { up: false, ready: false, finished: false };
    case "D":
      return { up: false, ready: false, finished: true };
    default:
      return files();
  }
}

/**
 * What the files say: -U on a service that declares no readiness is -u
 * (dt init -S waits the same way); without dt's extra state (daemontools'
 * supervise) down is down with finish done. dt's supervisor writes its extra
 * state at the end of the turn that changed the 18 bytes (its first one at
 * the end of its first turn), then tells the waiters: until then the two
 * disagree, or the extra state is missing for a service that declares
 * readiness, and the state is neither ready nor finished (`settling`: the
 * event that follows is the answer). With `staleExtra`, such extra state is
 * an earlier supervisor's, or none comes (daemontools' supervise runs the
 * service), and is not read.
 */
export function look(dir: string, staleExtra = false): Seen {
  let pid = 0;
  try {
    pid = decodeStatus(Deno.readFileSync(`${dir}/supervise/status`))?.pid ?? 0;
  } catch { /* as down */ }
  const x0 = readExtra(dir);
  const agrees = x0 !== null && (pid === 0 || x0.pid === pid);
  const unwritten = x0 === null && pid !== 0 && declaresReadiness(dir);
  if ((unwritten || (x0 !== null && !agrees)) && !staleExtra) {
    return { up: pid !== 0, ready: false, finished: false, settling: true };
  }
  const x = agrees ? x0 : null;
  return {
    up: pid !== 0,
    ready: pid !== 0 && (x === null || x.ready !== false),
    finished: pid === 0 && (x === null || x.state === "down"),
  };
}

/** True when `dir` has the files that make a dt supervisor wait for readiness. */
function declaresReadiness(dir: string): boolean {
  return ["notification-fd", "notify-socket"].some((f) => {
    try {
      Deno.statSync(`${dir}/${f}`);
      return true;
    } catch {
      return false;
    }
  });
}

/** How long the files may disagree before the extra state counts as an earlier supervisor's. */
export const SETTLE_MS = 2000;

/** How a wait ended: 0 reached, 99 timeout, 102 a supervisor exited. */
export type WaitResult = 0 | 99 | 102;

/**
 * Waits as asked. A directory whose supervisor has not appeared yet (the
 * scanner has not reached it) is waited for first, within the timeout
 * (forever without one), and counts as not in the wanted state meanwhile.
 * Rejects with {@link ControlError} (`unable to subscribe to DIR: file does
 * not exist`, …) when a directory cannot be watched: without a timeout, a
 * directory that does not exist at all is one.
 */
export function svwait(a: SvwaitArgs): Promise<WaitResult> {
  if (a.dirs.length === 0) return Promise.resolve(0);
  const deadline = a.timeoutMs > 0 ? Date.now() + a.timeoutMs : Infinity;
  const subs: { path: string; fd: number; w: { close(): void } | null }[] = [];
  const waiting = new AbortController();
  const relooks = new Map<number, ReturnType<typeof setTimeout>>(); // by directory
  const cleanup = () => {
    waiting.abort();
    for (const t of relooks.values()) clearTimeout(t);
    for (const s of subs) {
      s.w?.close();
      if (s.w === null) close(s.fd);
      try {
        Deno.removeSync(s.path);
      } catch { /* gone */ }
    }
  };
  const { promise, resolve, reject } = Promise.withResolvers<WaitResult>();
  let done = false;
  let timer: LongTimeout | undefined;
  const end = (r: WaitResult | Error) => {
    if (done) return;
    done = true;
    clearLongTimeout(timer);
    cleanup();
    if (r instanceof Error) reject(r instanceof ControlError ? r : ControlError.of("", r));
    else resolve(r);
  };
  // null: no supervisor yet
  const seen: (Seen | null)[] = a.dirs.map(() => null);
  const check = () => {
    const hits = seen.map((v) => v !== null && reached(a.want, v));
    if (a.any ? hits.some((h) => h) : hits.every((h) => h)) end(0);
  };
  const buf = new Uint8Array(64);
  /**
   * `v`, and when it is settling, a look again after {@link SETTLE_MS}: an event
   * comes first from dt's supervisor, none from daemontools'.
   */
  const settled = (i: number, v: Seen): Seen => {
    if (v.settling && !relooks.has(i)) {
      relooks.set(
        i,
        setTimeout(() => {
          relooks.delete(i);
          if (done || !seen[i]?.settling) return;
          seen[i] = look(a.dirs[i], true);
          check();
        }, SETTLE_MS),
      );
    }
    return v;
  };
  /** Subscribes to `supervise/event/` of directory `i` (its supervisor runs), then reads its state. */
  const subscribe = (i: number) => {
    const dir = a.dirs[i];
    const what = `unable to subscribe to ${dir}: `;
    let running: boolean;
    try {
      running = supervisorRunning(dir);
    } catch (e) {
      throw ControlError.of(what, e);
    }
    if (!running) throw ControlError.notRunning(what);
    const path = `${eventDir(`${dir}/supervise`)}/svwait.${Deno.pid}.${i}`;
    let fd: number;
    try {
      makeEventDir(`${dir}/supervise`); // made by the first waiter, not by the supervisor
      mkfifo(path, 0o600);
      // read and write: the FIFO never reports a hang-up between two events
      fd = open(path, O.RDWR | O.NONBLOCK | O.CLOEXEC);
    } catch (e) {
      throw ControlError.of(what, e);
    }
    const s: (typeof subs)[number] = { path, fd, w: null };
    subs.push(s);
    seen[i] = settled(i, look(dir));
    s.w = watchReadable(fd, () => {
      for (;;) {
        const n = readSome(fd, buf);
        if (n <= 0 || done) break;
        for (const b of buf.subarray(0, n)) {
          if (b === 0x78) return end(102); // 'x': the supervisor exited
          seen[i] = settled(i, applyEvent(String.fromCharCode(b), () => look(dir)));
          check();
          if (done) return;
        }
      }
    });
  };
  a.dirs.forEach((dir, i) => {
    awaitSupervisor(dir, `unable to subscribe to ${dir}: `, deadline, waiting.signal).then(
      (found) => {
        if (!found || done) return; // the timeout ends the wait
        try {
          subscribe(i);
          check();
        } catch (e) {
          end(e as Error);
        }
      },
      (e) => end(e),
    );
  });
  if (deadline !== Infinity) timer = setLongTimeout(() => end(99), a.timeoutMs);
  return promise;
}
