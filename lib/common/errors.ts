/**
 * The error types every dt program shares, and the mapping of any thrown value
 * to daemontools' wording.
 *
 * @module
 */
import { ERRNO, errnoName, errorWords } from "./errno.ts";

/** A failed system call: the call, the path it was about (if any), and errno. */
export class SysError extends Error {
  /** errno name, e.g. `ENOENT`. */
  readonly code: string;
  /** errno number. */
  readonly errno: number;
  /** The libc call that failed, e.g. `open`. */
  readonly call: string;
  /** The path the call was about, if any. */
  readonly path?: string;

  /** The error of `call` (about `path`, if any) failing with `errno`. */
  constructor(call: string, errno: number, path?: string) {
    const code = errnoName(errno);
    super(`${call}${path === undefined ? "" : ` ${path}`}: ${code} (${errorWords(code)})`);
    this.name = "SysError";
    this.call = call;
    this.errno = errno;
    this.code = code;
    this.path = path;
  }
}

/** Thrown by a program to end with an exit code after its message was printed. */
export class Exit extends Error {
  /** The process exit code. */
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.name = "Exit";
    this.code = code;
  }
}

/** The errno name carried by any error (Deno's `.code`, or a SysError), if there is one. */
export function errorCode(e: unknown): string | undefined {
  if (e instanceof SysError) return e.code;
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/** True when the error carries the given errno name. */
export function isErrno(e: unknown, name: keyof typeof ERRNO | string): boolean {
  return errorCode(e) === name;
}

/** daemontools' wording of any thrown value: errno words when known, else the message. */
export function reason(e: unknown): string {
  const code = errorCode(e);
  if (code !== undefined && code in ERRNO) return errorWords(code);
  if (e instanceof Error) return e.message;
  return String(e);
}
