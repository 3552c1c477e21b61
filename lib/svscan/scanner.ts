/**
 * svscan's scanner, hosting every supervisor in this process: each directory
 * entry of the scan directory that is a directory and does not start with `.`
 * is a service; `S/log`, when it exists, gets its own supervisor and a pipe
 * from `S`'s stdout that the scanner creates and holds, so either side can
 * restart without losing what is in it.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { errLine } from "../common/output.ts";
import { close, pipe } from "../sys/fd.ts";
import { kill, SIG } from "../sys/signal.ts";
import { type ServiceRunner, SuperviseError, Supervisor } from "../supervise/supervisor.ts";
import { startingEnv } from "../common/launched.ts";
import { PipeReader } from "../inlog/pipe_reader.ts";
import { logRunner } from "../inlog/runner.ts";
import { strays } from "./strays.ts";

/** How often daemontools' svscan rescans, in ms. */
export const SCAN_INTERVAL_MS = 5000;

/** Options for a {@link Scanner}. */
export interface ScannerOptions {
  /** Where messages go; default stderr. */
  log?: (line: string) => void;
  /** Rescan period in ms; default 5000. */
  interval?: number;
  /** Environment for the services; default the one this process was started with. */
  env?: readonly (string | Uint8Array)[];
}

/** One service as the scanner knows it. */
export interface ServiceEntry {
  /** Name in the scan directory (relative path used in messages). */
  name: string;
  /** Device and inode: a renamed directory is still the same service. */
  key: string;
  /** Supervisor of `name`, null while it is not running. */
  main: Supervisor | null;
  /** Supervisor of `name/log`, null while it is not running (or there is no log). */
  log: Supervisor | null;
  /** The log pipe `[read, write]` held by the scanner, or null. */
  pipe: [number, number] | null;
  /** The scanner's reader of the pipe while the logger runs in-process, or null. */
  reader: PipeReader | null;
  /** Seen at the last scan. */
  active: boolean;
}

/**
 * Supervises every service of a directory in this process.
 *
 * @example
 * ```ts
 * const sc = new Scanner("/service");
 * sc.start();                 // scan now and every 5 seconds
 * await sc.shutdown(8000);    // svc -dx everything, loggers last
 * ```
 */
export class Scanner {
  /** The scan directory, as given. */
  readonly dir: string;
  readonly #log: (line: string) => void;
  readonly #interval: number;
  readonly #env: readonly (string | Uint8Array)[];
  readonly #services = new Map<string, ServiceEntry>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopping = false;

  constructor(dir: string, opts: ScannerOptions = {}) {
    this.dir = dir;
    this.#log = opts.log ?? errLine;
    this.#interval = opts.interval ?? SCAN_INTERVAL_MS;
    // one environment for every supervisor: its C form is built once, not per service
    this.#env = opts.env ?? startingEnv();
  }

  /** The services known now. */
  get services(): ServiceEntry[] {
    return [...this.#services.values()];
  }

  /** Scans now, then every interval. The timer keeps the process alive. */
  start(): void {
    this.scan();
    this.#timer = setInterval(() => this.scan(), this.#interval);
  }

  /** The path of a service name inside the scan directory. */
  #path(name: string): string {
    return this.dir === "." ? name : `${this.dir}/${name}`;
  }

  /** One pass, as svscan 0.76's doit(): forget what ended and vanished, start what is new or ended. */
  scan(): void {
    if (this.#stopping) return;
    for (const e of this.#services.values()) e.active = false;
    let names: string[];
    try {
      names = [...Deno.readDirSync(this.dir)].map((d) => d.name).sort();
    } catch (e) {
      this.#log(`svscan: warning: unable to read directory: ${reason(e)}`);
      return;
    }
    for (const name of names) {
      if (name.startsWith(".")) continue;
      try {
        this.#startService(name);
      } catch (e) {
        // one broken service never stops the others
        this.#log(`svscan: warning: ${this.#path(name)}: ${reason(e)}`);
      }
    }
    for (const [key, e] of this.#services) {
      if (e.active || e.main || e.log) continue;
      e.reader?.close();
      e.reader = null;
      if (e.pipe) {
        close(e.pipe[0]);
        close(e.pipe[1]);
      }
      this.#services.delete(key);
    }
  }

  #startService(name: string): void {
    const fn = this.#path(name);
    let st: Deno.FileInfo;
    try {
      st = Deno.statSync(fn);
    } catch (e) {
      this.#log(`svscan: warning: unable to stat ${fn}: ${reason(e)}`);
      return;
    }
    if (!st.isDirectory) return;
    const key = `${st.dev}:${st.ino}`;
    let e = this.#services.get(key);
    if (e === undefined) {
      e = { name, key, main: null, log: null, pipe: null, reader: null, active: true };
      this.#services.set(key, e);
    }
    e.name = name;
    e.active = true;
    // a log directory, even one that appeared after the service started (dt goes beyond 0.76)
    if (e.pipe === null && hasLog(fn)) {
      try {
        e.pipe = pipe();
      } catch (err) {
        this.#log(`svscan: warning: unable to create pipe for ${fn}: ${reason(err)}`);
        return;
      }
      e.main?.setFds([0, e.pipe[1], 2]);
    }
    if (e.main === null) {
      e.main = this.#supervise(fn, e.pipe ? [0, e.pipe[1], 2] : [0, 1, 2], () => {
        e.main = null;
      });
    }
    if (e.pipe && e.log === null) {
      const entry = e;
      const runner = logRunner({
        dir: `${fn}/log`,
        env: this.#env,
        reader: () => entry.pipe ? (entry.reader ??= new PipeReader(entry.pipe[0])) : null,
        release: () => {
          if (entry.reader && entry.pipe) entry.reader.release(entry.pipe[1]);
          entry.reader = null;
        },
        log: this.#log,
      });
      e.log = this.#supervise(`${fn}/log`, [e.pipe[0], 1, 2], () => {
        entry.log = null;
      }, runner);
    }
  }

  #supervise(
    dir: string,
    fds: [number, number, number],
    onDone: () => void,
    runner?: ServiceRunner,
  ): Supervisor | null {
    const sv = new Supervisor(dir, { fds, env: this.#env, log: this.#log, runner });
    try {
      sv.start();
    } catch (e) {
      if (e instanceof SuperviseError) {
        this.#log(`supervise: fatal: ${e.message}`);
        return null;
      }
      throw e;
    }
    sv.done.then(onDone);
    return sv;
  }

  /**
   * Stops every service as `svc -dx` would (TERM, then CONT), main services
   * first; with `strays`, every process below this one that no supervisor owns
   * (orphans, leftovers of a service) gets TERM and CONT at the same time.
   * When they are all gone, or `graceMs` has passed, what is left gets KILL.
   * Then the loggers: the scanner closes its write end of each log pipe, so a
   * logger reads what is left, sees EOF and ends; one that does not is stopped
   * as `svc -dx`, and KILLed after the grace (at least one more second).
   * Resolves when every supervisor has exited.
   */
  async shutdown(graceMs: number, opts: ShutdownOptions = {}): Promise<void> {
    this.#stopping = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const deadline = Date.now() + graceMs;
    const entries = this.services;
    const mains = entries.flatMap((e) => e.main ? [e.main] : []);
    const logs = entries.flatMap((e) => e.log ? [e.log] : []);
    const keep = new Set(opts.keep ?? []);
    const owned = () => {
      const s = new Set(keep);
      for (const sv of [...mains, ...logs]) if (sv.pid) s.add(sv.pid);
      return s;
    };
    const signalled = new Set<number>();
    const termStrays = (): number => {
      if (!opts.strays) return 0;
      const found = strays(owned());
      for (const p of found) {
        if (signalled.has(p)) continue;
        signalled.add(p);
        signal(p, SIG.TERM);
        signal(p, SIG.CONT);
      }
      return found.length;
    };
    for (const sv of mains) sv.control("dx");
    termStrays();
    while (Date.now() < deadline) {
      const left = termStrays() + mains.filter((sv) => sv.running).length;
      if (left === 0) break;
      await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    }
    for (const sv of mains) if (sv.pid) sv.control("k");
    if (opts.strays) { for (const p of strays(owned())) signal(p, SIG.KILL); }
    await waitAll(mains.map((s) => s.done), Date.now() + 1000);
    // loggers last: no writer left but the scanner's own end; close it and let them drain
    for (const sv of logs) sv.control("x");
    for (const e of entries) {
      if (e.pipe) close(e.pipe[1]);
    }
    const logDeadline = Math.max(deadline, Date.now() + 1000);
    await waitAll(logs.map((s) => s.done), logDeadline);
    for (const sv of logs) sv.control("dx");
    await waitAll(logs.map((s) => s.done), Math.max(logDeadline, Date.now() + 1000));
    for (const sv of logs) if (sv.pid) sv.control("k");
    await waitAll(logs.map((s) => s.done), Date.now() + 1000);
    for (const e of entries) {
      e.reader?.close();
      e.reader = null;
      if (e.pipe) close(e.pipe[0]);
      e.pipe = null;
    }
  }
}

/** Options for {@link Scanner.shutdown}. */
export interface ShutdownOptions {
  /** Also TERM (then KILL) processes below this one that no supervisor owns (init, subreaper). */
  strays?: boolean;
  /** Pids that are not strays although no supervisor owns them (svscanboot's readproctitle). */
  keep?: readonly number[];
}

function signal(pid: number, sig: number): void {
  try {
    kill(pid, sig);
  } catch { /* gone, or not ours */ }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** True when `fn/log` exists (any type, as svscan 0.76 checks with stat). */
function hasLog(fn: string): boolean {
  try {
    return Deno.statSync(`${fn}/log`).isDirectory;
  } catch {
    return false;
  }
}

async function waitAll(ps: Promise<void>[], deadline: number): Promise<void> {
  const left = deadline - Date.now();
  if (left <= 0) return;
  let t: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(ps),
    new Promise<void>((r) => t = setTimeout(r, left)),
  ]);
  clearTimeout(t);
}
