/**
 * The first step of an in-process logger's start: what to run, decided from
 * the text of `log/run` before anything is opened. The decision is pure
 * ({@link planLogger}: recognise.ts's forms, multilog's script parsed, the
 * account's credentials, whether its lines are journaled); what it asks of
 * the system (where a program name leads, who an account is) is handed in.
 * {@link inProcessPlan} reads the held log directory's `run` and asks the
 * system. Then opening.ts opens, then runner.ts runs.
 *
 * @module
 */
import { getEnv } from "../sys/env.ts";
import { getpwnam } from "../sys/ids.ts";
import { AT_FDCWD, tryStatAt } from "../sys/dir_fd.ts";
import { type HeldService, readHeld } from "../sys/held_file.ts";
import type { FsCredentials } from "../sys/fscreds.ts";
import { realWhich, selfPaths } from "../chain/resolve.ts";
import { type ParsedScript, parseScript } from "../multilog/script.ts";
import { recogniseLogRun } from "./recognise.ts";

/** What an in-process logger runs. */
export interface LoggerPlan {
  /** multilog's script. */
  script: ParsedScript;
  /** The account whose rights every file step is taken with (`setuidgid ACCOUNT`), if any. */
  account?: FsCredentials;
  /**
   * True when its lines are journaled (exactly once across a kill of the
   * scanner): the script logs to one directory, where a line in the pipe is
   * a line in the files, or none.
   */
  journaled: boolean;
  /** True when its patterns may keep lines out of that directory (recovery runs them again). */
  selects: boolean;
}

/** What {@link planLogger} asks of the system. */
export interface PlanLookups {
  /** True when the program `word` names (a name on PATH, or an absolute path) is dt or daemontools'. */
  resolves(word: string): boolean;
  /** The account `name`, or null when there is none. */
  account(name: string): { uid: number; gid: number } | null;
}

/**
 * The logger to run in-process for the `log/run` text `text`, or null when
 * it is to run as a process: not one of recognise.ts's forms, a program that
 * is neither dt nor daemontools', a `!processor` under `setuidgid` (it must
 * run as the account), an unknown account (setuidgid's own message says so).
 *
 * @example
 * ```ts
 * import { planLogger } from "./plan.ts";
 * const look = { resolves: () => true, account: () => ({ uid: 99, gid: 98 }) };
 * const plan = planLogger("#!/bin/sh\nexec setuidgid log multilog t ./main\n", look);
 * console.assert(plan?.journaled && plan.account?.groups[0] === 98);
 * console.assert(planLogger("#!/bin/sh\nexec svlogd ./main\n", look) === null);
 * ```
 */
export function planLogger(text: string, look: PlanLookups): LoggerPlan | null {
  const logger = recogniseLogRun(text);
  if (logger === null || !logger.programs.every((w) => look.resolves(w))) return null;
  const script = parseScript(logger.script);
  const journaled = script.dirs.length === 1;
  const selects = script.actions.some((a) => a.kind === "select" || a.kind === "deselect");
  if (logger.account === null) return { script, journaled, selects };
  if (logger.script.some((a) => a.startsWith("!"))) return null;
  const acct = look.account(logger.account);
  if (acct === null) return null;
  // daemontools' setuidgid: groups are exactly the account's primary group
  const account = { uid: acct.uid, gid: acct.gid, groups: [acct.gid] };
  return { script, account, journaled, selects };
}

/** True unless `DT_INPROCESS_LOG=0`. */
export function inProcessLogsEnabled(env: readonly (string | Uint8Array)[]): boolean {
  return getEnv(env, "DT_INPROCESS_LOG") !== "0";
}

/**
 * True when `word` (a name looked up in PATH, or an absolute path) runs, after
 * following symlinks, dt itself, or daemontools' own program of that name (a
 * C binary whose real path ends in the name).
 */
export function resolvesToLogger(word: string, pathVar: string | undefined): boolean {
  const real = realWhich(word, pathVar);
  if (real === null) return false;
  if (selfPaths().includes(real)) return true;
  const name = word.slice(word.lastIndexOf("/") + 1);
  if (name === "dt" || !real.endsWith(`/${name}`)) return false;
  try {
    // (readHeld: a regular file only, never waiting, as a FIFO swapped in after the PATH search)
    const head = readHeld(AT_FDCWD, real, 4, { label: real, follow: true });
    return head !== null && head.length === 4 && head[0] === 0x7f && head[1] === 0x45 &&
      head[2] === 0x4c && head[3] === 0x46;
  } catch {
    return false;
  }
}

/** The largest `log/run` read to see whether it is a canonical one (they are a line or two). */
export const RUN_MAX = 64 << 10;

/**
 * The plan for the held log directory's `run`, or null to start it as a
 * process. `run` is read through the held directory, never waiting (a FIFO
 * there is no canonical script: the process start says why it cannot run).
 */
export function inProcessPlan(
  held: HeldService,
  env: readonly (string | Uint8Array)[],
): LoggerPlan | null {
  if (!inProcessLogsEnabled(env)) return null;
  let text: string;
  try {
    const st = tryStatAt(held.fd, "run", held.trusted);
    if (typeof st === "number" || st.kind !== "file" || (st.mode & 0o111) === 0) return null;
    const b = readHeld(held.fd, "run", RUN_MAX + 1, {
      label: `${held.label}/run`,
      follow: held.trusted,
    });
    if (b === null || b.length > RUN_MAX) return null;
    text = new TextDecoder().decode(b);
  } catch {
    return null;
  }
  const pathVar = getEnv(env, "PATH");
  return planLogger(text, {
    resolves: (word) => resolvesToLogger(word, pathVar),
    account: (name) => getpwnam(name),
  });
}
