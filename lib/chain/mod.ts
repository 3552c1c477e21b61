/**
 * The chain-loading programs (setuidgid, envuidgid, envdir, softlimit,
 * setlock, pgrphack, fghack) and the in-process chaining that runs a whole
 * `envdir … setuidgid … softlimit … prog` line in one dt start.
 *
 * @module
 */
export { CHAIN_PROGRAMS, type ChainProgram, isChainProgram, USAGE } from "./programs.ts";
export { type Failure, isFailure, type LimitRequest, parseStep, type Step } from "./parse.ts";
export {
  LIMIT_OPTIONS,
  type LimitValue,
  parseLimitValue,
  SOFTLIMIT_GETOPT,
  softValue,
} from "./softlimit_args.ts";
export { type EnvdirValue, envdirValue } from "./envdir_rules.ts";
export { envChange, envGet, mergeEnv, parseEnviron } from "./env_list.ts";
export { readEnvDir } from "./envdir_read.ts";
export { nprocVerdict, tasksOf, totalTasks } from "./nproc.ts";
export { dispatchChain, type InProcess, nextInProcess, selfPaths, whichExec } from "./resolve.ts";
export { type ChildLimit, fghackLayout, inheritableFds, runFghack } from "./fghack.ts";
export {
  applyStep,
  type ChainState,
  type PendingLimit,
  runChain,
  startingEnv,
  startingLimits,
} from "./run.ts";
