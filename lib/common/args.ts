/**
 * A getopt(3) in the manner of djb's sgetopt: clustered single-letter options,
 * option arguments attached or separate, `--` ends options, the first
 * non-option ends options. Pure.
 *
 * @module
 */

/** One parsed option. */
export interface Opt {
  /** The option letter. */
  opt: string;
  /** Its argument, for letters declared with `:`. */
  arg?: string;
}

/** Result of {@link getopt}. */
export interface GetoptResult {
  /** Options in the order given. */
  opts: Opt[];
  /** Arguments after the options. */
  rest: string[];
  /** The first unknown letter or letter missing its argument, if any. */
  bad?: string;
  /** Why `bad` is bad: an unknown letter, or a letter missing its argument. */
  badKind?: "illegal" | "missing";
}

/** Parses `args` against a getopt spec such as `"nNxX"` or `"m:a:"`. */
export function getopt(args: readonly string[], spec: string): GetoptResult {
  const opts: Opt[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      i++;
      break;
    }
    if (a.length < 2 || a[0] !== "-") break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const at = spec.indexOf(c);
      if (c === ":" || at === -1) {
        return { opts, rest: args.slice(i + 1), bad: c, badKind: "illegal" };
      }
      if (spec[at + 1] === ":") {
        let arg = a.slice(j + 1);
        if (arg === "") {
          if (i + 1 >= args.length) return { opts, rest: [], bad: c, badKind: "missing" };
          arg = args[++i];
        }
        opts.push({ opt: c, arg });
        break;
      }
      opts.push({ opt: c });
    }
  }
  return { opts, rest: args.slice(i) };
}

/** sgetopt's complaint about a bad option (`PROG: illegal option -- Z`), or null when none. */
export function badOptionMessage(prog: string, r: GetoptResult): string | null {
  if (r.bad === undefined) return null;
  return r.badKind === "missing"
    ? `${prog}: option requires an argument -- ${r.bad}`
    : `${prog}: illegal option -- ${r.bad}`;
}
