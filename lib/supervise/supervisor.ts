/**
 * One supervised service, as daemontools 0.76's `supervise` runs it, as an
 * object: many can live in one process (svscan hosts one per service), each
 * with its own state, timers and files. It never blocks and never spins.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { isErrno, reason, SysError } from "../common/errors.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../common/long_timer.ts";
import { errLine } from "../common/output.ts";
import { close, O } from "../sys/fd.ts";
import { mkfifoAt } from "../sys/dir_fd.ts";
import { type HeldService, openHeld } from "../sys/held_file.ts";
import { flock, LOCK } from "../sys/lock.ts";
import { kill, SIG } from "../sys/signal.ts";
import { spawn } from "../sys/spawn.ts";
import { startingEnv } from "../sys/launched.ts";
import { watchChild } from "../sys/reaper.ts";
import { readFd } from "../sys/read_fd.ts";
import type { WaitStatus } from "../sys/wait.ts";
import { now, type Tai64n } from "../tai64n/codec.ts";
import { encodeStatus } from "./status.ts";
import { leftRunning } from "./running.ts";
import { type ExitWatch, watchExit } from "../sys/pidfd.ts";
import { encodeExtra, EXTRA_STATUS, type ExtraStatus, initialExtra } from "./extra_status.ts";
import { runFinish } from "./finish.ts";
import { type DirAt, ServiceDir } from "./service_dir.ts";
import { SuperviseWriter } from "./supervise_writer.ts";
import { declaresReadiness, Readiness } from "./readiness.ts";
import {
  DEFAULT_TREE_KILL_MS,
  PLAIN,
  readServiceFiles,
  type ServiceFiles,
} from "./service_files.ts";
import { becomeSubreaper, endTree, signalTree } from "./tree.ts";

/** Parent fds that become a service's stdin, stdout, stderr. */
export type Stdio = readonly [number, number, number];

/** How a supervisor is hosted. */
export interface SupervisorOptions {
  /**
   * Parent fds that become the service's stdin, stdout, stderr, or what
   * gives them at each start. Default `[0, 1, 2]`.
   */
  fds?: Stdio | (() => Stdio);
  /**
   * Environment for `./run` (`NAME=VALUE`, text or raw bytes); default: the one
   * this process was started with, byte for byte, as supervise passes its own.
   */
  env?: readonly (string | Uint8Array)[];
  /** Where messages go (one line each, without newline). Default: stderr. */
  log?: (line: string) => void;
  /** Called with each end of the service (after the status was written). */
  onServiceExit?: (s: WaitStatus) => void;
  /**
   * Asked at each start: run the service inside this process instead of
   * starting `./run` (the scanner's in-process loggers). Returns null to start
   * `./run` as usual. `end` must be called once, asynchronously, when it ends.
   */
  runner?: ServiceRunner;
  /** What a supervisor that failed left (see {@link Supervisor.handover}): take it over. */
  adopt?: Handover;
  /**
   * Where the directory is opened from (a held parent and the name in it):
   * a symlink there is followed only when no other account writes the
   * parent. Default: the path as given.
   */
  at?: DirAt;
}

/**
 * What a supervisor whose own code threw leaves for the one that replaces it:
 * the service it started keeps running and is watched by the new supervisor,
 * with the same status (pid, start time, wants, pause).
 */
export interface Handover {
  /** The service's pid (this process's for an in-process service), 0 when down. */
  readonly pid: number;
  /** The in-process service, if that is what runs. */
  readonly inProcess: InProcessService | null;
  /** When the service last changed state (the status file's timestamp). */
  readonly when: Tai64n;
  /** Paused by `svc -p`. */
  readonly paused: boolean;
  /** daemontools' flagwant: false after `svc -o` (run once, no restart). */
  readonly want: boolean;
  /** daemontools' flagwantup: true after `svc -u`, false after `svc -d`. */
  readonly wantUp: boolean;
  /** `svc -x` was given: exit once the service is down. */
  readonly exit: boolean;
  /** performance.now() of the last start (the one-second pause goes on). */
  readonly lastStart: number;
  /** The service's end, when it came before anyone took over. */
  ended: WaitStatus | null;
  /** Who gets the service's end now. */
  heir: ((s: WaitStatus) => void) | null;
  /** The held directory, passed on as it is (an in-process service may be using it). */
  dir: ServiceDir | null;
}

/** A service that runs inside this process; signals are delivered to it, not by kill(2). */
export interface InProcessService {
  /** The pid shown in the status file (this process's). */
  readonly pid: number;
  /** Delivers what a signal would do to the process it stands for. */
  signal(sig: number): void;
}

/**
 * See {@link SupervisorOptions.runner}: `held` is the service directory the
 * supervisor holds (its files are read through it, never by path).
 */
export type ServiceRunner = (
  end: (s: WaitStatus) => void,
  held: HeldService,
) => InProcessService | null;

/** Thrown by {@link Supervisor.start} for what daemontools' supervise dies of (exit 111). */
export class SuperviseError extends Error {
  /** An error with daemontools' message (`unable to …: reason`) and what caused it. */
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "SuperviseError";
  }

  /** True when it failed for want of file descriptors (EMFILE, ENFILE). */
  get outOfFds(): boolean {
    return isErrno(this.cause, "EMFILE") || isErrno(this.cause, "ENFILE");
  }
}

/** Stdio plus, for notification-fd, the child's fd N given parent fd `extra[1]`. */
function withChildFd(stdio: Stdio, extra: [number, number] | null): (number | null)[] {
  const fds: (number | null)[] = [...stdio];
  if (extra === null) return fds;
  while (fds.length <= extra[0]) fds.push(null);
  fds[extra[0]] = extra[1];
  return fds;
}

/** Minimum time between two starts of `./run`, in ms (daemontools: 1 second). */
export const RESTART_PAUSE_MS = 1000;

const CONTROL_SIGNALS: Record<string, number> = {
  a: SIG.ALRM,
  h: SIG.HUP,
  k: SIG.KILL,
  t: SIG.TERM,
  i: SIG.INT,
};

/**
 * A supervisor for one service directory.
 *
 * @example Supervise a live service (not run by `deno test --doc`: it waits for `svc -x`)
 * ```ts ignore
 * const sv = new Supervisor("/service/web");
 * sv.start();          // lock, FIFOs, status, ./run
 * await sv.done;       // after `svc -x` and the service is down
 * ```
 */
export class Supervisor {
  /** The directory as given (used in messages, as daemontools does). */
  readonly dir: string;
  readonly #opts: SupervisorOptions;
  #fds: Stdio | (() => Stdio);
  readonly #log: (line: string) => void;
  readonly #env: readonly (string | Uint8Array)[];

  #pid = 0;
  #inProcess: InProcessService | null = null;
  #paused = false;
  #want = true; // flagwant: false after `o`
  #wantUp = true; // flagwantup
  #exit = false;
  #when: Tai64n = now();
  #lastStart = -Infinity;
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  /** The directory and its supervise/, held from start() to the end. */
  #dir: ServiceDir | null = null;
  /** Writes supervise/'s files and events (off the JS thread where it can wait). */
  #writer: SuperviseWriter | null = null;
  #lockFd = -1;
  #okFd = -1;
  #control: { close(): void } | undefined;
  #finished = false;
  #handover: Handover | null = null;
  /** Set when the service was left running by a supervisor that died: watched, not our child. */
  #adopted: ExitWatch | null = null;
  #resolveDone!: () => void;
  // beyond daemontools (opt-in files, see service_files.ts)
  /** The files of the current (or last) run of ./run. */
  #files: ServiceFiles = PLAIN;
  #extra: ExtraStatus = initialExtra();
  #readiness: Readiness | null = null;
  /** The session of a kill-tree run, 0 otherwise. */
  #sid = 0;
  /** After ./run ended: its tree's leftovers or ./finish still run. */
  #finishing = false;
  /** A start asked for while finishing (svc -o, -u). */
  #startAfterFinish = false;
  #killTimer: LongTimeout | undefined;

  /** Resolves when the supervisor has exited (after `x` with the service down, or stop()). */
  readonly done: Promise<void>;

  /** A supervisor for service directory `dir`; nothing happens until {@link Supervisor.start}. */
  constructor(dir: string, opts: SupervisorOptions = {}) {
    this.dir = dir;
    this.#opts = opts;
    this.#log = opts.log ?? errLine;
    this.#env = opts.env ?? startingEnv();
    this.#fds = opts.fds ?? [0, 1, 2];
    this.done = new Promise((r) => this.#resolveDone = r);
  }

  /** Pid of the running service, 0 when down. */
  get pid(): number {
    return this.#pid;
  }

  /** dt's extra state of the service (state, readiness, last exit, restarts). */
  get extra(): Readonly<ExtraStatus> {
    return this.#extra;
  }

  /** True while the supervisor holds its directory (between start() and exit). */
  get running(): boolean {
    return this.#lockFd >= 0 && !this.#finished;
  }

  /**
   * Set when the supervisor ended because its own code threw (reported with
   * the directory's name): the service it ran goes on, and a new supervisor
   * given this as {@link SupervisorOptions.adopt} takes it over.
   */
  get handover(): Handover | null {
    return this.#handover;
  }

  /**
   * Takes the directory (lock, FIFOs, first status) and starts `./run` unless
   * `down` exists. Throws {@link SuperviseError} with daemontools' text.
   */
  start(): void {
    try {
      this.#take();
    } catch (e) {
      this.#release(); // every error path: nothing stays open
      throw e;
    }
    const h = this.#opts.adopt;
    if (h !== undefined) return this.#adopt(h);
    if (this.#pid) return this.#watchLeftRunning();
    if (!this.#want || this.#wantUp) this.#tryStart();
  }

  /**
   * The status file named a service that is still the process that was
   * started (a scanner or supervise that held this directory died): watch it
   * through a pidfd and control it by pid, instead of starting a second copy.
   */
  #readLeftRunning(dir: ServiceDir): void {
    const st = leftRunning(dir);
    if (st === null) return;
    this.#pid = st.pid;
    this.#when = st.when;
    this.#paused = st.paused;
    this.#want = st.want !== null;
    this.#wantUp = st.want !== "d";
    // the one-second pause between starts counts from the start the status names
    const age = Date.now() - (st.when.sec * 1000 + st.when.nano / 1e6);
    this.#lastStart = performance.now() - Math.max(0, age);
  }

  #watchLeftRunning(): void {
    const pid = this.#pid;
    const gone = () => this.#receive({ pid, code: null, signal: null, core: false, raw: 0 });
    this.#adopted = watchExit(pid, () => {
      this.#adopted = null;
      gone();
    });
    if (this.#adopted === null) queueMicrotask(gone); // ended meanwhile
  }

  /** True when the service was left by a supervisor that died and is watched by pid. */
  get adopted(): boolean {
    return this.#adopted !== null;
  }

  /**
   * Lock, FIFOs, first status (start's part that opens things), all through
   * the held directory: nothing is opened by a path another account could
   * re-point, nothing waits on a FIFO, a file of the wrong kind is refused.
   */
  #take(): void {
    const label = this.dir;
    let dir: ServiceDir;
    try {
      const held = this.#opts.adopt?.dir;
      if (held) this.#opts.adopt!.dir = null; // taken: closed by this supervisor from now on
      dir = this.#dir = held ?? ServiceDir.open(label, this.#opts.at);
    } catch (e) {
      throw new SuperviseError(`unable to chdir to ${label}: ${reason(e)}`, e);
    }
    try {
      if (dir.has("down")) this.#wantUp = false;
    } catch (e) {
      throw new SuperviseError(`unable to stat ${label}/down: ${reason(e)}`, e);
    }
    const h = this.#opts.adopt;
    if (h !== undefined) {
      this.#pid = h.pid;
      this.#inProcess = h.inProcess;
      this.#when = h.when;
      this.#paused = h.paused;
      this.#want = h.want;
      this.#wantUp = h.wantUp;
      this.#exit = h.exit;
      this.#lastStart = h.lastStart;
    }
    const lock = `${label}/supervise/lock`;
    try {
      dir.openSupervise(true);
      this.#lockFd = openHeld(dir.sup, "lock", O.WRONLY | O.APPEND | O.CREAT, {
        label: lock,
        kind: "file",
      });
      if (this.#lockFd < 0) throw new SysError("open", -this.#lockFd, lock);
      if (!flock(this.#lockFd, LOCK.EX | LOCK.NB, lock)) {
        throw new SysError("flock", ERRNO.EAGAIN, lock);
      }
    } catch (e) {
      throw new SuperviseError(`unable to acquire ${lock}: ${reason(e)}`, e);
    }
    this.#writer = new SuperviseWriter(dir.sup, `${label}/supervise`, this.#log, (e) => {
      if (!this.#finished) this.#fault(e); // a callback of this supervisor's: contained here
    });
    this.#openControl(dir);
    if (h !== undefined && h.pid) this.#extra = { ...this.#extra, state: "up", pid: h.pid };
    if (h === undefined) this.#readLeftRunning(dir);
    if (h === undefined && this.#pid) this.#extra = { ...this.#extra, state: "up", pid: this.#pid };
    if (h === undefined && !this.#pid) this.#pidChange();
    // supervise 0.76 announces (down, unless a service was left running) before its first start
    this.#announce();
    this.#okFd = this.#fifo(dir, "ok", O.RDONLY, "read");
  }

  /** The FIFO `name` of supervise/, made if missing, opened without waiting; refused if not a FIFO. */
  #fifo(dir: ServiceDir, name: string, flags: number, verb: string): number {
    const label = `${this.dir}/supervise/${name}`;
    mkfifoAt(dir.sup, name, 0o600); // exists, or the open says why not
    try {
      const fd = openHeld(dir.sup, name, flags, { label, kind: "fifo" });
      if (fd < 0) throw new SysError("open", -fd, label);
      return fd;
    } catch (e) {
      throw new SuperviseError(`unable to ${verb} ${label}: ${reason(e)}`, e);
    }
  }

  /** Watches the service a failed supervisor left running (its end comes through the handover). */
  #adopt(h: Handover): void {
    h.heir = (s) => this.#receive(s);
    const ended = h.ended;
    h.ended = null;
    if (ended !== null) queueMicrotask(() => this.#receive(ended));
    else if (!this.#pid && (!this.#want || this.#wantUp)) this.#tryStart();
  }

  /** The end of the service this supervisor runs (or ran, before it failed). */
  #receive(s: WaitStatus): void {
    const h = this.#handover;
    if (h !== null) {
      if (h.heir !== null) h.heir(s);
      else h.ended = s;
      return;
    }
    this.#guard(() => {
      this.#inProcess = null;
      this.#ended(s);
    });
  }

  /**
   * Runs one of this supervisor's callbacks (control, reaper, timer, runner):
   * a throw is this supervisor's fault, contained here (see {@link handover}).
   */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#fault(e);
    }
  }

  #fault(e: unknown): void {
    try {
      this.#log(
        `supervise: warning: ${this.dir}: internal error: ${reason(e)}; supervisor restarted`,
      );
    } catch { /* the report is best effort; containing the fault is not */ }
    if (this.#finished) return;
    this.#cancelStart();
    this.#handover = {
      pid: this.#pid,
      inProcess: this.#inProcess,
      when: this.#when,
      paused: this.#paused,
      want: this.#want,
      wantUp: this.#wantUp,
      exit: this.#exit,
      lastStart: this.#lastStart,
      ended: null,
      heir: null,
      dir: this.#dir,
    };
    this.#finished = true;
    // a service left running by a dead supervisor stays watched: its end goes to the heir
    const watch = this.#adopted;
    this.#adopted = null;
    this.#release();
    this.#adopted = watch;
  }

  #openControl(dir: ServiceDir): void {
    // read and write in one: the FIFO never sees EOF while we hold it
    const fd = this.#fifo(dir, "control", O.RDWR, "read");
    try {
      this.#control = readFd(fd, (chunk) =>
        this.#guard(() => {
          for (const b of chunk) this.#command(String.fromCharCode(b));
        }));
    } catch (e) {
      close(fd);
      throw new SuperviseError(`unable to read ${this.dir}/supervise/control: ${reason(e)}`, e);
    }
  }

  /** Applies one control command, exactly as supervise 0.76's loop does. */
  #command(ch: string): void {
    if (this.#finished) return;
    const pid = this.#pid;
    switch (ch) {
      case "d":
        this.#want = true;
        this.#wantUp = false;
        this.#cancelStart();
        this.#startAfterFinish = false;
        if (pid) {
          this.#send(pid, this.#files.downSignal);
          this.#send(pid, SIG.CONT);
          this.#paused = false;
          this.#effect(() => this.#armKill());
        }
        this.#announce();
        break;
      case "u":
        this.#want = true;
        this.#wantUp = true;
        this.#announce();
        if (!pid) this.#tryStart();
        break;
      case "o":
        this.#want = false;
        this.#announce();
        if (!pid) this.#tryStart();
        break;
      case "p":
        this.#paused = true;
        this.#announce();
        if (pid) this.#send(pid, SIG.STOP);
        break;
      case "c":
        this.#paused = false;
        this.#announce();
        if (pid) this.#send(pid, SIG.CONT);
        break;
      case "x":
        this.#exit = true;
        this.#announce();
        if (!pid && this.#startTimer === undefined && !this.#finishing) this.#finish();
        break;
      default: {
        const sig = CONTROL_SIGNALS[ch];
        if (sig !== undefined && pid) this.#send(pid, sig);
      }
    }
  }

  /**
   * Runs a command's effect in order with the status: after the status an
   * earlier step of the command announced is written (supervise 0.76 writes
   * it before it signals: `svc -p` stops a service whose status says
   * paused), at once when none is waiting to be written.
   */
  #effect(fn: () => void): void {
    const guarded = () => this.#guard(fn);
    if (this.#writer === null) guarded();
    else this.#writer.after("status", guarded);
  }

  /** Sends `sig` to the service, in order with the status, if it is still `pid` then. */
  #send(pid: number, sig: number): void {
    this.#effect(() => {
      if (this.#pid === pid) this.#signal(sig);
    });
  }

  #signal(sig: number): void {
    if (this.#inProcess !== null) return this.#inProcess.signal(sig);
    if (this.#sid) return signalTree(this.#sid, this.#pid, sig);
    try {
      kill(this.#pid, sig);
    } catch { /* gone or not ours: the reaper will tell */ }
  }

  /** `timeout-kill`: KILL if the service has not gone that long after the down signal. */
  #armKill(): void {
    const ms = this.#files.timeoutKill;
    if (ms === null || this.#killTimer !== undefined) return;
    const pid = this.#pid;
    this.#killTimer = setLongTimeout(() =>
      this.#guard(() => {
        this.#killTimer = undefined;
        if (this.#pid === pid && pid) this.#signal(SIG.KILL);
      }), ms);
  }

  /** Starts ./run now, or as soon as a second has passed since the last start. */
  #tryStart(): void {
    if (this.#finishing) {
      this.#startAfterFinish = true;
      return;
    }
    if (this.#startTimer !== undefined || this.#pid || this.#finished) return;
    const wait = this.#lastStart + RESTART_PAUSE_MS - performance.now();
    if (wait > 0) {
      this.#startTimer = setTimeout(() =>
        this.#guard(() => {
          this.#startTimer = undefined;
          this.#startNow();
        }), wait);
      return;
    }
    this.#startNow();
  }

  #cancelStart(): void {
    if (this.#startTimer !== undefined) clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
  }

  #startNow(): void {
    if (this.#pid || this.#finished) return;
    if (this.#exit) return this.#finish();
    this.#lastStart = performance.now();
    let inProcess: boolean;
    try {
      inProcess = this.#startInProcess();
    } catch (e) {
      // the runner could not prepare the start (a log pipe's feeder, say): as a failed start
      return this.#startFailed(e);
    }
    if (inProcess) return;
    const dir = this.#dir!;
    const files = this.#files = readServiceFiles(dir, (l) => this.#log(`supervise: warning: ${l}`));
    let ready: Readiness | null = null;
    let pid: number;
    try {
      if (declaresReadiness(files)) ready = new Readiness(files, dir.key);
      if (files.killTree) becomeSubreaper();
      pid = spawn({
        path: "./run",
        argv: ["./run"],
        cwdFd: dir.fd,
        env: ready?.env ? [...this.#env, ready.env] : this.#env,
        fds: withChildFd(this.#stdio(), ready?.childFd ?? null),
        setsid: files.killTree,
      });
    } catch (e) {
      ready?.close();
      return this.#startFailed(e);
    }
    this.#paused = false;
    this.#pid = pid;
    this.#sid = files.killTree ? pid : 0;
    this.#started(pid, ready);
    this.#pidChange();
    this.#announce("u");
    watchChild(pid, (s) => this.#receive(s));
  }

  #stdio(): Stdio {
    return typeof this.#fds === "function" ? this.#fds() : this.#fds;
  }

  /** The extra state of a new run; its readiness channels read from now on. */
  #started(pid: number, ready: Readiness | null): void {
    const e = this.#extra;
    const first = !this.#ranOnce;
    this.#ranOnce = true;
    this.#extra = {
      ...e,
      state: "up",
      pid,
      since: Date.now(),
      ready: ready === null ? null : false,
      readySince: null,
      restarts: first ? 0 : e.restarts + 1,
      statusText: null,
    };
    this.#readiness = ready;
    ready?.watch(
      pid,
      () =>
        this.#guard(() => {
          if (this.#pid !== pid) return;
          this.#extra = { ...this.#extra, ready: true, readySince: Date.now() };
          this.#announce("U");
        }),
      (text) =>
        this.#guard(() => {
          if (this.#pid !== pid) return;
          this.#extra = { ...this.#extra, statusText: text };
          this.#announce();
        }),
      (line) => this.#log(`supervise: warning: ${this.dir}: ${line}`),
    );
  }

  #ranOnce = false;

  /** daemontools' forked child prints this and exits 111; the service is down again. */
  #startFailed(e: unknown): void {
    this.#log(`supervise: fatal: unable to start ${this.dir}/run: ${reason(e)}`);
    this.#pidChange();
    this.#announce();
    if (this.#exit) return this.#finish();
    if (this.#want && this.#wantUp) this.#tryStart();
  }

  /**
   * Starts the service through the runner when it takes it; false to start
   * ./run. Throws what the runner throws (no start now).
   */
  #startInProcess(): boolean {
    const runner = this.#opts.runner;
    if (runner === undefined) return false;
    const pid = Deno.pid;
    let handle: InProcessService | null = null;
    handle = runner((s) => {
      if (handle === null || this.#inProcess !== handle) return;
      this.#receive({ ...s, pid });
    }, this.#dir!);
    if (handle === null) return false;
    this.#inProcess = handle;
    this.#paused = false;
    this.#pid = handle.pid;
    this.#files = PLAIN;
    this.#sid = 0;
    this.#started(handle.pid, null);
    this.#pidChange();
    this.#announce("u");
    return true;
  }

  #ended(s: WaitStatus): void {
    if (s.pid !== this.#pid) return;
    clearLongTimeout(this.#killTimer);
    this.#killTimer = undefined;
    this.#readiness?.close();
    this.#readiness = null;
    const files = this.#files, sid = this.#sid;
    this.#sid = 0;
    const after = sid !== 0 || files.finish;
    this.#pid = 0;
    this.#pidChange();
    this.#extra = {
      ...this.#extra,
      state: after ? "finishing" : "down",
      pid: 0,
      since: Date.now(),
      ready: this.#extra.ready === null ? null : false,
      readySince: null,
      lastExit: { code: s.code, signal: s.signal },
    };
    this.#announce("d");
    try {
      this.#opts.onServiceExit?.(s);
    } catch (e) {
      this.#log(`supervise: warning: ${this.dir}: ${reason(e)}`);
    }
    if (!after) {
      this.#writer?.event("D");
      return this.#resume();
    }
    this.#finishing = true;
    this.#afterRun(files, sid, s).catch((e) =>
      this.#log(`supervise: warning: ${this.dir}: ${reason(e)}`)
    )
      .finally(() =>
        this.#guard(() => {
          this.#finishing = false;
          if (this.#finished) return;
          this.#extra = { ...this.#extra, state: "down", pid: 0, since: Date.now() };
          this.#announce("D");
          this.#resume();
        })
      );
  }

  /** After ./run ended: what is left of its tree ends (kill-tree), then ./finish runs. */
  async #afterRun(files: ServiceFiles, sid: number, s: WaitStatus): Promise<void> {
    if (sid) await endTree(sid, files.timeoutKill ?? DEFAULT_TREE_KILL_MS);
    if (!files.finish || this.#finished) return;
    await runFinish({
      cwdFd: this.#dir!.fd,
      label: this.dir,
      env: this.#env,
      fds: this.#stdio(),
      ended: s,
      timeoutMs: files.timeoutFinish,
      log: this.#log,
      started: (pid) => {
        this.#extra = { ...this.#extra, pid };
        this.#announce();
      },
    });
  }

  /** What comes after the service went down: exit, or the next start. */
  #resume(): void {
    const again = this.#startAfterFinish;
    this.#startAfterFinish = false;
    if (this.#exit) return this.#finish();
    if ((this.#want && this.#wantUp) || again) this.#tryStart();
  }

  #pidChange(): void {
    this.#when = now();
  }

  /**
   * Writes supervise/status (via status.new and a rename), as announce() in
   * supervise.c, and dt's extra state beside it; the waiters get `event`
   * once both are written. Written at the end of the turn, with the state of
   * that moment (supervise_writer.ts): a start writes status twice, down then
   * up, and the files once. Readers trust status.json only when it agrees
   * with status (svstat --json, svwait), and a waiter woken by an event reads both.
   */
  #announce(event = "s"): void {
    const w = this.#writer;
    if (w === null) return;
    w.put("status", () =>
      encodeStatus({
        when: this.#when,
        pid: this.#pid,
        paused: this.#paused,
        want: this.#want ? (this.#wantUp ? "u" : "d") : null,
      }));
    w.put(EXTRA_STATUS, () => new TextEncoder().encode(encodeExtra(this.#extra)));
    w.event(event);
  }

  /**
   * Writes `name` into supervise/ (replaced atomically, after what was asked
   * for before): the scanner's record of the log pipe.
   */
  writeSuperviseFile(name: string, text: string): void {
    this.#writer?.put(name, () => new TextEncoder().encode(text));
  }

  /** Changes the fds the next start of `./run` gets (a log pipe that appeared later). */
  setFds(fds: Stdio | (() => Stdio)): void {
    this.#fds = fds;
  }

  /** Sends the service a control command as if written to supervise/control. */
  control(commands: string): void {
    this.#guard(() => {
      for (const c of commands) this.#command(c);
    });
  }

  #finish(): void {
    if (this.#finished) return;
    this.#cancelStart();
    this.#announce("x");
    this.#finished = true;
    this.#release();
  }

  /**
   * Closes what the supervisor holds: the FIFOs at once; the lock and the
   * directory once what was asked to be written is (a status written after
   * the lock was let go could land on a new supervisor's); then `done`.
   */
  #release(): void {
    this.#adopted?.close();
    this.#adopted = null;
    this.#control?.close();
    this.#control = undefined;
    if (this.#okFd >= 0) close(this.#okFd);
    this.#okFd = -1;
    const lock = this.#lockFd, writer = this.#writer;
    // a supervisor whose code failed hands its directory over, open, to the one replacing it
    const dir = this.#handover === null ? this.#dir : null;
    this.#lockFd = -1;
    this.#dir = null;
    this.#writer = null;
    const end = () => {
      if (lock >= 0) close(lock);
      dir?.close();
      if (this.#finished) this.#resolveDone();
    };
    if (writer === null) return end();
    writer.drained().then(end);
  }

  /**
   * Exits as `svc -x` would once the service is down; with `down`, first asks
   * it down (TERM, CONT). Resolves when finished.
   */
  stop(down = false): Promise<void> {
    if (down) this.#command("d");
    this.#command("x");
    return this.done;
  }
}
