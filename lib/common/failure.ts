/**
 * What a pure parser returns when the input is bad: the lines the program
 * prints and the exit code it ends with, in daemontools' words (or dt's own,
 * `dt NAME: fatal: …`). The parser never throws and prints nothing; the
 * program prints the lines and exits (`failWith` in output.ts).
 *
 * @example
 * ```ts
 * import { isFailure, usageFailure } from "./failure.ts";
 * const f = usageFailure("dt svwait", "dt svwait DIR...", "unknown option: -x");
 * isFailure(f); // true
 * f.lines; // ["dt svwait: fatal: unknown option: -x", "dt svwait: usage: dt svwait DIR..."]
 * ```
 *
 * @module
 */

/** Why a program stops: the lines it prints and its exit code. */
export interface Failure {
  /** The program that fails, as its messages name it (`envdir`, `dt init`). */
  prog: string;
  /** Exit code. */
  code: number;
  /** Lines for stderr (none for setlock -x). */
  lines: string[];
}

/** True when a parse (or apply) result is a {@link Failure}. */
export function isFailure(x: unknown): x is Failure {
  return typeof x === "object" && x !== null && "lines" in x && "code" in x;
}

/**
 * A usage error of dt's own program `prog` (`dt init`): `error` on a line of
 * its own (none when empty: the usage says it), then `prog: usage: synopsis`;
 * exit 100.
 */
export function usageFailure(prog: string, synopsis: string, error: string): Failure {
  const lines = error === "" ? [] : [`${prog}: fatal: ${error}`];
  return { prog, code: 100, lines: [...lines, `${prog}: usage: ${synopsis}`] };
}
