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

const KIND_WORDS: Record<string, string> = {
  file: "a regular file",
  dir: "a directory",
  fifo: "a FIFO",
  socket: "a socket",
  symlink: "a symbolic link",
  char: "a character device",
  block: "a block device",
  hardlink: "a file with other names",
};

/**
 * A file that is not of the kind expected where it was found (a FIFO, a
 * symlink or a device where a regular file belongs): refused, not used.
 * Its message is the reason, in daemontools' manner (`a FIFO, not a regular file`).
 */
export class FileKindError extends Error {
  /** The path as messages show it. */
  readonly path: string;
  /** What was found (`fifo`, `symlink`, …) and what was expected. */
  readonly found: string;
  /** What was expected. */
  readonly expected: string;

  /** `path` is a `found` (`fifo`, `symlink`, `dir`, …) where a `expected` belongs. */
  constructor(path: string, found: string, expected: string) {
    super(`${KIND_WORDS[found] ?? found}, not ${KIND_WORDS[expected] ?? expected}`);
    this.name = "FileKindError";
    this.path = path;
    this.found = found;
    this.expected = expected;
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
function errorCode(e: unknown): string | undefined {
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
