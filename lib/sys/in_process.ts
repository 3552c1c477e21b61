/**
 * A service that runs inside this process rather than as a child (the
 * scanner's in-process loggers): what a supervisor asks a runner for at each
 * start, and what it gets back. Shared by the supervisor (lib/supervise/)
 * and the loggers (lib/logger/), neither of which may import the other.
 *
 * @module
 */
import type { HeldService } from "./held_file.ts";
import type { WaitStatus } from "./wait.ts";

/** A service that runs inside this process; signals are delivered to it, not by kill(2). */
export interface InProcessService {
  /** The pid shown in the status file (this process's). */
  readonly pid: number;
  /** Delivers what a signal would do to the process it stands for. */
  signal(sig: number): void;
}

/**
 * Asked at each start of a service: runs it inside this process and returns
 * its handle, or returns null to start `./run` as usual. `end` must be called
 * once, asynchronously, when it ends; `held` is the service directory the
 * supervisor holds (its files are read through it, never by path).
 */
export type ServiceRunner = (
  end: (s: WaitStatus) => void,
  held: HeldService,
) => InProcessService | null;
