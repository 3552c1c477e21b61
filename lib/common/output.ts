/**
 * Messages in daemontools' shape, written synchronously to stderr:
 * `PROG: fatal: WHAT: REASON`, `PROG: warning: …`, `PROG: usage: …`. A name
 * that is not UTF-8 (lib/common/raw_text.ts) is written as its bytes.
 *
 * @module
 */
import { Exit, reason } from "./errors.ts";
import type { Failure } from "./failure.ts";
import { encodeRaw } from "./raw_text.ts";

/** Writes all of `bytes` to a Deno writer synchronously (stdout or stderr). */
function writeAllSync(w: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
}

/** Writes one line to stderr; never throws (a closed stderr is not worth dying for). */
export function errLine(text: string): void {
  try {
    writeAllSync(Deno.stderr, encodeRaw(text + "\n"));
  } catch {
    // stderr gone: nothing sensible to do
  }
}

/** Writes text to stdout synchronously. */
export function out(text: string): void {
  writeAllSync(Deno.stdout, encodeRaw(text));
}

/** `PROG: warning: PARTS…` — with an error as the last part, its daemontools wording. */
export function warn(prog: string, ...parts: unknown[]): void {
  errLine(`${prog}: warning: ${joinParts(parts)}`);
}

/** Prints `PROG: fatal: PARTS…` and throws {@link Exit} with `code`. */
export function fatal(prog: string, code: number, ...parts: unknown[]): never {
  errLine(`${prog}: fatal: ${joinParts(parts)}`);
  throw new Exit(code);
}

/** Prints `PROG: usage: PROG SYNOPSIS` and throws {@link Exit} 100. */
export function usage(prog: string, synopsis: string): never {
  errLine(`${prog}: usage: ${prog} ${synopsis}`);
  throw new Exit(100);
}

/** Prints a parser's {@link Failure} and returns its exit code. */
export function failWith(f: Failure): number {
  for (const line of f.lines) errLine(line);
  return f.code;
}

/** Joins message parts; a non-string part is rendered with daemontools' error wording. */
export function joinParts(parts: unknown[]): string {
  return parts.map((p) => typeof p === "string" ? p : reason(p)).join("");
}
