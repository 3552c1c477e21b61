/**
 * One supervised service, as daemontools 0.76's `supervise` runs it, as an
 * object: many can live in one process (svscan hosts one per service), each
 * with its own state, timers and files. It never blocks and never spins.
 *
 * The decisions are machine.ts's (a pure step from state and event to the
 * next state and actions); this is the shell around them: it holds the
 * directory, the FIFOs, the child and the timers, carries the actions out in
 * order, and feeds back as events what happened. A throw in any of its
 * callbacks is this supervisor's fault, contained: it hands its state and
 * service to a new supervisor ({@link Supervisor.handover}).
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { Timers } from "../common/timers.ts";
import { errLine } from "../common/output.ts";
import { close, O } from "../sys/fd.ts";
import type { InProcessService } from "../sys/in_process.ts";
import { startingEnv } from "../sys/launched.ts";
import type { ExitWatch } from "../sys/pidfd.ts";
import { kill } from "../sys/signal.ts";
import { now } from "../tai64n/codec.ts";
import { type ExtraStatus, initialExtra } from "./extra_status.ts";
import { afterRunAgain, leftRecord, readinessAgain, watchLeft } from "./adoption.ts";
import { announce } from "./announce.ts";
import { afterRun } from "./finish.ts";
import { runCheck } from "./check.ts";
import type { Handover, Stdio, SupervisorOptions } from "./hosting.ts";
import { type Action, type Clock, type Event, initialState, type State, step } from "./machine.ts";
import type { Readiness } from "./readiness.ts";
import { leftRunning, startTime } from "./running.ts";
import type { ServiceDir } from "./service_dir.ts";
import { startService } from "./start_run.ts";
import { SuperviseWriter } from "./supervise_writer.ts";
import { openFifo, readControl, takeDirectory } from "./take.ts";
import { signalTree } from "./tree.ts";

export { RESTART_PAUSE_MS } from "./machine.ts";
export type { Handover, Stdio, SupervisorOptions } from "./hosting.ts";
export { SuperviseError } from "./hosting.ts";
export type { InProcessService, ServiceRunner } from "../sys/in_process.ts";

function clock(): Clock {
  return { mono: performance.now(), when: now(), wall: Date.now() };
}

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
  readonly #fds: Stdio | (() => Stdio);
  readonly #log: (line: string) => void;
  readonly #env: readonly (string | Uint8Array)[];

  /** The decisions' state (machine.ts); null until start(). */
  #state: State | null = null;
  /** Events waiting for their step: a step's actions may give events (a spawn's outcome). */
  readonly #queue: Event[] = [];
  #stepping = false;

  #dir: ServiceDir | null = null;
  #writer: SuperviseWriter | null = null;
  #lockFd = -1;
  #okFd = -1;
  #control: { close(): void } | undefined;
  /** The restart pause's and timeout-kill's timers: each gives its event when due. */
  readonly #timers = new Timers<"startTimer" | "killTimer" | "checkTimer">(
    (name) => this.#guard(() => this.#dispatch({ type: name })),
  );
  /** The in-process service, while that is what runs. */
  #inProcess: InProcessService | null = null;
  /** The readiness channels of the current run. */
  #readiness: Readiness | null = null;
  /** Set when the service was left running by a supervisor that died: watched, not our child. */
  #adopted: ExitWatch | null = null;
  #handover: Handover | null = null;
  #resolveDone!: () => void;

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
    return this.#state?.pid ?? 0;
  }

  /** dt's extra state of the service (state, readiness, last exit, restarts). */
  get extra(): Readonly<ExtraStatus> {
    return this.#state?.extra ?? initialExtra();
  }

  /** True while the supervisor holds its directory (between start() and exit). */
  get running(): boolean {
    return this.#lockFd >= 0 && !this.#over;
  }

  /** True once the supervisor exited or failed. */
  get #over(): boolean {
    return this.#handover !== null || this.#state?.phase === "exited";
  }

  /**
   * Set when the supervisor ended because its own code threw (reported with
   * the directory's name): the service it ran goes on, and a new supervisor
   * given this as {@link SupervisorOptions.adopt} takes it over.
   */
  get handover(): Handover | null {
    return this.#handover;
  }

  /** True when the service was left by a supervisor that died and is watched by pid. */
  get adopted(): boolean {
    return this.#adopted !== null;
  }

  /**
   * Takes the directory (lock, FIFOs, first status) and starts `./run` unless
   * `down` exists. Throws {@link SuperviseError} with daemontools' text.
   */
  start(): void {
    const h = this.#opts.adopt;
    try {
      this.#take(h);
    } catch (e) {
      this.#release(); // every error path: nothing stays open
      throw e;
    }
    if (h === undefined) return this.#dispatch({ type: "begin" });
    // a supervisor whose code failed: its timers died with it
    const old = this.#state!;
    this.#state = { ...old, startAt: null };
    this.#dispatch({ type: "takeOver" });
    if (old.killAt !== null) this.#act({ type: "armKill", at: old.killAt });
    h.heir = (e) => this.#receive(e);
    for (const e of h.pending.splice(0)) queueMicrotask(() => this.#receive(e));
  }

  /** Lock, FIFOs and the first state: the part of start() that opens things. */
  #take(h: Handover | undefined): void {
    const held = h?.dir ?? null;
    if (h) h.dir = null; // taken: closed by this supervisor from now on
    const t = takeDirectory(this.dir, this.#opts.at, held);
    this.#dir = t.dir;
    this.#lockFd = t.lock;
    this.#writer = new SuperviseWriter(t.dir.sup, `${this.dir}/supervise`, this.#log, (e) => {
      if (!this.#over) this.#fault(e); // a callback of this supervisor's: contained here
    });
    this.#control = readControl(
      t.dir,
      (ch) => this.#guard(() => this.#dispatch({ type: "command", ch })),
    );
    if (h !== undefined) {
      this.#state = h.state;
      this.#inProcess = h.inProcess;
      this.#readiness = h.readiness;
    } else {
      // what a supervisor that died left: the service still running, its run, a finish under way
      const left = leftRunning(t.dir), record = leftRecord(t.dir);
      this.#state = initialState({ downFile: t.downFile, left, record }, clock());
    }
    this.#okFd = openFifo(t.dir, "ok", O.RDONLY, "read");
  }

  /** Steps the machine with `e` (and what its actions give back), in order. */
  #dispatch(e: Event): void {
    this.#queue.push(e);
    if (this.#stepping) return;
    this.#stepping = true;
    try {
      for (let next; (next = this.#queue.shift()) !== undefined;) {
        if (this.#state === null || this.#over) continue;
        const r = step(this.#state, next, clock());
        this.#state = r.state;
        for (const a of r.actions) this.#act(a);
      }
    } finally {
      this.#stepping = false;
      this.#queue.length = 0;
    }
  }

  /** Carries out one action of a step. */
  #act(a: Action): void {
    switch (a.type) {
      case "announce":
        return this.#announce(a.event);
      case "event":
        return this.#writer?.event(a.event);
      case "signal":
        return this.#effect(() => {
          if (this.#state?.pid === a.pid) this.#signal(a.sig);
        });
      case "spawn":
        this.#queue.push(this.#spawn());
        return;
      case "watch": // left running by a supervisor that died: watched, controlled by pid
        this.#adopted = watchLeft(a.pid, (status) => {
          this.#adopted = null;
          this.#receive({ type: "exited", status });
        });
        return;
      case "adoptReadiness":
        this.#readiness = readinessAgain(this.#dir!, a, (e) => this.#receive(e), this.#warn);
        return;
      case "adoptAfterRun": {
        // a finish a supervisor that died left running is waited for; else what was left is done
        const left = afterRunAgain(a.files, a.after, () => this.#receive({ type: "finished" }));
        if (left.watch !== undefined) this.#adopted = left.watch;
        else this.#act({ type: "afterRun", ...left.again });
        return;
      }
      case "armStart":
        return this.#timers.arm("startTimer", a.at);
      case "cancelStart":
        return this.#timers.cancel("startTimer");
      case "armKill":
        // in order with the status and the down signal, as the rest of `svc -d`
        return this.#effect(() => this.#timers.arm("killTimer", a.at));
      case "cancelKill":
        return this.#timers.cancel("killTimer");
      case "serviceExit":
        return this.#tell(() => this.#opts.onServiceExit?.(a.status));
      case "afterRun":
        afterRun({
          ...this.#alongside(),
          files: a.files,
          sid: a.sid,
          ended: a.status,
          finishing: () => !this.#over,
          started: (pid) =>
            this.#receive({ type: "finishStarted", pid, started: startTime(pid) ?? 0 }),
        }).catch((e) => this.#warn(reason(e)))
          .finally(() => this.#receive({ type: "finished" }));
        return;
      case "exit":
        return this.#release();
      case "armCheck":
        return this.#timers.arm("checkTimer", a.at);
      case "cancelCheck":
        return this.#timers.cancel("checkTimer");
      case "runCheck":
        runCheck({ ...this.#alongside(), timeoutMs: a.files.checkTimeout })
          .then((ok) => this.#receive({ type: "checkDone", pid: a.pid, ok }));
        return;
      case "giveUp":
        return this.#tell(() => this.#opts.onGiveUp?.(a.code, a.signal));
    }
  }

  /** What ./finish and ./check run with: the held directory, the environment, the stdio. */
  #alongside() {
    const fds = typeof this.#fds === "function" ? this.#fds() : this.#fds;
    return { cwdFd: this.#dir!.fd, label: this.dir, env: this.#env, fds, log: this.#log };
  }

  /** Tells whoever hosts the supervisor (its callback's failure is reported, not thrown). */
  #tell(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#warn(reason(e));
    }
  }

  /** A warning about this service, in supervise's words. */
  readonly #warn = (line: string) => this.#log(`supervise: warning: ${this.dir}: ${line}`);

  /** Starts the service (start_run.ts); the outcome, as the event to step with. */
  #spawn(): Event {
    const r = startService({
      dir: this.#dir!,
      env: this.#env,
      stdio: this.#alongside().fds as Stdio,
      runner: this.#opts.runner,
      log: this.#log,
      receive: (e) => this.#receive(e),
      current: () => this.#inProcess,
    });
    this.#inProcess = r.inProcess;
    this.#readiness = r.readiness;
    return r.event;
  }

  /**
   * An event of the service this supervisor runs (or ran, before it failed:
   * then it goes to the heir).
   */
  #receive(e: Event): void {
    const h = this.#handover;
    if (h !== null) {
      if (h.heir !== null) h.heir(e);
      else h.pending.push(e);
      return;
    }
    this.#guard(() => {
      if (e.type === "exited" && e.status.pid === this.#state?.pid) {
        this.#inProcess = null;
        this.#readiness?.close();
        this.#readiness = null;
      }
      this.#dispatch(e);
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
    if (this.#over || this.#state === null) return;
    this.#timers.clear();
    this.#handover = {
      state: this.#state,
      inProcess: this.#inProcess,
      readiness: this.#readiness,
      pending: [],
      heir: null,
      dir: this.#dir,
    };
    // a service left running by a dead supervisor stays watched: its end goes to the heir
    const watch = this.#adopted;
    this.#adopted = null;
    this.#release();
    this.#adopted = watch;
  }

  /**
   * Runs a command's effect in order with the status: after the status an
   * earlier step announced is written (supervise 0.76 writes it before it
   * signals: `svc -p` stops a service whose status says paused), at once
   * when none is waiting to be written.
   */
  #effect(fn: () => void): void {
    const guarded = () => this.#guard(fn);
    if (this.#writer === null) guarded();
    else this.#writer.after("status", guarded);
  }

  #signal(sig: number): void {
    const s = this.#state!;
    if (this.#inProcess !== null) return this.#inProcess.signal(sig);
    if (s.sid) return signalTree(s.sid, s.pid, sig);
    try {
      kill(s.pid, sig);
    } catch { /* gone or not ours: the reaper will tell */ }
  }

  /** Writes the status files (announce.ts), then tells the waiters `event`. */
  #announce(event: string): void {
    if (this.#writer !== null) announce(this.#writer, () => this.#state!, event);
  }

  /** Sends the service a control command as if written to supervise/control. */
  control(commands: string): void {
    this.#guard(() => {
      for (const c of commands) this.#dispatch({ type: "command", ch: c });
    });
  }

  /**
   * Closes what the supervisor holds: the FIFOs at once; the lock and the
   * directory once what was asked to be written is (a status written after
   * the lock was let go could land on a new supervisor's); then `done`.
   */
  #release(): void {
    this.#timers.cancel("startTimer");
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
      if (this.#over) this.#resolveDone();
    };
    if (writer === null) return end();
    writer.drained().then(end);
  }

  /**
   * Exits as `svc -x` would once the service is down; with `down`, first asks
   * it down (TERM, CONT). Resolves when finished.
   */
  stop(down = false): Promise<void> {
    this.control(down ? "dx" : "x");
    return this.done;
  }
}
