/**
 * svscan's scanner, hosting every supervisor in this process: each directory
 * entry of the scan directory that is a directory and does not start with `.`
 * is a service; `S/log`, when it exists, gets its own supervisor and a pipe
 * from `S`'s stdout that the scanner creates and holds, so either side can
 * restart without losing what is in it.
 *
 * @module
 */
import { isErrno, reason, SysError } from "../common/errors.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout, sleep } from "../common/long_timer.ts";
import { errLine } from "../common/output.ts";
import { close, O, pipe } from "../sys/fd.ts";
import { AT_FDCWD, readDirNames, tryOpenAt, tryStatAt, unlinkAt } from "../sys/dir_fd.ts";
import { ownDirectory, replaceHeld } from "../sys/held_file.ts";
import { keepSpare, withSpare } from "../sys/fd_reserve.ts";
import { getrlimit, RLIMIT } from "../sys/rlimit.ts";
import { kill, SIG } from "../sys/signal.ts";
import {
  type Handover,
  type ServiceRunner,
  type Stdio,
  SuperviseError,
  Supervisor,
} from "../supervise/supervisor.ts";
import { type DirAt, ServiceDir } from "../supervise/service_dir.ts";
import { startingEnv } from "../sys/launched.ts";
import { PipeFeeder } from "../logger/feeder.ts";
import { PipeReader } from "../logger/pipe_reader.ts";
import { preparePeek } from "../sys/pipe_peek.ts";
import { logRunner } from "../logger/runner.ts";
import { descendants } from "../proctree/descendants.ts";
import {
  endOldKeepers,
  oldKeepers,
  type Pipe,
  PipeKeeper,
  reclaimPipe,
  RECORD,
} from "./pipe_keeper.ts";
import { leftRunning } from "../supervise/running.ts";
import { type ScanWatch, watchScanDir } from "./watch.ts";
import type { TreeMirror } from "./mirror.ts";
import { type LineOutput, PrefixedInput } from "./stdout_lines.ts";
import { settleAfterWork, Settler } from "../sys/settle.ts";

/**
 * How often daemontools' svscan rescans, in ms. dt rescans this often only
 * when inotify cannot see every change, or while something waits for a retry
 * (a supervisor that ended or could not start); otherwise it sleeps, as s6-svscan does.
 */
export const SCAN_INTERVAL_MS = 5000;

/**
 * Descriptors the scanner holds for a service: the service directory and
 * its supervise/ (everything in them is reached through these, never by
 * path), supervise/lock, control, ok.
 */
export const FDS_PER_SERVICE = 5;
/**
 * For a service with a log: both supervisors (5 each), the log pipe (2), and
 * the logger's: an in-process logger's lock, `current` and journal (3), or,
 * while a process logger is fed what was read ahead, the feeder's pipe (2).
 * A `setuidgid` logger whose account cannot reach `S/log` by its path holds
 * the directory (one more).
 */
export const FDS_PER_LOGGED_SERVICE = 15;

/** Options for a {@link Scanner}. */
export interface ScannerOptions {
  /** Where messages go; default stderr. */
  log?: (line: string) => void;
  /** Period of the fallback rescan in ms (no inotify, or a retry pending); default 5000. */
  interval?: number;
  /** Environment for the services; default the one this process was started with. */
  env?: readonly (string | Uint8Array)[];
  /**
   * The mirror of a tree that cannot hold its state (mirror.ts): the scanner
   * scans it, syncs it before each scan, and watches its source for changes.
   */
  mirror?: TreeMirror;
  /**
   * Where the stdout of each service without a `log/` goes, line by line,
   * prefixed with its name (`--log-prefix`); default: this process's stdout, as it is.
   */
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

/** One service as the scanner knows it (its own record, never handed out). */
interface Entry {
  name: string;
  key: string;
  main: Supervisor | null;
  log: Supervisor | null;
  /** The log pipe `[read, write]` held by the scanner, or null. */
  pipe: [number, number] | null;
  /** The scanner's reader of the pipe while the logger runs in-process (or is fed), or null. */
  reader: PipeReader | null;
  /** With an output, for a service without a log: the pipe of its stdout and its reader. */
  out: { pipe: Pipe; input: PrefixedInput } | null;
  /** The pipe a process logger reads while it is fed what was read ahead, or null. */
  feeder: PipeFeeder | null;
  /** Seen at the last scan. */
  active: boolean;
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
  readonly #services = new Map<string, Entry>();
  /** The next fallback rescan, when one is needed. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Keeps the event loop alive while no rescan is due (fires every 12 days). */
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  /** Set during a scan when something failed that only a later scan can retry. */
  #retry = false;
  #watch: ScanWatch | null = null;
  #stopping = false;
  /** Services that could not start in this scan for want of descriptors. */
  #short = 0;
  /** Holds every log pipe outside this process, so a scanner that dies loses none. */
  readonly #keeper: PipeKeeper;
  /** Keepers a scanner that died left: ended once this one holds their pipes. */
  #oldKeepers: { pid: number; started: number }[] | null = null;
  /** The scan directory, held (as svscan's chdir holds it), or -1 until it can be opened. */
  #scanFd = -1;
  /** True when no other account can write the scan directory (a symlink in it is followed). */
  #scanTrusted = true;
  /** Services this scan found new: a burst, after which the process settles. */
  #added = 0;
  /** Settles (a full GC, start-up's pages given back) a second after the last burst. */
  readonly #settler = new Settler();
  /** The mirror scanned, or null (the scan directory is the tree itself). */
  readonly #mirror: TreeMirror | null;
  /** The watch of the mirror's source, or null. */
  #sourceWatch: ScanWatch | null = null;
  /** Where services without a log write, prefixed, or null. */
  readonly #output: LineOutput | null;

  /** A scanner of `dir`; nothing is scanned until {@link Scanner.start}. */
  constructor(dir: string, opts: ScannerOptions = {}) {
    this.dir = dir;
    this.#log = opts.log ?? errLine;
    this.#interval = opts.interval ?? SCAN_INTERVAL_MS;
    // one environment for every supervisor: its C form is built once, not per service
    this.#env = opts.env ?? startingEnv();
    this.#mirror = opts.mirror ?? null;
    this.#output = opts.output ?? null;
    this.#keeper = new PipeKeeper(this.#log, (name, text) => this.#record(name, text));
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
    preparePeek(); // the one private pipe every in-process logger's reader shares
    settleAfterWork(this.#settler); // a log flood's garbage is collected once it is over
    try {
      this.#watch = watchScanDir(this.dir, () => this.scan());
    } catch { /* no inotify: the periodic rescan alone, as daemontools */ }
    if (this.#mirror !== null) {
      try {
        this.#sourceWatch = watchScanDir(this.#mirror.source, () => this.scan());
      } catch { /* the periodic rescan syncs the mirror */ }
    }
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
    if (this.#mirror !== null && (this.#sourceWatch === null || !this.#sourceWatch.complete)) {
      return true;
    }
    for (const e of this.#services.values()) {
      if (e.active && (e.main === null || (e.pipe !== null && e.log === null))) return true;
    }
    return false;
  }

  /** The path of a service name inside the scan directory. */
  #path(name: string): string {
    return this.dir === "." ? name : `${this.dir}/${name}`;
  }

  /** One pass, as svscan 0.76's doit(): forget what ended and vanished, start what is new or ended. */
  scan(): void {
    if (this.#stopping) return;
    keepSpare();
    this.#short = 0;
    this.#added = 0;
    this.#retry = false;
    for (const e of this.#services.values()) e.active = false;
    if (this.#mirror !== null) {
      try {
        this.#mirror.sync();
      } catch (e) {
        this.#log(`svscan: warning: unable to read directory ${this.#mirror.source}: ${reason(e)}`);
        this.#retry = true;
      }
    }
    let names: string[];
    try {
      names = withSpare(() => this.#readNames()).sort();
    } catch (e) {
      this.#log(`svscan: warning: unable to read directory: ${reason(e)}`);
      this.#schedule(true);
      return;
    }
    this.#oldKeepers ??= oldKeepers(
      names.filter((n) => !n.startsWith(".")).map((n) => this.#readRecord(n)),
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
    if (this.#short > 0) this.#log(shortMessage(this.#short));
    for (const [key, e] of this.#services) {
      if (e.active || e.main || e.log) continue;
      e.reader?.close();
      e.reader = null;
      e.feeder?.close();
      e.feeder = null;
      if (e.pipe) {
        close(e.pipe[0]);
        close(e.pipe[1]);
      }
      this.#closeOut(e);
      this.#services.delete(key);
    }
    this.#keepPipes();
    this.#schedule(this.#needsRescan());
    if (this.#added > 0) this.#settler.busy();
  }

  /**
   * The names in the scan directory (raw bytes kept: a name that is not
   * UTF-8 is a service too), read through the directory held since the
   * first scan, as svscan reads the directory it chdir'd into.
   */
  #readNames(): string[] {
    if (this.#scanFd < 0) {
      const fd = tryOpenAt(AT_FDCWD, this.dir, O.RDONLY | O.DIRECTORY);
      if (fd < 0) throw new SysError("open", -fd, this.dir);
      const st = tryStatAt(fd, "");
      this.#scanTrusted = typeof st !== "number" && ownDirectory(st);
      this.#scanFd = fd;
    }
    const fd = tryOpenAt(this.#scanFd, ".", O.RDONLY | O.DIRECTORY);
    if (fd < 0) throw new SysError("open", -fd, this.dir);
    try {
      return readDirNames(fd, this.dir);
    } finally {
      close(fd);
    }
  }

  /** Where service `name` is opened from: the held scan directory. */
  #at(name: string): DirAt {
    return { fd: this.#scanFd, trusted: this.#scanTrusted, name };
  }

  /** The text of `name`'s log pipe record (pipe_keeper.ts), or null. */
  #readRecord(name: string): string | null {
    let dir: ServiceDir | null = null;
    try {
      dir = ServiceDir.open(this.#path(name), this.#at(name));
      if (!dir.openSupervise(false)) return null;
      const b = dir.readSupervise(RECORD, 256);
      return b === null ? null : new TextDecoder().decode(b);
    } catch {
      return null;
    } finally {
      dir?.close();
    }
  }

  /** Writes (or, with null, removes) `name`'s log pipe record, through the held directories. */
  #record(name: string, text: string | null): void {
    let dir: ServiceDir;
    try {
      dir = ServiceDir.open(this.#path(name), this.#at(name));
    } catch {
      return; // gone: nothing to record
    }
    try {
      if (!dir.openSupervise(false)) return dir.close();
    } catch {
      return dir.close();
    }
    if (text === null) {
      unlinkAt(dir.sup, RECORD);
      return dir.close();
    }
    const label = `${this.#path(name)}/supervise/${RECORD}`;
    replaceHeld(dir.sup, RECORD, new TextEncoder().encode(text), 0o644, label)
      .catch(() => {/* the pipe is held all the same */})
      .finally(() => dir.close());
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

  /**
   * The log pipe a scanner that died left for the held service `dir`, opened
   * again (from its keeper, or from the logger and service still running on
   * it), so the service and logger it left keep their pipe; null when there
   * is none.
   */
  #reclaim(dir: ServiceDir): Pipe | null {
    let log: ServiceDir | null = null;
    try {
      log = ServiceDir.open(`${dir.label}/log`, { fd: dir.fd, trusted: dir.trusted, name: "log" });
    } catch { /* none: only the keeper can give it back */ }
    try {
      const record = this.#readRecordIn(dir);
      const logPid = log === null ? 0 : leftRunning(log)?.pid ?? 0;
      return reclaimPipe(record, logPid, leftRunning(dir)?.pid ?? 0);
    } finally {
      log?.close();
    }
  }

  #readRecordIn(dir: ServiceDir): string | null {
    try {
      if (!dir.openSupervise(false)) return null;
      const b = dir.readSupervise(RECORD, 256);
      return b === null ? null : new TextDecoder().decode(b);
    } catch {
      return null;
    }
  }

  #startService(name: string): void {
    const fn = this.#path(name);
    const st = tryStatAt(this.#scanFd, name, this.#scanTrusted);
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
        out: null,
        feeder: null,
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
      dir = ServiceDir.open(fn, this.#at(name));
    } catch (err) {
      if (outOfFds(err)) this.#short++;
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
    // a log directory, even one that appeared after the service started (dt goes beyond 0.76)
    if (e.pipe === null && hasLog(dir)) {
      try {
        e.pipe = this.#reclaim(dir) ?? pipe();
      } catch (err) {
        if (outOfFds(err)) this.#short++;
        else this.#log(`svscan: warning: unable to create pipe for ${fn}: ${reason(err)}`);
        return;
      }
    }
    if (e.pipe === null && e.out === null && this.#output !== null) this.#prefixOut(e, fn, dir);
    if (e.main === null) {
      // the pipe's write end once there is a log (a running service gets it at its next start)
      const stdio = (): Stdio =>
        entry.pipe ? [0, entry.pipe[1], 2] : entry.out ? [0, entry.out.pipe[1], 2] : [0, 1, 2];
      const at = { fd: dir.fd, trusted: true, name: "." };
      e.main = this.#supervise(fn, at, stdio, (sv) => entry.main = sv);
    }
    if (e.pipe && e.log === null) {
      const runner = logRunner({
        dir: `${fn}/log`,
        env: this.#env,
        reader: () => this.#inProcessInput(entry),
        release: () => this.#processInput(entry),
        log: this.#log,
      });
      const stdio = (): Stdio => [entry.feeder?.input ?? entry.pipe![0], 1, 2];
      const at = { fd: dir.fd, trusted: dir.trusted, name: "log" };
      e.log = this.#supervise(`${fn}/log`, at, stdio, (sv) => entry.log = sv, runner);
    }
  }

  /**
   * A service without a log, with an output: its stdout goes into a pipe the
   * scanner holds (the keeper too, so a scanner that dies loses none of it),
   * read line by line onto the output with its name as prefix.
   */
  #prefixOut(e: Entry, fn: string, dir: ServiceDir): void {
    let p: Pipe;
    try {
      p = this.#reclaim(dir) ?? pipe();
    } catch (err) {
      if (outOfFds(err)) this.#short++;
      else this.#log(`svscan: warning: unable to create pipe for ${fn}: ${reason(err)}`);
      return;
    }
    const input = new PrefixedInput(p[0], e.name, this.#output!, (err) => {
      this.#log(`svscan: warning: ${fn}: unable to write its output: ${reason(err)}`);
    });
    e.out = { pipe: p, input };
  }

  /** Closes a service's prefixed output (both ends: nothing more is read). */
  #closeOut(e: Entry): void {
    if (e.out === null) return;
    e.out.input.close();
    close(e.out.pipe[0]);
    close(e.out.pipe[1]);
    e.out = null;
  }

  /** What an in-process logger reads: the pipe's reader, with what a feeder still held first. */
  #inProcessInput(e: Entry): PipeReader | null {
    if (e.pipe === null) return null;
    e.reader ??= new PipeReader(e.pipe[0], (err) => this.#loggerFault(e, err));
    if (e.feeder !== null) {
      e.reader.detach();
      e.reader.unshift(e.feeder.take()); // older than anything the reader holds
      e.feeder = null;
    }
    return e.reader;
  }

  /**
   * Before a process logger starts: it reads the pipe itself when nothing was
   * read ahead; otherwise a feeder's fresh pipe, fed what was read ahead and
   * then the pipe, so the handoff neither blocks nor reorders. Throws (no
   * start now, retried) when a feeder is needed and cannot be made.
   */
  #processInput(e: Entry): void {
    const r = e.reader;
    if (r === null) return;
    if (e.feeder !== null && !(r.idle && e.feeder.empty)) {
      const f = e.feeder;
      r.attach(f.sink, () => f.end());
      return;
    }
    e.feeder?.close();
    e.feeder = null;
    if (r.idle) {
      r.release();
      e.reader = null;
      return;
    }
    const f = new PipeFeeder();
    e.feeder = f;
    r.attach(f.sink, () => f.end());
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
    const sv = new Supervisor(dir, { fds, env: this.#env, log: this.#log, runner, adopt, at });
    try {
      sv.start();
    } catch (e) {
      if (e instanceof SuperviseError && e.outOfFds) this.#short++;
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
    this.#sourceWatch?.close();
    this.#sourceWatch = null;
    const deadline = Date.now() + graceMs;
    const entries = [...this.#services.values()];
    const mains = entries.flatMap((e) => e.main ? [e.main] : []);
    const logs = entries.flatMap((e) => e.log ? [e.log] : []);
    const keep = new Set([...(opts.keep ?? []), this.#keeper.pid]);
    const owned = () => {
      const s = new Set(keep);
      for (const sv of [...mains, ...logs]) if (sv.pid) s.add(sv.pid);
      return s;
    };
    const signalled = new Set<number>();
    const termStrays = (): number => {
      if (!opts.strays) return 0;
      const found = descendants(Deno.pid, owned());
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
    if (opts.strays) { for (const p of descendants(Deno.pid, owned())) signal(p, SIG.KILL); }
    await waitAll(mains.map((s) => s.done), Date.now() + 1000);
    // loggers last: no writer left but the scanner's own end; close it and let them drain
    for (const sv of logs) sv.control("x");
    // no writer left but the keeper's end and this one: close both, so loggers see the end
    this.#keeper.stop(entries.map((e) => e.name));
    const outs = entries.flatMap((e) => e.out ? [e.out] : []);
    for (const e of entries) {
      if (e.pipe) close(e.pipe[1]);
      if (e.out) close(e.out.pipe[1]);
      if (e.out) e.out.pipe[1] = -1;
    }
    const logDeadline = Math.max(deadline, Date.now() + 1000);
    await waitAll([...logs.map((s) => s.done), ...outs.map((o) => o.input.ended)], logDeadline);
    for (const sv of logs) sv.control("dx");
    await waitAll(logs.map((s) => s.done), Math.max(logDeadline, Date.now() + 1000));
    for (const sv of logs) if (sv.pid) sv.control("k");
    await waitAll(logs.map((s) => s.done), Date.now() + 1000);
    for (const e of entries) {
      e.reader?.close();
      e.reader = null;
      e.feeder?.close();
      e.feeder = null;
      if (e.pipe) close(e.pipe[0]);
      e.pipe = null;
      if (e.out) {
        e.out.input.close();
        close(e.out.pipe[0]);
        e.out = null;
      }
    }
    if (this.#scanFd >= 0) close(this.#scanFd);
    this.#scanFd = -1;
  }
}

function outOfFds(e: unknown): boolean {
  return isErrno(e, "EMFILE") || isErrno(e, "ENFILE");
}

/** The one line per scan that says descriptors are what stops services from starting. */
function shortMessage(n: number): string {
  let limit = "unknown";
  try {
    limit = String(getrlimit(RLIMIT.NOFILE).cur);
  } catch { /* unknown */ }
  return `svscan: warning: out of file descriptors (open files limit ${limit}): ` +
    `${n} service${n === 1 ? "" : "s"} not started, retried at the next scan; ` +
    `dt needs ${FDS_PER_SERVICE} per service, ${FDS_PER_LOGGED_SERVICE} per service with a log`;
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

/** True when the held service directory has a `log` directory (a link to one where it may be followed). */
function hasLog(dir: ServiceDir): boolean {
  const st = tryStatAt(dir.fd, "log", dir.trusted);
  return typeof st !== "number" && st.kind === "dir";
}

async function waitAll(ps: Promise<void>[], deadline: number): Promise<void> {
  const left = deadline - Date.now();
  if (left <= 0) return;
  let t: LongTimeout | undefined;
  await Promise.race([
    Promise.all(ps),
    new Promise<void>((r) => t = setLongTimeout(r, left)), // the grace may be any length
  ]);
  clearLongTimeout(t);
}
