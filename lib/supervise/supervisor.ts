/**
 * One supervised service, as daemontools 0.76's `supervise` runs it, as an
 * object: many can live in one process (svscan hosts one per service), each
 * with its own state, timers and files. It never blocks and never spins.
 *
 * @module
 */
import { isErrno, reason, SysError } from "../common/errors.ts";
import { errLine } from "../common/output.ts";
import { close, O, open, tryOpen } from "../sys/fd.ts";
import { mkfifo } from "../sys/fifo.ts";
import { lockFile } from "../sys/lock.ts";
import { kill, SIG } from "../sys/signal.ts";
import { spawn } from "../sys/spawn.ts";
import { startingEnv } from "../common/launched.ts";
import { watchChild } from "../sys/reaper.ts";
import { readFd } from "../sys/stream.ts";
import type { WaitStatus } from "../sys/wait.ts";
import { now, type Tai64n } from "../tai64n/codec.ts";
import { encodeStatus } from "./status.ts";

/** How a supervisor is hosted. */
export interface SupervisorOptions {
  /** Parent fds that become the service's stdin, stdout, stderr. Default `[0, 1, 2]`. */
  fds?: readonly [number, number, number];
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
}

/** A service that runs inside this process; signals are delivered to it, not by kill(2). */
export interface InProcessService {
  /** The pid shown in the status file (this process's). */
  readonly pid: number;
  /** Delivers what a signal would do to the process it stands for. */
  signal(sig: number): void;
}

/** See {@link SupervisorOptions.runner}. */
export type ServiceRunner = (end: (s: WaitStatus) => void) => InProcessService | null;

/** Thrown by {@link Supervisor.start} for what daemontools' supervise dies of (exit 111). */
export class SuperviseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SuperviseError";
  }
}

/** True when /proc/self/fd resolves held directories (Linux with /proc mounted). */
const procFd = (() => {
  try {
    return Deno.statSync("/proc/self/fd").isDirectory;
  } catch {
    return false;
  }
})();

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
 * @example
 * ```ts
 * const sv = new Supervisor("/service/web");
 * sv.start();          // lock, FIFOs, status, ./run
 * await sv.done;       // after `svc -x` and the service is down
 * ```
 */
export class Supervisor {
  /** The directory as given (used in messages, as daemontools does). */
  readonly dir: string;
  readonly #opts: SupervisorOptions;
  #fds: readonly (number | null)[];
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
  #lockFd = -1;
  #okFd = -1;
  #dirFd = -1;
  #control: { close(): void } | undefined;
  #finished = false;
  #resolveDone!: () => void;

  /** Resolves when the supervisor has exited (after `x` with the service down, or stop()). */
  readonly done: Promise<void>;

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

  /** True while the supervisor holds its directory (between start() and exit). */
  get running(): boolean {
    return this.#lockFd >= 0 && !this.#finished;
  }

  /**
   * Takes the directory (lock, FIFOs, first status) and starts `./run` unless
   * `down` exists. Throws {@link SuperviseError} with daemontools' text.
   */
  start(): void {
    const dir = this.dir;
    try {
      if (!Deno.statSync(dir).isDirectory) throw new SysError("chdir", 20, dir);
    } catch (e) {
      throw new SuperviseError(`unable to chdir to ${dir}: ${reason(e)}`);
    }
    // held open, as supervise's cwd: a renamed service directory keeps its supervisor
    this.#dirFd = procFd ? tryOpen(dir, O.RDONLY | O.DIRECTORY | O.CLOEXEC) : -1;
    try {
      Deno.statSync(`${dir}/down`);
      this.#wantUp = false;
    } catch (e) {
      if (!isErrno(e, "ENOENT")) {
        throw new SuperviseError(`unable to stat ${dir}/down: ${reason(e)}`);
      }
    }
    try {
      Deno.mkdirSync(`${dir}/supervise`, { mode: 0o700 });
    } catch { /* exists, or the lock below says why not */ }
    try {
      this.#lockFd = lockFile(`${dir}/supervise/lock`);
    } catch (e) {
      throw new SuperviseError(`unable to acquire ${dir}/supervise/lock: ${reason(e)}`);
    }
    try {
      this.#openControl();
      this.#pidChange();
      this.#announce();
      try {
        mkfifo(`${dir}/supervise/ok`, 0o600);
      } catch { /* open says why */ }
      try {
        this.#okFd = open(`${dir}/supervise/ok`, O.RDONLY | O.NONBLOCK | O.CLOEXEC);
      } catch (e) {
        throw new SuperviseError(`unable to read ${dir}/supervise/ok: ${reason(e)}`);
      }
    } catch (e) {
      this.#release();
      throw e;
    }
    if (!this.#want || this.#wantUp) this.#tryStart();
  }

  #openControl(): void {
    const path = `${this.dir}/supervise/control`;
    try {
      mkfifo(path, 0o600);
    } catch { /* open says why */ }
    let fd: number;
    try {
      // read and write in one: the FIFO never sees EOF while we hold it
      fd = open(path, O.RDWR | O.NONBLOCK | O.CLOEXEC);
    } catch (e) {
      throw new SuperviseError(`unable to read ${path}: ${reason(e)}`);
    }
    this.#control = readFd(fd, (chunk) => {
      for (const b of chunk) this.#command(String.fromCharCode(b));
    });
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
        if (pid) {
          this.#signal(SIG.TERM);
          this.#signal(SIG.CONT);
          this.#paused = false;
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
        if (pid) this.#signal(SIG.STOP);
        break;
      case "c":
        this.#paused = false;
        this.#announce();
        if (pid) this.#signal(SIG.CONT);
        break;
      case "x":
        this.#exit = true;
        this.#announce();
        if (!pid && this.#startTimer === undefined) this.#finish();
        break;
      default: {
        const sig = CONTROL_SIGNALS[ch];
        if (sig !== undefined && pid) this.#signal(sig);
      }
    }
  }

  #signal(sig: number): void {
    if (this.#inProcess !== null) return this.#inProcess.signal(sig);
    try {
      kill(this.#pid, sig);
    } catch { /* gone or not ours: the reaper will tell */ }
  }

  /** Starts ./run now, or as soon as a second has passed since the last start. */
  #tryStart(): void {
    if (this.#startTimer !== undefined || this.#pid || this.#finished) return;
    const wait = this.#lastStart + RESTART_PAUSE_MS - performance.now();
    if (wait > 0) {
      this.#startTimer = setTimeout(() => {
        this.#startTimer = undefined;
        this.#startNow();
      }, wait);
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
    if (this.#startInProcess()) return;
    let pid: number;
    try {
      pid = spawn({
        path: "./run",
        argv: ["./run"],
        cwd: this.#cwd(),
        env: this.#env,
        fds: this.#fds,
      });
    } catch (e) {
      // daemontools' forked child prints this and exits 111; the service is down again
      this.#log(`supervise: fatal: unable to start ${this.dir}/run: ${reason(e)}`);
      this.#pidChange();
      this.#announce();
      if (this.#exit) return this.#finish();
      if (this.#want && this.#wantUp) this.#tryStart();
      return;
    }
    this.#paused = false;
    this.#pid = pid;
    this.#pidChange();
    this.#announce();
    watchChild(pid, (s) => this.#ended(s));
  }

  /** Starts the service through the runner when it takes it; false to start ./run. */
  #startInProcess(): boolean {
    const runner = this.#opts.runner;
    if (runner === undefined) return false;
    let handle: InProcessService | null = null;
    try {
      handle = runner((s) => {
        if (handle === null || this.#inProcess !== handle) return;
        this.#inProcess = null;
        this.#ended({ ...s, pid: this.#pid });
      });
    } catch (e) {
      this.#log(`supervise: warning: ${this.dir}: ${reason(e)}`);
      handle = null;
    }
    if (handle === null) return false;
    this.#inProcess = handle;
    this.#paused = false;
    this.#pid = handle.pid;
    this.#pidChange();
    this.#announce();
    return true;
  }

  #ended(s: WaitStatus): void {
    if (s.pid !== this.#pid) return;
    this.#pid = 0;
    this.#pidChange();
    this.#announce();
    try {
      this.#opts.onServiceExit?.(s);
    } catch (e) {
      this.#log(`supervise: warning: ${this.dir}: ${reason(e)}`);
    }
    if (this.#exit) return this.#finish();
    if (this.#want && this.#wantUp) this.#tryStart();
  }

  /** Where the directory is now (it may have been renamed since start). */
  #cwd(): string {
    if (this.#dirFd < 0) return this.dir;
    try {
      return Deno.readLinkSync(`/proc/self/fd/${this.#dirFd}`);
    } catch {
      return this.dir;
    }
  }

  /** A path inside the directory, wherever it is now. */
  #in(rel: string): string {
    return this.#dirFd < 0 ? `${this.dir}/${rel}` : `/proc/self/fd/${this.#dirFd}/${rel}`;
  }

  #pidChange(): void {
    this.#when = now();
  }

  /** Writes supervise/status (via status.new and a rename), as announce() in supervise.c. */
  #announce(): void {
    const dir = this.dir;
    const bytes = encodeStatus({
      when: this.#when,
      pid: this.#pid,
      paused: this.#paused,
      want: this.#want ? (this.#wantUp ? "u" : "d") : null,
    });
    const tmp = `${dir}/supervise/status.new`;
    try {
      Deno.writeFileSync(this.#in("supervise/status.new"), bytes, { mode: 0o644 });
    } catch (e) {
      this.#log(`supervise: warning: unable to open ${tmp}: ${reason(e)}`);
      return;
    }
    try {
      Deno.renameSync(this.#in("supervise/status.new"), this.#in("supervise/status"));
    } catch (e) {
      this.#log(`supervise: warning: unable to rename ${tmp} to status: ${reason(e)}`);
    }
  }

  /** Changes the fds the next start of `./run` gets (a log pipe that appeared later). */
  setFds(fds: readonly [number, number, number]): void {
    this.#fds = fds;
  }

  /** Sends the service a control command as if written to supervise/control. */
  control(commands: string): void {
    for (const c of commands) this.#command(c);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#cancelStart();
    this.#announce();
    this.#finished = true;
    this.#release();
    this.#resolveDone();
  }

  #release(): void {
    this.#control?.close();
    this.#control = undefined;
    if (this.#okFd >= 0) close(this.#okFd);
    if (this.#lockFd >= 0) close(this.#lockFd);
    if (this.#dirFd >= 0) close(this.#dirFd);
    this.#okFd = this.#lockFd = this.#dirFd = -1;
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
