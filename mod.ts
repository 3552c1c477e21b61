/**
 * dt as a library: the pieces behind the programs, for Deno code that wants to
 * read or control daemontools-style services, or host supervisors itself.
 *
 * @example Read a service's status
 * ```ts
 * import { describe } from "./mod.ts";
 * console.log(describe("/service/web")); // "up (pid 1234) 15 seconds"
 * ```
 *
 * @module
 */

export { decodeStatus, encodeStatus, type Status, STATUS_SIZE } from "./lib/supervise/status.ts";
export {
  type Handover,
  type InProcessService,
  RESTART_PAUSE_MS,
  type ServiceRunner,
  type Stdio,
  SuperviseError,
  Supervisor,
  type SupervisorOptions,
} from "./lib/supervise/supervisor.ts";
export { type DirAt, ServiceDir } from "./lib/supervise/service_dir.ts";
/** The supervisor's decisions, pure: a state, an event, the next state and the actions. */
export {
  type Action,
  type CheckState,
  type Clock,
  type Event,
  ImpossibleEvent,
  initialState,
  type LeftRunning,
  type Policy,
  type State,
  type Step,
  step,
} from "./lib/supervise/machine.ts";
export type { Readiness } from "./lib/supervise/readiness.ts";
export type { ServiceFiles } from "./lib/supervise/service_files.ts";
export type { HeldService } from "./lib/sys/held_file.ts";
export type {
  AfterRecord,
  ExtraStatus,
  LastExit,
  RunFiles,
  RunRecord,
} from "./lib/supervise/extra_status.ts";
export type { WaitStatus } from "./lib/sys/wait.ts";
export { FileKindError, SysError } from "./lib/common/errors.ts";
export { COMMANDS, sendControl, supervisorRunning } from "./lib/control/control.ts";
export { ControlError } from "./lib/control/control_error.ts";
export { describe, formatStatus } from "./lib/control/svstat.ts";
export {
  format as formatTai64n,
  now as tai64nNow,
  parse as parseTai64n,
  type Tai64n,
} from "./lib/tai64n/codec.ts";
export {
  SCAN_INTERVAL_MS,
  Scanner,
  type ScannerOptions,
  type ServiceEntry,
} from "./lib/svscan/scanner.ts";
export type { ShutdownOptions } from "./lib/svscan/shutdown.ts";
export { TreeMirror } from "./lib/svscan/mirror.ts";
export { LineOutput } from "./lib/svscan/stdout_lines.ts";
export { type PlacedTree, type PlaceOptions, placeTree } from "./lib/svscan/tree_state.ts";
export { chooseRuntimeDir, RuntimeDirError, type RuntimeEnv } from "./lib/svscan/runtime_dir.ts";
/** The chain-loading programs (setuidgid, envdir, softlimit, …) as a library. */
export * as chain from "./lib/chain/mod.ts";
/** The multilog engine (script parser, log directories, rotation) as a library. */
export * as multilog from "./lib/multilog/mod.ts";
