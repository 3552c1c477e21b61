/**
 * A getopt(3) in the manner of djb's sgetopt: clustered single-letter options,
 * option arguments attached or separate, the first non-option ends options,
 * and so does any argument that starts with `--` (`--` itself, and, as in
 * subgetopt.c and skalibs, `--anything`, which is dropped without a word:
 * `setlock --bogus f true` runs `true`). Pure.
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
  /**
   * The argument longer than `--` that started with `--` and ended the
   * options (sgetopt drops it): a program with no long options of its own
   * may name it as unknown.
   */
  endedBy?: string;
}

/** Parses `args` against a getopt spec such as `"nNxX"` or `"m:a:"`. */
export function getopt(args: readonly string[], spec: string): GetoptResult {
  const opts: Opt[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("--")) {
      // sgetopt: `--` and `--anything` end the options, and are dropped
      const rest = args.slice(i + 1);
      return a === "--" ? { opts, rest } : { opts, rest, endedBy: a };
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
