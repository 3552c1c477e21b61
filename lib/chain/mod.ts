/**
 * The chain-loading programs (setuidgid, envuidgid, envdir, softlimit,
 * setlock, pgrphack, fghack) as a library: their names and usage lines, the
 * pure parser of one step (`envdir DIR`, `softlimit -m N`, …), softlimit's
 * values, envdir's rules and reader, and the environment-list helpers. Running
 * a chain (exec, in-process dispatch, fghack's descriptors) belongs to the
 * programs and is not part of it.
 *
 * @example Parse one step of a chain
 * ```ts
 * import { isFailure, parseStep } from "./mod.ts";
 *
 * const step = parseStep("softlimit", ["-m", "50000000", "./server"]);
 * if (isFailure(step)) throw new Error(step.lines.join("\n"));
 * console.log(step.child); // ["./server"]
 * ```
 *
 * @module
 */
export { CHAIN_PROGRAMS, type ChainProgram, isChainProgram, USAGE } from "./names.ts";
export { type LimitRequest, parseStep, type Step } from "./parse.ts";
export { type Failure, isFailure } from "../common/failure.ts";
export { LIMIT_OPTIONS, type LimitValue, parseLimitValue } from "./softlimit_args.ts";
export { type EnvdirValue, envdirValue } from "./envdir_rules.ts";
export { envChange, envGet, mergeEnv, parseEnviron } from "../common/env_list.ts";
export { readEnvDir } from "./envdir_read.ts";
