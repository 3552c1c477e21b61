/**
 * Path steps on a worker thread (FFI `nonblocking`: Deno's blocking pool):
 * open, rename, link, unlink, stat, a directory's names, and fchmod. A
 * directory on a stalled mount (an NFS server gone) holds up a worker
 * thread, never the event loop. {@link onThisThread} has the same steps
 * taken on the calling thread, for a caller that must take them with the
 * thread's own credentials (fscreds.ts).
 *
 * errno of a worker thread cannot be read: a step that fails there is taken
 * once more on this thread, and that answer is the one given (a
 * {@link SysError} naming the call and the path, or the step's result when
 * it succeeds the second time). A step fails when the file system answered,
 * so asking again does not wait on a stalled disk.
 *
 * The steps on a worker thread run with the process's own rights (the pool's
 * threads have the process's credentials): a step to be taken with an
 * account's rights off the JS thread goes through uring.ts.
 *
 * @module
 */
import { SysError } from "../common/errors.ts";
import { errno, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  open_wait: {
    name: "open",
    parameters: ["buffer", "i32", "u32"],
    result: "i32",
    nonblocking: true,
  },
  close: { parameters: ["i32"], result: "i32" },
  rename: { parameters: ["buffer", "buffer"], result: "i32" },
  rename_wait: {
    name: "rename",
    parameters: ["buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  link: { parameters: ["buffer", "buffer"], result: "i32" },
  link_wait: { name: "link", parameters: ["buffer", "buffer"], result: "i32", nonblocking: true },
  unlink: { parameters: ["buffer"], result: "i32" },
  unlink_wait: { name: "unlink", parameters: ["buffer"], result: "i32", nonblocking: true },
  fchmod: { parameters: ["i32", "u32"], result: "i32" },
  fchmod_wait: { name: "fchmod", parameters: ["i32", "u32"], result: "i32", nonblocking: true },
  statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
  statx_wait: {
    name: "statx",
    parameters: ["i32", "buffer", "i32", "u32", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  syscall: { parameters: ["i64", "i64", "i64", "i64"], result: "i64" },
  syscall_wait: {
    name: "syscall",
    parameters: ["i64", "i64", "i64", "i64"],
    result: "i64",
    nonblocking: true,
  },
});

const enc = new TextEncoder(), dec = new TextDecoder();

/**
 * A NUL-terminated path in memory of its own (an ArrayBuffer's, never moved
 * by the garbage collector), for a call that reads it from another thread.
 */
export function cpath(path: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const b = typeof path === "string" ? enc.encode(path) : path;
  const out = new Uint8Array(new ArrayBuffer(b.length + 1));
  out.set(b);
  return out;
}

/** A path as the messages show it. */
function shown(path: string | Uint8Array): string {
  return typeof path === "string" ? path : dec.decode(path);
}

/** -1 with errno → {@link SysError}; else the result. */
function checked(call: string, r: number, path?: string | Uint8Array): number {
  if (r === -1) throw new SysError(call, errno(), path === undefined ? undefined : shown(path));
  return r;
}

/** What stat(2) says of a file (the fields the log engine uses). */
export interface FileStat {
  ino: number;
  size: number;
  /** Type and permission bits (`st_mode`). */
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
}

const AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000;
/** STATX_BASIC_STATS. */
const STATX_BASIC = 0x7ff;
const STATX_SIZE = 256;

/** Decodes a struct statx (its layout is the same on every architecture). */
export function decodeStatx(buf: Uint8Array): FileStat {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    nlink: v.getUint32(16, true),
    uid: v.getUint32(20, true),
    gid: v.getUint32(24, true),
    mode: v.getUint16(28, true),
    ino: Number(v.getBigUint64(32, true)),
    size: Number(v.getBigUint64(40, true)),
  };
}

/** A buffer for one struct statx, in memory of its own (the kernel may fill it from another thread). */
export function statxBuffer(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new ArrayBuffer(STATX_SIZE));
}

const NR_GETDENTS64 = Deno.build.arch === "aarch64" ? 61n : 217n;
/** O_RDONLY | O_DIRECTORY | O_CLOEXEC. */
export const OPEN_DIR = 0o200000 | 0o2000000;

/** The names in a buffer of struct linux_dirent64, without `.` and `..`. */
function direntNames(buf: Uint8Array): Uint8Array[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const names: Uint8Array[] = [];
  for (let off = 0; off + 19 < buf.length;) {
    const reclen = v.getUint16(off + 16, true);
    if (reclen === 0) break;
    const start = off + 19;
    let end = buf.indexOf(0, start);
    if (end === -1 || end > off + reclen) end = off + reclen;
    const name = buf.slice(start, end);
    const dots = name.length === 1 && name[0] === 46 ||
      name.length === 2 && name[0] === 46 && name[1] === 46;
    if (!dots) names.push(name);
    off += reclen;
  }
  return names;
}

/** Path steps, each resolving with its result or rejecting with {@link SysError}. */
export interface PathCalls {
  /** open(2): the descriptor. */
  open(path: string | Uint8Array, flags: number, mode: number): Promise<number>;
  /** rename(2); the error names `from`. */
  rename(from: string, to: string): Promise<void>;
  /** link(2) (a symlink is linked, not followed); the error names `to`. */
  link(from: string, to: string): Promise<void>;
  /** unlink(2). */
  unlink(path: string | Uint8Array): Promise<void>;
  /** fchmod(2). */
  fchmod(fd: number, mode: number, path?: string): Promise<void>;
  /** stat(2) (a symlink is followed). */
  stat(path: string): Promise<FileStat>;
  /** fstat(2). */
  fstat(fd: number): Promise<FileStat>;
  /** The names of the directory open as `fd` (read from its position on), as bytes, without `.` and `..`. */
  names(fd: number, path: string): Promise<Uint8Array[]>;
}

/** The steps on a worker thread (see the module's notes). */
export const offThread: PathCalls = {
  async open(path, flags, mode) {
    const c = cpath(path);
    const fd = await lib().open_wait(c, flags, mode);
    return fd >= 0 ? fd : checked("open", lib().open(c, flags, mode), path);
  },
  async rename(from, to) {
    const a = cpath(from), b = cpath(to);
    if (await lib().rename_wait(a, b) !== 0) checked("rename", lib().rename(a, b), from);
  },
  async link(from, to) {
    const a = cpath(from), b = cpath(to);
    if (await lib().link_wait(a, b) !== 0) checked("link", lib().link(a, b), to);
  },
  async unlink(path) {
    const c = cpath(path);
    if (await lib().unlink_wait(c) !== 0) checked("unlink", lib().unlink(c), path);
  },
  async fchmod(fd, mode, path) {
    if (await lib().fchmod_wait(fd, mode) !== 0) checked("fchmod", lib().fchmod(fd, mode), path);
  },
  async stat(path) {
    const c = cpath(path), buf = statxBuffer();
    if (await lib().statx_wait(AT_FDCWD, c, 0, STATX_BASIC, buf) !== 0) {
      checked("stat", lib().statx(AT_FDCWD, c, 0, STATX_BASIC, buf), path);
    }
    return decodeStatx(buf);
  },
  async fstat(fd) {
    const c = cpath(""), buf = statxBuffer();
    if (await lib().statx_wait(fd, c, AT_EMPTY_PATH, STATX_BASIC, buf) !== 0) {
      checked("fstat", lib().statx(fd, c, AT_EMPTY_PATH, STATX_BASIC, buf));
    }
    return decodeStatx(buf);
  },
  async names(fd, path) {
    const buf = new Uint8Array(new ArrayBuffer(32 << 10));
    const at = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
    const names: Uint8Array[] = [];
    for (;;) {
      let n = Number(await lib().syscall_wait(NR_GETDENTS64, BigInt(fd), at, BigInt(buf.length)));
      if (n < 0) {
        n = checked(
          "readdir",
          Number(lib().syscall(NR_GETDENTS64, BigInt(fd), at, BigInt(buf.length))),
          path,
        );
      }
      if (n === 0) return names;
      names.push(...direntNames(buf.subarray(0, n)));
    }
  },
};

/**
 * The same steps on the calling thread, each run inside `around` (which
 * must run it at once and synchronously: `withFsCredentials` with an
 * account, say), as settled promises.
 */
export function onThisThread(around: <T>(step: () => T) => T = (step) => step()): PathCalls {
  const now = <T>(step: () => T): Promise<T> => {
    try {
      return Promise.resolve(around(step));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const statNow = (fd: number, path: string, flags: number, call: string) => {
    const buf = statxBuffer();
    checked(call, lib().statx(fd, cpath(path), flags, STATX_BASIC, buf), path || undefined);
    return decodeStatx(buf);
  };
  return {
    open: (path, flags, mode) =>
      now(() => checked("open", lib().open(cpath(path), flags, mode), path)),
    rename: (from, to) =>
      now(() => void checked("rename", lib().rename(cpath(from), cpath(to)), from)),
    link: (from, to) => now(() => void checked("link", lib().link(cpath(from), cpath(to)), to)),
    unlink: (path) => now(() => void checked("unlink", lib().unlink(cpath(path)), path)),
    fchmod: (fd, mode, path) => now(() => void checked("fchmod", lib().fchmod(fd, mode), path)),
    stat: (path) => now(() => statNow(AT_FDCWD, path, 0, "stat")),
    fstat: (fd) => now(() => statNow(fd, "", AT_EMPTY_PATH, "fstat")),
    names: (fd, path) =>
      now(() => {
        const buf = new Uint8Array(new ArrayBuffer(32 << 10));
        const at = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
        const names: Uint8Array[] = [];
        for (;;) {
          const n = Number(lib().syscall(NR_GETDENTS64, BigInt(fd), at, BigInt(buf.length)));
          if (checked("readdir", n, path) === 0) return names;
          names.push(...direntNames(buf.subarray(0, n)));
        }
      }),
  };
}
