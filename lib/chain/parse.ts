/**
 * Parsing one chain program's arguments, with daemontools' checks and
 * messages. Pure: nothing is looked up or applied here.
 *
 * @module
 */
import { getopt } from "../common/args.ts";
import type { Failure } from "../common/failure.ts";
import { type ChainProgram, USAGE } from "./names.ts";
import {
  LIMIT_OPTIONS,
  type LimitValue,
  parseLimitValue,
  SOFTLIMIT_GETOPT,
} from "./softlimit_args.ts";

/** One requested limit: resource and value (`=` for the hard limit). */
export interface LimitRequest {
  /** RLIMIT_* number. */
  resource: number;
  /** The soft limit asked for. */
  value: LimitValue;
}

/** A parsed chain step: what to do, then `child` to run. */
export type Step =
  | { prog: "setuidgid" | "envuidgid"; account: string; child: string[] }
  | { prog: "envdir"; dir: string; child: string[] }
  | { prog: "softlimit"; limits: LimitRequest[]; child: string[] }
  | { prog: "setlock"; file: string; nonblock: boolean; silent: boolean; child: string[] }
  | { prog: "pgrphack" | "fghack"; child: string[] };

function chainUsage(prog: ChainProgram, before: string[] = []): Failure {
  return { prog, code: USAGE[prog].code, lines: [...before, USAGE[prog].line] };
}

/** djb's sgetopt complaint for a bad option letter. */
function getoptComplaint(prog: string, spec: string, bad: string): string {
  const needsArg = bad !== ":" && spec.includes(bad + ":");
  return `${prog}: ${needsArg ? "option requires an argument" : "illegal option"} -- ${bad}`;
}

/**
 * Parses `args` (after the program name) for `prog`.
 *
 * @example
 * ```ts
 * parseStep("setlock", ["-n", "/tmp/lk", "true"]);
 * // { prog: "setlock", file: "/tmp/lk", nonblock: true, silent: false, child: ["true"] }
 * parseStep("setuidgid", ["app"]);
 * // { prog: "setuidgid", code: 100, lines: ["setuidgid: usage: setuidgid account child"] }
 * ```
 */
export function parseStep(prog: ChainProgram, args: readonly string[]): Step | Failure {
  switch (prog) {
    case "setuidgid":
    case "envuidgid":
      if (args.length < 2) return chainUsage(prog);
      return { prog, account: args[0], child: args.slice(1) };
    case "envdir":
      if (args.length < 2) return chainUsage(prog);
      return { prog, dir: args[0], child: args.slice(1) };
    case "pgrphack":
    case "fghack":
      if (args.length < 1) return chainUsage(prog);
      return { prog, child: args.slice() };
    case "softlimit":
      return parseSoftlimit(args);
    case "setlock":
      return parseSetlock(args);
  }
}

function parseSoftlimit(args: readonly string[]): Step | Failure {
  const g = getopt(args, SOFTLIMIT_GETOPT);
  const limits: LimitRequest[] = [];
  // daemontools applies each option as getopt returns it: a bad value before a
  // bad letter gives the usage alone.
  for (const o of g.opts) {
    const value = parseLimitValue(o.arg ?? "");
    if (value === null) return chainUsage("softlimit");
    for (const resource of LIMIT_OPTIONS[o.opt]) limits.push({ resource, value });
  }
  if (g.bad !== undefined) {
    return chainUsage("softlimit", [getoptComplaint("softlimit", SOFTLIMIT_GETOPT, g.bad)]);
  }
  if (g.rest.length < 1) return chainUsage("softlimit");
  return { prog: "softlimit", limits, child: g.rest };
}

function parseSetlock(args: readonly string[]): Step | Failure {
  const g = getopt(args, "nNxX");
  if (g.bad !== undefined) {
    return chainUsage("setlock", [getoptComplaint("setlock", "nNxX", g.bad)]);
  }
  let nonblock = false, silent = false;
  for (const o of g.opts) {
    if (o.opt === "n") nonblock = true;
    else if (o.opt === "N") nonblock = false;
    else if (o.opt === "x") silent = true;
    else silent = false;
  }
  if (g.rest.length < 2) return chainUsage("setlock");
  return { prog: "setlock", file: g.rest[0], nonblock, silent, child: g.rest.slice(1) };
}
