/**
 * Log pipes that outlive the scanner. A tiny process outside the runtime (a
 * `sleep` holding a dup of both ends of every log pipe) keeps each pipe open
 * while no scanner does: when the scanner dies (kill -9, a crash, the OOM
 * killer, an upgrade), services never meet a pipe without a reader (no
 * SIGPIPE, no lost line; a full pipe holds the writer back, as when
 * multilog is down), and the next scanner opens the same pipes again
 * through `/proc/KEEPER/fd/N`, as named in each service's
 * `supervise/logpipe` (`KEEPER_PID START R W`). A process logger and its
 * service can also give the pipe back themselves (their fds 0 and 1).
 *
 * @module
 */
import { close, O, open } from "../sys/fd.ts";
import { spawn } from "../sys/spawn.ts";
import { kill, SIG } from "../sys/signal.ts";
import { unwatchChild, watchChild } from "../sys/reaper.ts";
import { startTime } from "../supervise/running.ts";
import { whichExec } from "../sys/path_search.ts";

/** A log pipe as the scanner holds it: `[read end, write end]`. */
export type Pipe = [number, number];

/** Where a keeper holds one pipe. */
interface Record {
  keeper: number;
  started: number;
  r: number;
  w: number;
}

/** The record's name in a service's `supervise/`. */
export const RECORD = "logpipe";

/**
 * Writes (text) or removes (null) the record of one service; the scanner
 * does it through the directory it holds.
 */
export type RecordWriter = (service: string, text: string | null) => void;

/** A record's text (`KEEPER START R W`) as numbers; null when it is none. */
function parseRecord(text: string | null): Record | null {
  if (text === null) return null;
  const [k, s, r, w] = text.trim().split(" ").map(Number);
  return [k, s, r, w].every(Number.isFinite) ? { keeper: k, started: s, r, w } : null;
}

/** True when `pid` is still the process that started at `started` (seconds, to a tick). */
export function same(pid: number, started: number): boolean {
  const t = startTime(pid);
  return t !== null && Math.abs(t - started) < 0.05;
}

/** `pipe:[inode]` of another process's fd, or null. */
export function pipeId(pid: number, fd: number): string | null {
  try {
    const l = Deno.readLinkSync(`/proc/${pid}/fd/${fd}`);
    return l.startsWith("pipe:") ? l : null;
  } catch {
    return null;
  }
}

/** Opens both ends of the pipe that `rPid`'s fd `r` and `wPid`'s fd `w` are; null unless one pipe. */
export function reopen(rPid: number, r: number, wPid: number, w: number): Pipe | null {
  const id = pipeId(rPid, r);
  if (id === null || pipeId(wPid, w) !== id) return null;
  let wfd = -1;
  try {
    // the write end first: then opening the read end never waits for a writer
    wfd = open(`/proc/${wPid}/fd/${w}`, O.WRONLY | O.CLOEXEC);
    const rfd = open(`/proc/${rPid}/fd/${r}`, O.RDONLY | O.CLOEXEC);
    return [rfd, wfd];
  } catch {
    if (wfd !== -1) close(wfd);
    return null;
  }
}

/**
 * The log pipe of a service left by a scanner that died, opened again: from
 * the keeper its record (the text of `supervise/logpipe`) names, else from
 * the logger and service processes still running on it (`logPid`'s stdin,
 * `servicePid`'s stdout). Null when there is none to be had.
 */
export function reclaimPipe(
  record: string | null,
  logPid: number,
  servicePid: number,
): Pipe | null {
  const rec = parseRecord(record);
  if (rec !== null && same(rec.keeper, rec.started)) {
    const p = reopen(rec.keeper, rec.r, rec.keeper, rec.w);
    if (p !== null) return p;
  }
  if (logPid > 0 && servicePid > 0) return reopen(logPid, 0, servicePid, 1);
  return null;
}

/** The keepers named by `records` that are still running (left by a dead scanner). */
export function oldKeepers(
  records: readonly (string | null)[],
): { pid: number; started: number }[] {
  const seen = new Map<number, number>();
  for (const text of records) {
    const rec = parseRecord(text);
    if (rec !== null && !seen.has(rec.keeper) && same(rec.keeper, rec.started)) {
      seen.set(rec.keeper, rec.started);
    }
  }
  return [...seen].map(([pid, started]) => ({ pid, started }));
}

/** The scanner's keeper: one process holding every log pipe, replaced when the set changes. */
export class PipeKeeper {
  #pid = 0;
  #held = new Map<Pipe, { r: number; w: number }>();
  readonly #log: (line: string) => void;
  readonly #record: RecordWriter;

  /** A keeper whose warnings go to `log` and whose records `record` writes. */
  constructor(log: (line: string) => void, record: RecordWriter) {
    this.#log = log;
    this.#record = record;
  }

  /** Pid of the keeper now, 0 when there is none. */
  get pid(): number {
    return this.#pid;
  }

  /**
   * Makes the keeper hold exactly `pipes` (keyed by service directory, whose
   * record it writes): a new keeper is started when the set changed or the
   * old one is gone, and the old one ended once the new one holds them.
   */
  keep(pipes: Map<string, Pipe>): void {
    const wanted = new Set(pipes.values());
    const unchanged = this.#pid !== 0 && wanted.size === this.#held.size &&
      [...wanted].every((p) => this.#held.has(p));
    if (unchanged) return;
    const old = this.#pid;
    if (wanted.size === 0) {
      this.#end(old);
      this.#pid = 0;
      this.#held = new Map();
      return;
    }
    const fds: (number | null)[] = [null, null, null];
    const held = new Map<Pipe, { r: number; w: number }>();
    for (const p of wanted) {
      held.set(p, { r: fds.length, w: fds.length + 1 });
      fds.push(p[0], p[1]);
    }
    let pid: number;
    try {
      const sleep = whichExec("sleep", "/bin:/usr/bin") ?? "/bin/sleep";
      // limits: [] keeps this process's raised open-files limit (one fd per pipe end)
      pid = spawn({ path: sleep, argv: ["sleep", "2147483647"], env: [], fds, limits: [] });
    } catch (e) {
      this.#log(`svscan: warning: unable to start the log pipes' keeper: ${e}`);
      return;
    }
    watchChild(pid, () => {
      if (this.#pid === pid) this.#pid = 0; // gone: the next scan starts another
    });
    const started = startTime(pid) ?? 0;
    for (const [dir, p] of pipes) {
      const h = held.get(p)!;
      // (no supervise/ yet: the pipe is held all the same)
      this.#record(dir, `${pid} ${started} ${h.r} ${h.w}\n`);
    }
    this.#pid = pid;
    this.#held = held;
    this.#end(old);
  }

  #end(pid: number): void {
    if (pid !== 0) kill(pid, SIG.KILL);
  }

  /** Ends the keeper (an orderly shutdown: the loggers have read what the pipes held). */
  stop(services: readonly string[]): void {
    const pid = this.#pid;
    this.#pid = 0;
    this.#held = new Map();
    if (pid === 0) return;
    unwatchChild(pid);
    watchChild(pid, () => {});
    this.#end(pid);
    for (const s of services) this.#record(s, null);
  }
}

/** Ends keepers a dead scanner left, once their pipes are held again. */
export function endOldKeepers(keepers: readonly { pid: number; started: number }[]): void {
  for (const k of keepers) {
    if (same(k.pid, k.started)) kill(k.pid, SIG.KILL);
  }
}
