/**
 * Deciding whether the next program of a chain is dt itself, so that it can
 * be applied in this process instead of paying for another runtime start.
 *
 * A name counts as dt when the file that pathexec would run for it — the
 * first executable candidate in PATH, or the path itself when it has a slash —
 * is, after following symlinks, dt's launcher (`bin/dt` beside this checkout,
 * or the one that started this process) or, in a `deno compile`d dt, the
 * running executable.
 *
 * @module
 */
import { whichExec } from "../sys/path_search.ts";
import { selfExecutable } from "../common/self.ts";
import { isProgramName } from "../common/program_names.ts";
import { type ChainProgram, isChainProgram } from "./names.ts";
import { basename } from "../common/paths.ts";

/** A next step that runs in this process. */
export interface InProcess {
  /** The chain program. */
  prog: ChainProgram;
  /** Its arguments (without the program name). */
  args: string[];
}

/**
 * What dt would run for `argv` (cli.ts's dispatch: the name it is started
 * under if that is a program, else the first argument) when that is a chain
 * program; null otherwise. Pure.
 *
 * @example
 * ```ts
 * dispatchChain(["/usr/local/bin/setuidgid", "app", "x"]); // { prog: "setuidgid", args: ["app", "x"] }
 * dispatchChain(["dt", "softlimit", "-o", "9", "x"]);       // { prog: "softlimit", args: [...] }
 * dispatchChain(["dt", "svstat", "/service/x"]);            // null
 * ```
 */
export function dispatchChain(argv: readonly string[]): InProcess | null {
  const name = basename(argv[0] ?? "");
  if (isChainProgram(name)) return { prog: name, args: argv.slice(1) };
  if (isProgramName(name)) return null;
  if (isChainProgram(argv[1])) return { prog: argv[1], args: argv.slice(2) };
  return null;
}

/**
 * Whether `argv` could start dt at all, from the names alone: dt answers to
 * the name it is started under when that is one of its programs, else to its
 * first argument, so a program that is neither called `dt` nor one of dt's
 * names and whose first argument is not one either (`true`, `sh -c …`) is not
 * dt's, and the PATH search and real paths that would tell are not needed.
 * (A launcher renamed to something else and given no program prints its help
 * whatever its limits are.) Pure.
 *
 * @example
 * ```ts
 * mayBeDt(["/bin/true"]);                  // false
 * mayBeDt(["/usr/local/bin/svstat", "x"]); // true
 * mayBeDt(["./mydt", "svstat", "x"]);      // true
 * ```
 */
export function mayBeDt(argv: readonly string[]): boolean {
  const name = basename(argv[0] ?? "");
  return name === "dt" || isProgramName(name) ||
    (argv[1] !== undefined && isProgramName(argv[1]));
}

let selfCache: string[] | undefined;

/**
 * Real paths that are "dt": the launcher that started this process (or a
 * compiled dt), and, when running from a checkout, its `bin/dt`.
 */
export function selfPaths(): string[] {
  if (selfCache !== undefined) return selfCache;
  const candidates = [selfExecutable()];
  // from a checkout (not a bundle): bin/dt beside lib/
  if (import.meta.url.endsWith("/lib/chain/resolve.ts")) {
    candidates.push(new URL("../../bin/dt", import.meta.url).pathname);
  }
  const found = new Set<string>();
  for (const p of candidates) {
    if (p === null) continue;
    try {
      found.add(Deno.realPathSync(p));
    } catch {
      // not there
    }
  }
  return selfCache = [...found];
}

/** The in-process step for `argv` when it names dt and a chain program; else null. */
export function nextInProcess(
  argv: readonly string[],
  pathVar: string | undefined,
): InProcess | null {
  const step = dispatchChain(argv);
  if (step === null) return null;
  const real = realWhich(argv[0], pathVar);
  return real !== null && selfPaths().includes(real) ? step : null;
}

/** The real path (symlinks resolved) of what pathexec would run for `prog`, or null. */
export function realWhich(prog: string, pathVar: string | undefined): string | null {
  const file = whichExec(prog, pathVar);
  if (file === null) return null;
  try {
    return Deno.realPathSync(file);
  } catch {
    return null;
  }
}
