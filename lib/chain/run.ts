/**
 * Running a chain: each step that is a dt chain program is applied in this
 * process, in daemontools' order, and only the final program is exec'd (same
 * pid). Parsing a step is pure ({@link parseStep}); applying it changes the JS
 * environment list, takes a lock fd, calls setsid or set*id, or records
 * limits. Limits are set last, right before execve, because a lowered
 * RLIMIT_AS or RLIMIT_DATA would make V8's next allocation fatal.
 *
 * Every failure prints the failing step's daemontools message and ends the
 * process with its code; the locks it holds are released first, and nothing
 * else outlives the process. The observable result is the one the sequence
 * of execs would give.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { Exit, SysError } from "../common/errors.ts";
import { errLine, joinParts } from "../common/output.ts";
import { LimitFailure, type PreparedExec, prepareExec } from "../sys/exec.ts";
import { close, O, open } from "../sys/fd.ts";
import { flock, LOCK } from "../sys/lock.ts";
import { setsid } from "../sys/proc.ts";
import { getpwnam, setgid, setgroups, setuid } from "../sys/ids.ts";
import { getrlimit, prepareLimits, RLIM_INFINITY, RLIMIT, setrlimit } from "../sys/rlimit.ts";
import {
  DENO_NEEDS,
  LIMIT_NAMES,
  type PendingLimit,
  startingEnv,
  startingLimits,
} from "../sys/launched.ts";
import { parseStep, type Step } from "./parse.ts";
import { type Failure, isFailure } from "../common/failure.ts";
import type { ChainProgram } from "./names.ts";
import { envChange, envGet, mergeEnv } from "../common/env_list.ts";
import { readEnvDir } from "./envdir_read.ts";
import { softValue } from "./softlimit_args.ts";
import { mayBeDt, nextInProcess, realWhich, selfPaths } from "./resolve.ts";
import { runFghack } from "./fghack.ts";
import { nprocVerdict } from "./nproc.ts";

export type { PendingLimit } from "../sys/launched.ts";
export { startingEnv, startingLimits } from "../sys/launched.ts";

/** What the steps applied so far have built. */
export interface ChainState {
  /** The environment the next program gets, as raw `NAME=VALUE` entries. */
  env: Uint8Array[];
  /** Lock fds held (not close-on-exec). */
  locks: number[];
  /** Soft limits to set before the exec, in order. */
  limits: PendingLimit[];
}

/** Prints a failure, releases what the chain holds, and ends with its code. */
function stop(state: ChainState, f: Failure): never {
  for (const line of f.lines) errLine(line);
  for (const fd of state.locks) close(fd);
  state.locks = [];
  throw new Exit(f.code);
}

function fatal(prog: string, ...parts: unknown[]): Failure {
  return { prog, code: 111, lines: [`${prog}: fatal: ${joinParts(parts)}`] };
}

/** Applies one parsed step to the state; a failure when daemontools' program would fail. */
function applyStep(state: ChainState, step: Step): Failure | null {
  switch (step.prog) {
    case "envdir": {
      const changes = readEnvDir(step.dir);
      if (isFailure(changes)) return changes;
      state.env = mergeEnv(state.env, changes);
      return null;
    }
    case "envuidgid": {
      const pw = getpwnam(step.account);
      if (pw === null) return fatal(step.prog, `unknown account ${step.account}`);
      state.env = mergeEnv(state.env, [
        envChange("UID", String(pw.uid)),
        envChange("GID", String(pw.gid)),
      ]);
      return null;
    }
    case "setuidgid": {
      const pw = getpwnam(step.account);
      if (pw === null) return fatal(step.prog, `unknown account ${step.account}`);
      // RLIMIT_NPROC at setuid: decide as for a one-thread setuidgid, and keep
      // Deno's own threads (each a task of the account) from tripping it
      const now = getrlimit(RLIMIT.NPROC);
      const soft = state.limits.findLast((l) => l.resource === RLIMIT.NPROC)?.limit.cur ?? now.cur;
      const nproc = soft === RLIM_INFINITY
        ? { exceeded: false, tight: false }
        : nprocVerdict(pw.uid, soft);
      const raise = nproc.tight && now.cur < now.max;
      if (raise) setrlimit(RLIMIT.NPROC, { cur: now.max, max: now.max });
      try {
        try {
          setgroups([pw.gid]);
          setgid(pw.gid);
        } catch (e) {
          return fatal(step.prog, "unable to setgid: ", e);
        }
        try {
          setuid(pw.uid);
        } catch (e) {
          return fatal(step.prog, "unable to setuid: ", e);
        }
      } finally {
        if (raise) setrlimit(RLIMIT.NPROC, now);
      }
      if (nproc.exceeded) {
        // the kernel refuses the next execve, whatever it runs
        return fatal(
          step.prog,
          `unable to run ${step.child[0]}: `,
          new SysError("execve", ERRNO.EAGAIN),
        );
      }
      return null;
    }
    case "softlimit": {
      for (const { resource, value } of step.limits) {
        let max: bigint;
        try {
          max = getrlimit(resource).max;
        } catch (e) {
          return fatal(step.prog, "getrlimit failed: ", e);
        }
        state.limits.push({
          prog: step.prog,
          resource,
          limit: { cur: softValue(value, max), max },
        });
      }
      return null;
    }
    case "setlock": {
      const silent: Failure = { prog: step.prog, code: 0, lines: [] };
      let fd: number;
      try {
        fd = open(step.file, O.WRONLY | O.NONBLOCK | O.APPEND | O.CREAT, 0o600);
      } catch (e) {
        return step.silent ? silent : fatal(step.prog, `unable to open ${step.file}: `, e);
      }
      state.locks.push(fd);
      let got: boolean;
      try {
        got = flock(fd, LOCK.EX | (step.nonblock ? LOCK.NB : 0), step.file);
      } catch (e) {
        return step.silent ? silent : fatal(step.prog, `unable to lock ${step.file}: `, e);
      }
      if (!got) {
        if (step.silent) return silent;
        return fatal(
          step.prog,
          `unable to lock ${step.file}: `,
          new SysError("flock", ERRNO.EAGAIN),
        );
      }
      return null;
    }
    case "pgrphack":
      try {
        setsid();
      } catch {
        // daemontools ignores setsid's failure (already a group leader)
      }
      return null;
    case "fghack":
      return null;
  }
}

/**
 * The limits a final program that is dt itself can be given: those below what
 * Deno needs are not set (Deno would die of them at start) but passed on in
 * the launcher's variables, so that what that dt starts gets them; one
 * warning line names the ones a softlimit step asked for.
 */
function limitsForDt(
  state: ChainState,
  argv0: string,
): { limits: PendingLimit[]; env: Uint8Array[] } {
  const last = new Map<number, PendingLimit>();
  for (const l of state.limits) last.set(l.resource, l);
  const held: PendingLimit[] = [];
  for (const [resource, l] of last) {
    const need = DENO_NEEDS[resource];
    if (need !== undefined && l.limit.cur < need) held.push(l);
  }
  if (held.length === 0) return { limits: state.limits, env: state.env };
  const order = [RLIMIT.AS, RLIMIT.DATA, RLIMIT.STACK] as number[];
  held.sort((x, y) => order.indexOf(x.resource) - order.indexOf(y.resource));
  const asked = held.filter((l) => l.prog !== "dt");
  if (asked.length > 0) {
    const what = asked.map((l) =>
      `${LIMIT_NAMES[l.resource]} limit of ${l.limit.cur} bytes (dt needs at least ${
        DENO_NEEDS[l.resource]
      })`
    );
    errLine(`${asked[0].prog}: warning: not applied to dt (${argv0}): ${what.join(", ")}`);
  }
  const names: Record<number, string> = {
    [RLIMIT.AS]: "DT_AS_SOFT",
    [RLIMIT.DATA]: "DT_DATA_SOFT",
    [RLIMIT.STACK]: "DT_STACK_SOFT",
  };
  return {
    limits: state.limits.filter((l) => !held.some((h) => h.resource === l.resource)),
    env: mergeEnv(state.env, held.map((l) => envChange(names[l.resource], String(l.limit.cur)))),
  };
}

/** Replaces this process with `argv`, limits set last; returns only by failing. */
function execChild(state: ChainState, prog: string, argv: string[], pathVar?: string): never {
  const real = mayBeDt(argv) ? realWhich(argv[0], pathVar) : null;
  const { limits, env } = real !== null && selfPaths().includes(real)
    ? limitsForDt(state, argv[0])
    : state;
  const prepared: PreparedExec = prepareExec(argv, env, pathVar);
  try {
    prepared.run(prepareLimits(limits));
  } catch (e) {
    if (e instanceof LimitFailure) {
      stop(state, fatal(limits[e.index].prog, "setrlimit failed: ", e));
    }
    stop(state, fatal(prog, `unable to run ${argv[0]}: `, e));
  }
}

/**
 * Runs chain program `prog` with `args`, then every dt chain program after it
 * in this process, and execs the final program. Returns only for fghack (the
 * child's exit code); otherwise it execs or throws {@link Exit}.
 *
 * @example Not run by `deno test --doc`: it replaces the process
 * ```ts ignore
 * // dt envdir ./env dt setuidgid app dt softlimit -m 50000000 ./server
 * await runChain("envdir", ["./env", "dt", "setuidgid", "app", "dt", "softlimit", "-m", "50000000", "./server"]);
 * ```
 */
export async function runChain(prog: ChainProgram, args: string[]): Promise<number> {
  const state: ChainState = { env: startingEnv(), locks: [], limits: startingLimits() };
  let next: { prog: ChainProgram; args: string[] } | null = { prog, args };
  for (;;) {
    const step = parseStep(next.prog, next.args);
    if (isFailure(step)) stop(state, step);
    // pathexec looks the next program up in the PATH this step started with
    const pathVar = envGet(state.env, "PATH");
    const failed = applyStep(state, step);
    if (failed !== null) stop(state, failed);
    if (step.prog === "fghack") {
      const r = await runFghack(step.child, state.env, state.limits);
      if (isFailure(r)) stop(state, r);
      return r;
    }
    next = nextInProcess(step.child, pathVar);
    if (next === null) execChild(state, step.prog, step.child, pathVar);
  }
}
