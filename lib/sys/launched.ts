/**
 * What this process was started with, before Deno changed it, as bin/dt
 * records it: the environment byte for byte (the one the launcher was given,
 * before its shell dropped, reordered or added entries), the signals it was
 * given ignored (Deno ignores SIGPIPE itself), the soft limits Deno or the
 * launcher raised, and which of fds 0-2 were closed (Deno opens /dev/null on
 * them). Every program dt starts — the final exec of a chain, a supervised
 * service, a processor — gets these back, so it sees what it would see under
 * daemontools.
 *
 * @module
 */
import { decodeCapturedEnviron, parseEnviron } from "../common/env_list.ts";
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
const LAUNCHER_VARS: readonly string[] = [
  "DT_LAUNCHER",
  "DT_CLOSED_FDS",
  "DT_UNSET",
  "DT_ENVIRON",
  "DT_SIGIGN",
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
const environPrefix = enc.encode("DT_ENVIRON=");

/**
 * The environment dt was started with, byte for byte and in order (Deno's own
 * view drops values that are not UTF-8), less the launcher's variables: the
 * one bin/dt captured (`DT_ENVIRON`) when there is one, else this process's,
 * less what the launcher's shell added (`DT_UNSET` names them).
 */
export function startingEnv(): Uint8Array[] {
  if (envCache === undefined) {
    let env: Uint8Array[];
    try {
      env = parseEnviron(Deno.readFileSync("/proc/self/environ"));
    } catch {
      env = currentEnv().map((e) => enc.encode(e));
    }
    const captured = env.find((e) => startsWith(e, environPrefix));
    const given = captured && decodeCapturedEnviron(captured.subarray(environPrefix.length));
    let drop = launcherPrefixes;
    if (given) env = given;
    else {
      // what the launcher's shell added on its way (SHLVL, PATH: DT_UNSET names them) goes too
      const added = (Deno.env.get("DT_UNSET") ?? "").split(" ").filter((n) => n !== "");
      drop = [...launcherPrefixes, ...added.map((n) => enc.encode(n + "="))];
    }
    envCache = env.filter((e) => !drop.some((v) => startsWith(e, v)));
  }
  return envCache.slice();
}

const SIGPIPE_BIT = 1n << 12n;
let ignoredCache: bigint | undefined;

/**
 * The signals dt was started with ignored, as a mask (bit n-1 for signal n,
 * 1 to 64): daemontools' programs pass these on to what they start. bin/dt
 * reads them before Deno starts (`DT_SIGIGN`, /proc/self/status's SigIgn);
 * without it (dt run by `deno run` itself), this process's own SigIgn less
 * SIGPIPE, which Deno ignores itself (a signal Deno has taken a handler for
 * since is missed then).
 */
export function ignoredAtStart(): bigint {
  if (ignoredCache === undefined) {
    let hex = Deno.env.get("DT_SIGIGN");
    let mask = 0n;
    if (hex === undefined || !/^[0-9a-f]{1,16}$/.test(hex)) {
      try {
        hex = /^SigIgn:\s*([0-9a-f]+)$/m.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
      } catch { /* no /proc: nothing ignored */ }
      if (hex !== undefined) mask = BigInt(`0x${hex}`) & ~SIGPIPE_BIT;
    } else mask = BigInt(`0x${hex}`);
    ignoredCache = BigInt.asUintN(64, mask);
  }
  return ignoredCache;
}

/**
 * `DT_SIGIGN=…` for a dt this process starts directly (Deno, not through
 * bin/dt): the signals this dt was started with ignored, which that one
 * passes on in its turn ({@link ignoredAtStart}; it keeps the variable from
 * what it starts).
 */
export function ignoredVar(): Uint8Array {
  return enc.encode(`DT_SIGIGN=${ignoredAtStart().toString(16).padStart(16, "0")}`);
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
