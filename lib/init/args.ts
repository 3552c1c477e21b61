/**
 * `dt init`'s command line, parsed without side effects. Options end at `--`
 * or at the first argument that is not an option (so `dt init ls -l` runs
 * `ls -l`), as with tini and dumb-init under POSIXLY_CORRECT.
 *
 * @example
 * ```ts
 * parseInitArgs(["-c", "-r", "15:3", "--", "app", "-x"]);
 * // { singleChild: true, rewrites: Map {15 => 3}, prog: ["app", "-x"], … }
 * ```
 *
 * @module
 */
import { parseMsText, WANT_MS, WANT_SECONDS } from "../common/durations.ts";
import { type Failure, usageFailure } from "../common/failure.ts";
import { parseGrace } from "../proctree/grace.ts";
import { parseSignal } from "../proctree/signal_name.ts";

/** What `dt init` was asked to do. */
export interface InitOptions {
  /** `-c`: signal PROG alone, not its process group, and keep it in dt's session. */
  singleChild: boolean;
  /** `-r S:R`: signal S is forwarded as R (0: dropped). */
  rewrites: Map<number, number>;
  /** `-e CODE`: PROG exiting with CODE (or 128+N for signal N) makes dt exit 0. */
  okCodes: Set<number>;
  /** `-t SECONDS` in ms (0: KILL right after TERM), or null for the environment's / the default. */
  graceMs: number | null;
  /** `-S DIR`: the service tree to run beside PROG. */
  services: string | null;
  /**
   * `-T MS`: with -S, PROG starts only if every service is up (ready, if it
   * declares readiness) within MS; Infinity (`-T 0`, s6-svwait's `-t 0`): however long it takes.
   */
  readyTimeoutMs: number | null;
  /** `-v`: say what dt does (subreaper, services, the end). */
  verbose: boolean;
  /** `-w`: print each reaped orphan. */
  warnReaped: boolean;
  /**
   * `-l`: the services without a `log/`, and PROG, write to dt's stdout
   * through dt, line by line, each line prefixed with the name (`web: …`).
   */
  logPrefix: boolean;
  help: boolean;
  version: boolean;
  /** PROG and its arguments (empty: none given). */
  prog: string[];
}

/** `dt init`'s usage line. */
export const INIT_SYNOPSIS =
  "dt init [-clvw] [-r S:R]... [-e CODE]... [-t SECONDS] [-S DIR [-T MS]] [--] PROG [ARG...]";

/** Options that take a value, by short and long name. */
const VALUED: Record<string, string> = {
  r: "rewrite",
  e: "exit-ok",
  t: "grace",
  S: "services",
  T: "ready-timeout",
};
const FLAGS: Record<string, string> = {
  c: "single-child",
  v: "verbose",
  w: "warn-reaped",
  l: "log-prefix",
  h: "help",
  V: "version",
};
const LONG_TO_SHORT: Record<string, string> = Object.fromEntries(
  [...Object.entries(VALUED), ...Object.entries(FLAGS)].map(([s, l]) => [l, s]),
);

/**
 * Parses `dt init`'s arguments (those after `init`): the options, or the
 * usage error (`dt init: fatal: …` and the usage line, exit 100).
 */
export function parseInitArgs(args: readonly string[]): InitOptions | Failure {
  const r = parse(args);
  return typeof r === "string" ? usageFailure("dt init", INIT_SYNOPSIS, r) : r;
}

/** The options, or what is wrong with them. */
function parse(args: readonly string[]): InitOptions | string {
  const opts: InitOptions = {
    singleChild: false,
    rewrites: new Map(),
    okCodes: new Set(),
    graceMs: null,
    services: null,
    readyTimeoutMs: null,
    verbose: false,
    warnReaped: false,
    logPrefix: false,
    help: false,
    version: false,
    prog: [],
  };
  let i = 0;
  const apply = (short: string, value: string | undefined): string | null => {
    switch (short) {
      case "c":
        opts.singleChild = true;
        return null;
      case "v":
        opts.verbose = true;
        return null;
      case "w":
        opts.warnReaped = true;
        return null;
      case "l":
        opts.logPrefix = true;
        return null;
      case "h":
        opts.help = true;
        return null;
      case "V":
        opts.version = true;
        return null;
      case "r": {
        const m = /^([^:]+):([^:]+)$/.exec(value!);
        const from = m ? parseSignal(m[1], false) : null;
        const to = m ? parseSignal(m[2], true) : null;
        if (from === null || to === null) return `bad signal rewrite: ${value} (want S:R)`;
        opts.rewrites.set(from, to);
        return null;
      }
      case "e": {
        if (!/^\d+$/.test(value!) || Number(value) > 255) return `bad exit code: ${value}`;
        opts.okCodes.add(Number(value));
        return null;
      }
      case "t": {
        const g = parseGrace(value!);
        if (g === null) return `bad grace period: ${value} (want ${WANT_SECONDS})`;
        opts.graceMs = g;
        return null;
      }
      case "T": {
        const ms = parseMsText(value!);
        if (ms === null) return `bad ready timeout: ${value} (want ${WANT_MS})`;
        opts.readyTimeoutMs = ms === 0 ? Infinity : ms;
        return null;
      }
      case "S":
        if (value === "") return "empty service directory";
        opts.services = value!;
        return null;
    }
    return `unknown option: ${short}`;
  };
  while (i < args.length) {
    const a = args[i];
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const short = LONG_TO_SHORT[name];
      if (short === undefined) return `unknown option: ${a}`;
      let value: string | undefined;
      if (short in VALUED) {
        if (eq !== -1) value = a.slice(eq + 1);
        else if (i + 1 < args.length) value = args[++i];
        else return `option ${a} needs a value`;
      } else if (eq !== -1) return `option --${name} takes no value`;
      const err = apply(short, value);
      if (err !== null) return err;
      i++;
      continue;
    }
    if (a.length < 2 || !a.startsWith("-")) break;
    // a cluster of short options: -cvw, -r15:3, -t 2
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (c in VALUED) {
        let value = a.slice(j + 1);
        if (value === "") {
          if (i + 1 >= args.length) return `option -${c} needs a value`;
          value = args[++i];
        }
        const err = apply(c, value);
        if (err !== null) return err;
        break;
      }
      if (!(c in FLAGS)) return `unknown option: -${c}`;
      apply(c, undefined);
    }
    i++;
  }
  opts.prog = args.slice(i);
  if (opts.readyTimeoutMs !== null && opts.services === null) {
    return "option -T needs -S";
  }
  return opts;
}
