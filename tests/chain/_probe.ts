/**
 * Shared by the chain tests: the test account, a probe program that reports
 * what a chain left it (ids, limits, environment, process group, lock), and a
 * runner with a fully controlled environment.
 *
 * @module
 */
import {
  LAUNCHER,
  linkPrograms,
  type Result,
  run,
  Sandbox,
  type TestAccount,
  testAccount,
} from "../helpers/mod.ts";
import { CHAIN_PROGRAMS } from "../../lib/chain/mod.ts";

/** The unprivileged account the tests switch to. */
export const ACCOUNT = "dttest";
/** A supplementary group of ACCOUNT, which setuidgid must drop. */
export const EXTRA_GROUP = "dttestx";

let held: TestAccount | undefined;

/**
 * Takes the test account for this test file (made when missing, removed when
 * the last file that holds it ends: tests/helpers/accounts.ts): own primary
 * group, plus EXTRA_GROUP.
 */
export function ensureAccount(): TestAccount {
  held ??= testAccount(ACCOUNT, EXTRA_GROUP);
  return held;
}

/** A sandbox that other accounts can traverse, with dt's names linked in `bin`. */
export function chainSandbox(): { sb: Sandbox; bin: string; env: Record<string, string> } {
  const sb = new Sandbox("dt-chain-");
  Deno.chmodSync(sb.dir, 0o755);
  const bin = linkPrograms(sb, [...CHAIN_PROGRAMS]);
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: Deno.env.get("HOME") ?? "/root" };
  return { sb, bin, env };
}

/**
 * The probe: prints what it was given. Lines: `pid`, ids from
 * /proc/self/status, whether it leads its process group and session, the
 * soft/hard limits, the sorted environment, and whether $LOCK is held.
 */
export const PROBE = `#!/bin/sh
echo "pid $$"
grep -E '^(Uid|Gid|Groups):' /proc/$$/status | tr -s '\\t ' ' '
set -- $(sed 's/^.*) //' /proc/$$/stat)
[ "$3" = "$$" ] && echo "pgrp self" || echo "pgrp other"
[ "$4" = "$$" ] && echo "session self" || echo "session other"
sed -n '2,11p' /proc/$$/limits | tr -s ' '
env | grep -vE '^(_|PWD|OLDPWD|SHLVL)=' | sort
if [ -n "$LOCK" ]; then flock -n "$LOCK" true && echo "lock free" || echo "lock held"; fi
`;

/** What a run gave (the helpers' Result: pid, code, stdout, stderr). */
export type Ran = Pick<Result, "pid" | "code" | "stdout" | "stderr">;

/** Runs argv with exactly `env` (nothing inherited), in `cwd`; keeps the pid. */
export function runClean(
  argv: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<Ran> {
  return run(argv[0], argv.slice(1), { env, cwd, clearEnv: true });
}

/** The output with the probe's pid line made comparable: "pid = started" (same process) or "pid other". */
export function samePid(r: Ran): string {
  return r.stdout.replace(
    /^pid (\d+)$/m,
    (_, p) => `pid ${Number(p) === r.pid ? "= started" : "other"}`,
  );
}

/** The launcher, for `dt NAME …` chains that name dt by path. */
export const DT = LAUNCHER;
