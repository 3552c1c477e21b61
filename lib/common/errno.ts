/**
 * errno on Linux: numbers, names, and daemontools' own wording of each
 * (djb's `error_str`), which every dt message uses instead of strerror.
 *
 * @module
 */

/** errno numbers on Linux (x86_64 and aarch64 agree for all of these). */
export const ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  ENOTBLK: 15,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDOM: 33,
  ERANGE: 34,
  EDEADLK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EPROTO: 71,
  ENOTSOCK: 88,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  ECONNRESET: 104,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EINPROGRESS: 115,
  EDQUOT: 122,
};

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ERRNO).map(([k, v]) => [v, k]),
);

/** daemontools' wording, keyed by errno name (error_str.c, first match wins). */
const WORDS: Record<string, string> = {
  EINTR: "interrupted system call",
  ENOMEM: "out of memory",
  ENOENT: "file does not exist",
  ETXTBSY: "text busy",
  EIO: "input/output error",
  EEXIST: "file already exists",
  ETIMEDOUT: "timed out",
  EINPROGRESS: "operation in progress",
  EAGAIN: "temporary failure",
  EPIPE: "broken pipe",
  EPERM: "permission denied",
  EACCES: "access denied",
  ENXIO: "device not configured",
  EPROTO: "protocol error",
  EISDIR: "is a directory",
  ECONNREFUSED: "connection refused",
  ENOTDIR: "not a directory",
  ESRCH: "no such process",
  E2BIG: "argument list too long",
  ENOEXEC: "exec format error",
  EBADF: "file descriptor not open",
  ECHILD: "no child processes",
  EDEADLK: "operation would cause deadlock",
  EFAULT: "bad address",
  ENOTBLK: "not a block device",
  EBUSY: "device busy",
  EXDEV: "cross-device link",
  ENODEV: "device does not support operation",
  EINVAL: "invalid argument",
  ENFILE: "system cannot open more files",
  EMFILE: "process cannot open more files",
  ENOTTY: "not a tty",
  EFBIG: "file too big",
  ENOSPC: "out of disk space",
  ESPIPE: "unseekable descriptor",
  EROFS: "read-only file system",
  EMLINK: "too many links",
  EDOM: "input out of range",
  ERANGE: "output out of range",
  ENOTSOCK: "not a socket",
  EOPNOTSUPP: "operation not supported",
  EADDRINUSE: "address already used",
  ECONNRESET: "connection reset",
  ELOOP: "symbolic link loop",
  ENAMETOOLONG: "file name too long",
  ENOTEMPTY: "directory not empty",
  EDQUOT: "disk quota exceeded",
  ENOLCK: "no locks available",
  ENOSYS: "system call not available",
};

/** The errno name for a number (`2` → `"ENOENT"`), or `"E<n>"` if unknown. */
export function errnoName(n: number): string {
  return NAMES[n] ?? `E${n}`;
}

/** daemontools' wording for an errno name or number (`"ENOENT"` → `"file does not exist"`). */
export function errorWords(code: string | number): string {
  const name = typeof code === "number" ? errnoName(code) : code;
  return WORDS[name] ?? "unknown error";
}
