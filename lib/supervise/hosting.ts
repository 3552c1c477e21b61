/**
 * How a supervisor is hosted: its options, what one whose own code failed
 * hands to the one replacing it, and the error a start fails with.
 *
 * @module
 */
import { isErrno } from "../common/errors.ts";
import type { InProcessService, ServiceRunner } from "../sys/in_process.ts";
import type { WaitStatus } from "../sys/wait.ts";
import type { Event, State } from "./machine.ts";
import type { Readiness } from "./readiness.ts";
import type { DirAt, ServiceDir } from "./service_dir.ts";

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
   * Called when an `essential` service gives up: left down by its crash-loop
   * budget, or ended after `svc -o` (how it ended last: code, or signal).
   */
  onGiveUp?: (code: number | null, signal: number | null) => void;
  /**
   * Asked at each start: run the service inside this process instead of
   * starting `./run` (the scanner's in-process loggers).
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
 * its state (the service it started keeps running, watched by the heir), the
 * handles of the run, the directory it held, and the events that came
 * before anyone took over.
 */
export interface Handover {
  /** The state the failed supervisor had (machine.ts). */
  readonly state: State;
  /** The in-process service, if that is what runs. */
  readonly inProcess: InProcessService | null;
  /** The run's readiness channels, if it declared readiness. */
  readonly readiness: Readiness | null;
  /** Events for the service (its end, its readiness, finish done) that came before an heir. */
  pending: Event[];
  /** Who gets those events now. */
  heir: ((e: Event) => void) | null;
  /** The held directory, passed on as it is (an in-process service may be using it). */
  dir: ServiceDir | null;
}

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
