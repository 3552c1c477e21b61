/**
 * What this process was started with, before Deno changed it, as bin/dt
 * records it: the environment byte for byte (from /proc/self/environ, less
 * the launcher's own variables), the soft limits Deno or the launcher raised,
 * and which of fds 0-2 were closed (Deno opens /dev/null on them). Every
 * program dt starts — the final exec of a chain, a supervised service, a
 * processor — gets these back, so it sees what it would see under daemontools.
 *
 * @module
 */
import { parseEnviron } from "../common/env_list.ts";
import { currentEnv } from "./env.ts";
import { getrlimit, type Limit, RLIM_INFINITY, RLIMIT } from "./rlimit.ts";

/** A soft limit to set for a program dt starts, with who asked for it. */
export interface PendingLimit {
  /** `dt` (put back what Deno or the launcher raised) or the softlimit step. */
  prog: string;
  /** RLIMIT_* number. */
  resource: number;
  /** The limits. */
  limit: Limit;
}

/**
 * The least Deno can start and run under, in bytes (bin/dt has the same
 * numbers): V8 reserves its heap's address space up front (measured: 32 GiB
 * and below kill Deno at start, 36 GiB does not), a data limit of 500 MB kills
 * it, and a stack of 200 KiB overflows.
 */
export const DENO_NEEDS: Readonly<Record<number, bigint>> = {
  [RLIMIT.AS]: 64n << 30n,
  [RLIMIT.DATA]: 2n << 30n,
  [RLIMIT.STACK]: 2n << 20n,
};

/** How a limit is named in messages. */
export const LIMIT_NAMES: Readonly<Record<number, string>> = {
  [RLIMIT.AS]: "address-space",
  [RLIMIT.DATA]: "data-segment",
  [RLIMIT.STACK]: "stack",
};

/** The launcher's variables (soft limits it or Deno raised, closed fds, its path). */
const SOFT_VARS: readonly [string, number][] = [
  ["DT_NOFILE_SOFT", RLIMIT.NOFILE],
  ["DT_AS_SOFT", RLIMIT.AS],
  ["DT_DATA_SOFT", RLIMIT.DATA],
  ["DT_STACK_SOFT", RLIMIT.STACK],
];

/** Variables bin/dt exports for dt's own use; the programs dt starts never see them. */
export const LAUNCHER_VARS: readonly string[] = [
  "DT_LAUNCHER",
  "DT_CLOSED_FDS",
  "DT_UNSET",
  ...SOFT_VARS.map(([n]) => n),
];

const enc = new TextEncoder();
const launcherPrefixes = LAUNCHER_VARS.map((n) => enc.encode(n + "="));

function startsWith(e: Uint8Array, prefix: Uint8Array): boolean {
  if (e.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (e[i] !== prefix[i]) return false;
  return true;
}

let envCache: Uint8Array[] | undefined;

/**
 * The environment dt was started with, byte for byte and in order (Deno's own
 * view drops values that are not UTF-8), less the launcher's variables.
 */
export function startingEnv(): Uint8Array[] {
  if (envCache === undefined) {
    let env: Uint8Array[];
    try {
      env = parseEnviron(Deno.readFileSync("/proc/self/environ"));
    } catch {
      env = currentEnv().map((e) => enc.encode(e));
    }
    // what the launcher's shell added on its way (SHLVL, PATH: DT_UNSET names them) goes too
    const added = (Deno.env.get("DT_UNSET") ?? "").split(" ").filter((n) => n !== "");
    const drop = [...launcherPrefixes, ...added.map((n) => enc.encode(n + "="))];
    envCache = env.filter((e) => !drop.some((v) => startsWith(e, v)));
  }
  return envCache.slice();
}

/** A launcher variable's value as a limit: `unlimited`, or a number. */
function parseSoft(v: string | undefined): bigint | null {
  if (v === undefined || v === "") return null;
  if (v === "unlimited") return RLIM_INFINITY;
  return /^\d+$/.test(v) ? BigInt(v) : null;
}

/**
 * The soft limits to put back for a program dt starts: the open-files limit
 * Deno raised (bin/dt passes the old one in `DT_NOFILE_SOFT`), and the
 * address-space, data and stack limits bin/dt raised for Deno. Never above
 * the hard limit in force.
 */
export function startingLimits(): PendingLimit[] {
  const out: PendingLimit[] = [];
  for (const [name, resource] of SOFT_VARS) {
    const cur = parseSoft(Deno.env.get(name));
    if (cur === null) continue;
    const { max } = getrlimit(resource);
    out.push({ prog: "dt", resource, limit: { cur: cur > max ? max : cur, max } });
  }
  return out;
}

/** True when fd (0, 1 or 2) was closed when dt was started (bin/dt tells). */
export function closedAtStart(fd: number): boolean {
  return (Deno.env.get("DT_CLOSED_FDS") ?? "").includes(String(fd));
}
