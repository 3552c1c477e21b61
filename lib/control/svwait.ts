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
import { ControlError } from "./errors.ts";

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

/**
 * Parses `dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR...`; a string says what
 * is wrong (an unknown option, `--bogus` included, a bad -t), "" when the
 * usage alone says it (no DIR).
 */
export function parseSvwait(args: readonly string[]): SvwaitArgs | string {
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
 * supervise) down is down with finish done.
 */
export function look(dir: string): Seen {
  let pid = 0;
  try {
    pid = decodeStatus(Deno.readFileSync(`${dir}/supervise/status`))?.pid ?? 0;
  } catch { /* as down */ }
  const x0 = readExtra(dir);
  const x = x0 !== null && (pid === 0 || x0.pid === pid) ? x0 : null;
  return {
    up: pid !== 0,
    ready: pid !== 0 && (x === null || x.ready !== false),
    finished: pid === 0 && (x === null || x.state === "down"),
  };
}

/** How a wait ended: 0 reached, 99 timeout, 102 a supervisor exited. */
export type WaitResult = 0 | 99 | 102;

/**
 * Waits as asked. Rejects with {@link ControlError} (`unable to subscribe
 * to DIR: supervise not running`, …) when a directory cannot be watched.
 */
export function svwait(a: SvwaitArgs): Promise<WaitResult> {
  if (a.dirs.length === 0) return Promise.resolve(0);
  const subs: { path: string; fd: number; w: { close(): void } | null }[] = [];
  const cleanup = () => {
    for (const s of subs) {
      s.w?.close();
      if (s.w === null) close(s.fd);
      try {
        Deno.removeSync(s.path);
      } catch { /* gone */ }
    }
  };
  const { promise, resolve } = Promise.withResolvers<WaitResult>();
  let done = false;
  let timer: LongTimeout | undefined;
  const end = (r: WaitResult) => {
    if (done) return;
    done = true;
    clearLongTimeout(timer);
    cleanup();
    resolve(r);
  };
  const seen: Seen[] = [];
  const check = () => {
    const hits = seen.map((v) => reached(a.want, v));
    if (a.any ? hits.some((h) => h) : hits.every((h) => h)) end(0);
  };
  const buf = new Uint8Array(64);
  try {
    for (const dir of a.dirs) {
      const what = `unable to subscribe to ${dir}: `;
      let running: boolean;
      try {
        running = supervisorRunning(dir);
      } catch (e) {
        throw ControlError.of(what, e);
      }
      if (!running) throw ControlError.notRunning(what);
      const path = `${eventDir(`${dir}/supervise`)}/svwait.${Deno.pid}.${subs.length}`;
      try {
        makeEventDir(`${dir}/supervise`); // made by the first waiter, not by the supervisor
        mkfifo(path, 0o600);
        // read and write: the FIFO never reports a hang-up between two events
        const fd = open(path, O.RDWR | O.NONBLOCK | O.CLOEXEC);
        subs.push({ path, fd, w: null });
      } catch (e) {
        throw ControlError.of(what, e);
      }
    }
  } catch (e) {
    cleanup();
    return Promise.reject(e instanceof ControlError ? e : ControlError.of("", e));
  }
  a.dirs.forEach((d, i) => seen[i] = look(d));
  subs.forEach((s, i) => {
    const dir = a.dirs[i];
    s.w = watchReadable(s.fd, () => {
      for (;;) {
        const n = readSome(s.fd, buf);
        if (n <= 0 || done) break;
        for (const b of buf.subarray(0, n)) {
          if (b === 0x78) return end(102); // 'x': the supervisor exited
          seen[i] = applyEvent(String.fromCharCode(b), () => look(dir));
          check();
          if (done) return;
        }
      }
    });
  });
  if (a.timeoutMs > 0) timer = setLongTimeout(() => end(99), a.timeoutMs);
  check();
  return promise;
}
