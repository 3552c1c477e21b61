/**
 * Files relative to a directory descriptor the caller holds: openat, mkdirat,
 * mkfifoat, unlinkat, renameat (also off the JS thread), readlinkat, symlinkat, statx,
 * getdents64. What root does inside a directory another account can write
 * goes through these: the directory is the one held, not whatever a path
 * names now, and the caller says whether a symlink may be followed.
 *
 * Names are text that may carry raw bytes (lib/common/raw_text.ts).
 * Throwing calls throw {@link SysError} naming `label` (the path as messages
 * show it); `try…` calls return -errno.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { decodeRaw } from "../common/raw_text.ts";
import { cstr, errno, lazyLibc } from "./libc.ts";
import { close, O } from "./fd.ts";

const lib = lazyLibc({
  openat: { parameters: ["i32", "buffer", "i32", "u32"], result: "i32" },
  mkdirat: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  mkfifoat: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  unlinkat: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  renameat: { parameters: ["i32", "buffer", "i32", "buffer"], result: "i32" },
  renameat_wait: {
    name: "renameat",
    parameters: ["i32", "buffer", "i32", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  readlinkat: { parameters: ["i32", "buffer", "buffer", "usize"], result: "isize" },
  symlinkat: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
  getdents64: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
});

/** openat's `dirfd` for the working directory. */
export const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
const STATX_BASIC_STATS = 0x7ff;

/** The kinds of file statx tells apart. */
export type FileKind = "file" | "dir" | "fifo" | "socket" | "symlink" | "char" | "block";

/** What fstat/fstatat say of a file (the fields dt looks at). */
export interface FileStat {
  kind: FileKind;
  /** Permission bits (and setuid, setgid, sticky). */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  ino: number;
  /** The device as glibc's dev_t (what Deno's `FileInfo.dev` holds). */
  dev: number;
}

const KINDS: Record<number, FileKind> = {
  0o100000: "file",
  0o040000: "dir",
  0o010000: "fifo",
  0o140000: "socket",
  0o120000: "symlink",
  0o020000: "char",
  0o060000: "block",
};

/** statx(2) of `name` in `dirfd` ("" with the descriptor itself); -errno when it fails. */
export function tryStatAt(dirfd: number, name: string, follow = true): FileStat | number {
  const buf = new Uint8Array(256);
  const flags = (name === "" ? AT_EMPTY_PATH : 0) | (follow ? 0 : AT_SYMLINK_NOFOLLOW);
  if (lib().statx(dirfd, cstr(name), flags, STATX_BASIC_STATS, buf) !== 0) return -errno();
  const v = new DataView(buf.buffer);
  const mode = v.getUint16(28, true);
  const major = v.getUint32(136, true), minor = v.getUint32(140, true);
  return {
    kind: KINDS[mode & 0o170000] ?? "file",
    mode: mode & 0o7777,
    uid: v.getUint32(20, true),
    gid: v.getUint32(24, true),
    nlink: v.getUint32(16, true),
    size: Number(v.getBigUint64(40, true)),
    ino: Number(v.getBigUint64(32, true)),
    // gnu_dev_makedev, for the values Linux uses (12-bit major, 20-bit minor)
    dev: (minor & 0xff) + (major & 0xfff) * 0x100 + (minor >>> 8) * 0x100000,
  };
}

/** fstat(2) of an open descriptor. */
export function fstat(fd: number, label?: string): FileStat {
  const r = tryStatAt(fd, "", true);
  if (typeof r === "number") throw new SysError("fstat", -r, label);
  return r;
}

/** openat(2); -errno when it fails. */
export function tryOpenAt(dirfd: number, name: string, flags: number, mode = 0o644): number {
  const fd = lib().openat(dirfd, cstr(name), flags | O.CLOEXEC, mode);
  return fd === -1 ? -errno() : fd;
}

/** mkdirat(2); 0, or -errno (EEXIST when something is there). */
export function mkdirAt(dirfd: number, name: string, mode: number): number {
  return lib().mkdirat(dirfd, cstr(name), mode) === 0 ? 0 : -errno();
}

/** mkfifoat(3); 0, or -errno (EEXIST when something is there). */
export function mkfifoAt(dirfd: number, name: string, mode: number): number {
  return lib().mkfifoat(dirfd, cstr(name), mode) === 0 ? 0 : -errno();
}

/** unlinkat(2) (`dir`: rmdir); 0, or -errno. */
export function unlinkAt(dirfd: number, name: string, dir = false): number {
  return lib().unlinkat(dirfd, cstr(name), dir ? AT_REMOVEDIR : 0) === 0 ? 0 : -errno();
}

/** renameat(2) within one directory; 0, or -errno. */
export function renameAt(dirfd: number, from: string, to: string): number {
  return lib().renameat(dirfd, cstr(from), dirfd, cstr(to)) === 0 ? 0 : -errno();
}

/**
 * renameat(2) within one directory, on a worker thread: a rename that waits on
 * a slow or stalled disk holds up nothing else. 0, or -errno (learnt by trying
 * once more on this thread, as a worker's errno cannot be read: failures answer
 * at once). Keep `dirfd` open until it settles.
 */
export async function renameAtAsync(dirfd: number, from: string, to: string): Promise<number> {
  const a = cstr(from), b = cstr(to);
  if (await lib().renameat_wait(dirfd, a, dirfd, b) === 0) return 0;
  return renameAt(dirfd, from, to);
}

/** readlinkat(2): the link's target as text (raw bytes kept); -errno when it is none. */
export function readLinkAt(dirfd: number, name: string): string | number {
  const buf = new Uint8Array(4096);
  const n = Number(lib().readlinkat(dirfd, cstr(name), buf, BigInt(buf.length)));
  if (n < 0) return -errno();
  return decodeRaw(buf.subarray(0, n));
}

/** symlinkat(2): `name` in `dirfd`, a link to `target`; 0, or -errno (EEXIST when something is there). */
export function symlinkAt(target: string, dirfd: number, name: string): number {
  return lib().symlinkat(cstr(target), dirfd, cstr(name)) === 0 ? 0 : -errno();
}

/**
 * Every name in the open directory `fd` but `.` and `..`, as text that keeps
 * raw bytes; reads from the descriptor's current offset (open it fresh).
 */
export function readDirNames(fd: number, label?: string): string[] {
  const buf = new Uint8Array(32768);
  const v = new DataView(buf.buffer);
  const names: string[] = [];
  for (;;) {
    const n = Number(lib().getdents64(fd, buf, BigInt(buf.length)));
    if (n === 0) return names;
    if (n < 0) {
      const e = errno();
      if (e === ERRNO.EINTR) continue;
      throw new SysError("readdir", e, label);
    }
    for (let at = 0; at < n;) {
      const len = v.getUint16(at + 16, true);
      const start = at + 19;
      const end = buf.indexOf(0, start);
      const name = buf.subarray(start, end === -1 || end > at + len ? at + len : end);
      if (
        !(name.length === 1 && name[0] === 46) &&
        !(name.length === 2 && name[0] === 46 && name[1] === 46)
      ) {
        names.push(decodeRaw(name));
      }
      at += len;
    }
  }
}

/**
 * Every name in the held directory `fd` (as {@link readDirNames}), read
 * through a fresh descriptor, so the held one's offset is never moved.
 * Throws {@link SysError} naming `label` when it cannot be opened or read.
 */
export function namesAt(fd: number, label?: string): string[] {
  const d = tryOpenAt(fd, ".", O.RDONLY | O.DIRECTORY);
  if (d < 0) throw new SysError("open", -d, label);
  try {
    return readDirNames(d, label);
  } finally {
    close(d);
  }
}

/**
 * Up to `max` bytes of an open regular file from its start offset onwards
 * (synchronous: for small files on a local disk). Throws {@link SysError}.
 */
export function readUpTo(fd: number, max: number, label?: string): Uint8Array {
  const buf = new Uint8Array(max);
  let got = 0;
  while (got < max) {
    const r = Number(lib().read(fd, buf.subarray(got), BigInt(max - got)));
    if (r === 0) break;
    if (r < 0) {
      const e = errno();
      if (e === ERRNO.EINTR) continue;
      throw new SysError("read", e, label);
    }
    got += r;
  }
  return buf.subarray(0, got);
}
