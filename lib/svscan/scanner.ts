/**
 * svscan's scanner, hosting every supervisor in this process: each directory
 * of the scan directory not starting with `.` is a service; `S/log`, when it
 * exists, gets its own supervisor and a pipe from `S`'s stdout that the
 * scanner holds, so either side can restart without losing what is in it.
 *
 * @module
 */
import { reason, SysError } from "../common/errors.ts";
import { errLine } from "../common/output.ts";
import { pipe } from "../sys/fd.ts";
import { keepSpare, withSpare } from "../sys/fd_reserve.ts";
import {
  type Handover,
  type ServiceRunner,
  type Stdio,
  SuperviseError,
  Supervisor,
  type SupervisorOptions,
} from "../supervise/supervisor.ts";
import { type DirAt, ServiceDir } from "../supervise/service_dir.ts";
import { startingEnv } from "../sys/launched.ts";
import { preparePeek } from "../sys/pipe_peek.ts";
import { wantFdRing } from "../sys/uring.ts";
import { logRunner } from "../logger/runner.ts";
import { endOldKeepers, oldKeepers, type Pipe, PipeKeeper } from "./pipe_keeper.ts";
import { type ScanWatch, watchScanDir } from "./watch.ts";
import { ScanDir } from "./scan_dir.ts";
import { settleAfterWork, Settler } from "../sys/settle.ts";
import { spawnCount } from "../sys/spawn.ts";
import { inDir } from "../common/paths.ts";
import { closeLogInput, type Entry, inProcessInput, logThere, processInput } from "./entry.ts";
import { outOfFds, outOfFdsMessage } from "./fd_budget.ts";
import { type ShutdownOptions, stopServices } from "./shutdown.ts";
import { readRecord, reclaim, writeRecord } from "./pipe_records.ts";
import type { TreeMirror } from "./mirror.ts";
import { type LineOutput, prefixOutput } from "./stdout_lines.ts";

/**
 * How often daemontools' svscan rescans, in ms. dt rescans this often only
 * when inotify cannot see every change, or while something waits for a retry
 * (a supervisor that ended or could not start); otherwise it sleeps, as s6-svscan does.
 */
export const SCAN_INTERVAL_MS = 5000;

/** Options for a {@link Scanner}. */
export interface ScannerOptions {
  /** Where messages go; default stderr. */
  log?: (line: string) => void;
  /** Period of the fallback rescan in ms (no inotify, or a retry pending); default 5000. */
  interval?: number;
  /** Environment for the services; default the one this process was started with. */
  env?: readonly (string | Uint8Array)[];
  /**
   * An `essential` service (its name here) gave up: left down by its
   * crash-loop budget, or ended after `svc -o` (how it ended last). dt init
   * -S ends then.
   */
  onGiveUp?: (name: string, code: number | null, signal: number | null) => void;
  /** The mirror of a tree that cannot hold its state (mirror.ts): synced at each scan, its tree watched. */
  mirror?: TreeMirror;
  /** Where each service without a `log/` writes, prefixed with its name (`--log-prefix`). */
  output?: LineOutput;
}

/**
 * One service as the scanner shows it: a read-only view, without the
 * descriptors and pipe readers the scanner keeps for it.
 */
export interface ServiceEntry {
  /** Name in the scan directory (relative path used in messages). */
  readonly name: string;
  /** Device and inode: a renamed directory is still the same service. */
  readonly key: string;
  /** Supervisor of `name`, null while it is not running. */
  readonly main: Supervisor | null;
  /** Supervisor of `name/log`, null while it is not running (or there is no log). */
  readonly log: Supervisor | null;
  /** True when the service has a logger and the scanner holds the log pipe between them. */
  readonly logged: boolean;
  /** True while the logger runs inside the scanner (or is fed what the scanner read ahead). */
  readonly loggerInProcess: boolean;
  /** Seen at the last scan. */
  readonly active: boolean;
}

/**
 * Supervises every service of a directory in this process.
 *
 * @example
 * ```ts
 * const dir = Deno.makeTempDirSync(); // a scan directory: /service, say
 * const sc = new Scanner(dir);
 * sc.start();                 // scan now, then at each change inotify reports
 * console.log(sc.services);   // [] (read-only views, one per service)
 * await sc.shutdown(8000);    // svc -dx everything, loggers last
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class Scanner {
  /** The scan directory, as given. */
  readonly dir: string;
  readonly #log: (line: string) => void;
  readonly #interval: number;
  readonly #env: readonly (string | Uint8Array)[];
  readonly #onGiveUp: ScannerOptions["onGiveUp"];
  readonly #services = new Map<string, Entry>();
  /** The next fallback rescan, when one is needed. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Keeps the event loop alive while no rescan is due (fires every 12 days). */
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Set during a scan when something failed that only a later scan can retry. */
  #retry = false;
  #watch: ScanWatch | null = null;
  #stopping = false;
  /** What could not start in this scan for want of descriptors (services, `NAME/log`). */
  #outOfFds: string[] = [];
  /** Holds every log pipe outside this process, so a scanner that dies loses none. */
  readonly #keeper: PipeKeeper;
  /** Keepers a scanner that died left: ended once this one holds their pipes. */
  #oldKeepers: { pid: number; started: number }[] | null = null;
  /** The scan directory, held (as svscan's chdir holds it) from the first scan. */
  readonly #scanDir: ScanDir;
  /** Services this scan found new: a burst, after which the process settles. */
  #added = 0;
  /** Settles (a full GC, start-up's pages given back) a second after the last burst of starts. */
  readonly #settler = new Settler(1000, undefined, spawnCount);
  readonly #mirror: TreeMirror | null;
  readonly #output: LineOutput | null;

  /** A scanner of `dir`; nothing is scanned until {@link Scanner.start}. */
  constructor(dir: string, opts: ScannerOptions = {}) {
    this.dir = dir;
    this.#scanDir = new ScanDir(dir);
    this.#log = opts.log ?? errLine;
    this.#interval = opts.interval ?? SCAN_INTERVAL_MS;
    // one environment for every supervisor: its C form is built once, not per service
    this.#env = opts.env ?? startingEnv();
    this.#onGiveUp = opts.onGiveUp;
    this.#mirror = opts.mirror ?? null;
    this.#output = opts.output ?? null;
    this.#keeper = new PipeKeeper(
      this.#log,
      (name, text) => writeRecord(this.#path(name), this.#scanDir.at(name), text),
    );
  }

  /** The services known now (a snapshot: read-only views, taken at each call). */
  get services(): readonly ServiceEntry[] {
    return [...this.#services.values()].map((e) =>
      Object.freeze({
        name: e.name,
        key: e.key,
        main: e.main,
        log: e.log,
        logged: e.pipe !== null,
        loggerInProcess: e.reader !== null,
        active: e.active,
      })
    );
  }

  /**
   * Scans now, then at each change inotify reports; every interval as well
   * when there is no inotify (as daemontools) or something waits for a retry.
   * A timer keeps the process alive.
   */
  start(): void {
    preparePeek(); // the loggers' shared pipe and epoll sets
    wantFdRing(); // and their file steps through io_uring
    settleAfterWork(this.#settler); // a log flood's garbage is collected once it is over
    try {
      this.#watch = watchScanDir(this.dir, () => this.scan());
    } catch { /* no inotify: the periodic rescan alone, as daemontools */ }
    this.#mirror?.watch(() => this.scan());
    this.#keepAlive = setInterval(() => {}, 1 << 30);
    this.scan();
  }

  /** The fallback rescan: due in one interval when needed, none otherwise. */
  #schedule(needed: boolean): void {
    if (this.#stopping) return;
    if (!needed) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.scan();
    }, this.#interval);
  }

  /** True when the next scan must come from the timer: no complete watch, or a retry pending. */
  #needsRescan(): boolean {
    if (this.#watch === null || !this.#watch.complete || this.#retry) return true;
    if (this.#mirror !== null && !this.#mirror.watched) return true;
    for (const e of this.#services.values()) {
      if (e.active && (e.main === null || (e.pipe !== null && e.log === null))) return true;
    }
    return false;
  }

  /** The path of a service name inside the scan directory. */
  #path(name: string): string {
    return inDir(this.dir, name);
  }

  /** One pass, as svscan 0.76's doit(): forget what ended and vanished, start what is new or ended. */
  scan(): void {
    if (this.#stopping) return;
    keepSpare();
    this.#outOfFds = [];
    this.#added = 0;
    this.#retry = false;
    for (const e of this.#services.values()) e.active = false;
    let names: string[];
    try {
      this.#mirror?.sync();
      names = withSpare(() => this.#scanDir.names()).sort();
    } catch (e) {
      this.#log(`svscan: warning: unable to read directory: ${reason(e)}`);
      this.#schedule(true);
      return;
    }
    this.#oldKeepers ??= oldKeepers(
      names.filter((n) => !n.startsWith(".")).map((n) =>
        readRecord(this.#path(n), this.#scanDir.at(n))
      ),
    );
    for (const name of names) {
      if (name.startsWith(".")) continue;
      try {
        this.#startService(name);
      } catch (e) {
        // one broken service never stops the others
        this.#log(`svscan: warning: ${this.#path(name)}: ${reason(e)}`);
        this.#retry = true;
      }
    }
    if (this.#outOfFds.length > 0) this.#log(outOfFdsMessage(this.#outOfFds));
    for (const [key, e] of this.#services) {
      if (e.active || e.main || e.log) continue;
      closeLogInput(e);
      this.#services.delete(key);
    }
    this.#keepPipes();
    this.#schedule(this.#needsRescan());
    if (this.#added > 0) this.#settler.busy();
  }

  /** The keeper holds exactly the pipes held now; keepers a dead scanner left are ended. */
  #keepPipes(): void {
    const pipes = new Map<string, Pipe>();
    for (const e of this.#services.values()) {
      const p = e.pipe ?? e.out?.pipe;
      if (p) pipes.set(e.name, p);
    }
    this.#keeper.keep(pipes);
    if (this.#oldKeepers?.length) {
      endOldKeepers(this.#oldKeepers);
      this.#oldKeepers = [];
    }
  }

  #startService(name: string): void {
    const fn = this.#path(name);
    const st = this.#scanDir.stat(name);
    if (typeof st === "number") {
      this.#log(`svscan: warning: unable to stat ${fn}: ${reason(new SysError("stat", -st))}`);
      this.#retry = true;
      return;
    }
    if (st.kind === "symlink") {
      this.#log(
        `svscan: warning: ${fn}: a symbolic link in a directory another account can write: not followed`,
      );
      return;
    }
    if (st.kind !== "dir") return;
    const key = `${st.dev}:${st.ino}`;
    let e = this.#services.get(key);
    if (e === undefined) {
      e = {
        name,
        key,
        main: null,
        log: null,
        pipe: null,
        reader: null,
        feeder: null,
        out: null,
        active: true,
      };
      this.#services.set(key, e);
      this.#added++;
    }
    e.name = name;
    e.active = true;
    if (e.main !== null && e.log !== null) return; // all there: nothing to open
    let dir: ServiceDir;
    try {
      dir = ServiceDir.open(fn, this.#scanDir.at(name));
    } catch (err) {
      if (outOfFds(err)) this.#outOfFds.push(fn);
      else this.#log(`svscan: warning: unable to open ${fn}: ${reason(err)}`);
      this.#retry = true;
      return;
    }
    try {
      this.#startHeld(e, fn, dir);
    } finally {
      dir.close();
    }
  }

  /** The supervisors `e` lacks, started in the held service directory `dir`. */
  #startHeld(e: Entry, fn: string, dir: ServiceDir): void {
    const entry = e;
    // a log, even one that appeared after the service started (dt goes beyond 0.76)
    if (e.pipe === null) {
      const log = logThere(dir);
      if (typeof log === "number") {
        this.#log(
          `svscan: warning: unable to stat ${fn}/log: ${reason(new SysError("stat", -log))}`,
        );
        return;
      }
      if (log) {
        try {
          e.pipe = reclaim(dir) ?? pipe();
        } catch (err) {
          return this.#pipeFailed(fn, err);
        }
      }
    }
    if (e.pipe === null && e.out === null && this.#output !== null) {
      try {
        e.out = prefixOutput(reclaim(dir) ?? pipe(), e.name, this.#output);
      } catch (err) {
        return this.#pipeFailed(fn, err);
      }
    }
    if (e.main === null) {
      // the pipe's write end once there is a log (a running service gets it at its next start)
      const out = () => entry.pipe?.[1] ?? entry.out?.pipe[1] ?? 1;
      const stdio = (): Stdio => [0, out(), 2];
      const at = { fd: dir.fd, trusted: true, name: "." };
      e.main = this.#supervise(fn, at, stdio, (sv) => entry.main = sv);
    }
    if (e.pipe && e.log === null) {
      const runner = logRunner({
        dir: `${fn}/log`,
        env: this.#env,
        reader: () => inProcessInput(entry, (err) => this.#loggerFault(entry, err)),
        release: () => processInput(entry),
        log: this.#log,
      });
      const stdio = (): Stdio => [entry.feeder?.input ?? entry.pipe![0], 1, 2];
      const at = { fd: dir.fd, trusted: dir.trusted, name: "log" };
      e.log = this.#supervise(`${fn}/log`, at, stdio, (sv) => entry.log = sv, runner);
    }
  }

  /** A pipe for `fn` could not be made: counted when descriptors ran out, else reported. */
  #pipeFailed(fn: string, err: unknown): void {
    if (outOfFds(err)) this.#outOfFds.push(fn);
    else this.#log(`svscan: warning: unable to create pipe for ${fn}: ${reason(err)}`);
  }

  /** A logger's input failed (a sink threw): reported, and the logger restarted as a crashed one would be. */
  #loggerFault(e: Entry, err: unknown): void {
    this.#log(
      `svscan: warning: ${this.#path(e.name)}/log: internal error: ${
        reason(err)
      }; logger restarted`,
    );
    e.log?.control("k");
  }

  /**
   * A supervisor for `dir`, started; null when it cannot start (reported, or
   * counted when descriptors ran out: the next scan tries again). One whose
   * own code fails is replaced at once by a new one that takes its service over.
   */
  #supervise(
    dir: string,
    at: DirAt | undefined,
    fds: () => Stdio,
    set: (sv: Supervisor | null) => void,
    runner?: ServiceRunner,
    adopt?: Handover,
  ): Supervisor | null {
    // (a logger has no essential file of its own: only a main service may end the host)
    const give = this.#onGiveUp, name = dir.slice(dir.lastIndexOf("/") + 1);
    const onGiveUp: SupervisorOptions["onGiveUp"] = runner
      ? undefined
      : give && ((c, s) => give(name, c, s));
    const sv = new Supervisor(dir, {
      fds,
      env: this.#env,
      log: this.#log,
      runner,
      adopt,
      at,
      onGiveUp,
    });
    try {
      sv.start();
    } catch (e) {
      if (e instanceof SuperviseError && e.outOfFds) this.#outOfFds.push(dir);
      else if (e instanceof SuperviseError) this.#log(`supervise: fatal: ${e.message}`);
      else this.#log(`svscan: warning: ${dir}: ${reason(e)}`);
      return null;
    }
    sv.done.then(() => {
      const h = sv.handover;
      // the heir takes the directory the failed one held (h.dir): no path is opened again
      const heir = h !== null && !this.#stopping
        ? this.#supervise(dir, undefined, fds, set, runner, h)
        : null;
      if (h !== null && heir === null) h.dir?.close();
      set(heir);
      // ended (svc -x) or gone: the next rescan starts it again or forgets it, as svscan 0.76
      if (heir === null) this.#schedule(true);
    }).catch((e) => this.#log(`svscan: warning: ${dir}: ${reason(e)}`));
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
    this.#settler.stop();
    settleAfterWork(null);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    this.#watch?.close();
    this.#watch = null;
    this.#mirror?.unwatch();
    await stopServices([...this.#services.values()], this.#keeper, graceMs, opts);
    this.#scanDir.close();
  }
}
