/**
 * Path steps with an account's rights, off the JS thread: io_uring(7)
 * requests that carry a registered personality.
 *
 * Filesystem credentials (fsuid, fsgid, groups) are per thread, and a step
 * handed to Deno's blocking pool runs on a thread whose credentials are the
 * process's: setting them there and putting them back would take three calls
 * that JavaScript cannot keep on one pool thread. io_uring does it in the
 * kernel: `IORING_REGISTER_PERSONALITY`, called on this thread while it has
 * the account's credentials (fscreds.ts), records them; every request that
 * names that personality is carried out with exactly them (the kernel's
 * override_creds around the one operation), on a kernel worker thread
 * (`IOSQE_ASYNC`: nothing is attempted while submitting, so the submitting
 * call never waits on a disk). The kernel checks the account's uid, gid and
 * groups on every path step, as for `setuidgid ACCOUNT multilog`, and files
 * it creates belong to the account.
 *
 * Completions are announced on an eventfd watched by the poller. One ring per
 * process (two descriptors), made at the first use. Where io_uring cannot be
 * used (a kernel before 5.15, `kernel.io_uring_disabled`, a seccomp profile
 * that forbids it, as Docker's default does) {@link accountRing} returns null
 * and the caller takes the steps on its own thread.
 *
 * @module
 */
import { type FsCredentials, withFsCredentials } from "./fscreds.ts";
import { beforeEachClose, close, O, readSome } from "./fd.ts";
import { errno, lazyLibc } from "./libc.ts";
import { type Watched, watchReadable } from "./poller.ts";
import { SysError } from "../common/errors.ts";
import { ERRNO } from "../common/errno.ts";
import { cpath, decodeStatx, type PathCalls, statxBuffer } from "./path_async.ts";

const lib = lazyLibc({
  syscall: { parameters: ["i64", "i64", "i64", "i64", "i64", "i64", "i64"], result: "i64" },
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
});

const NR = { setup: 425n, enter: 426n, register: 427n }; // the same on x86-64 and aarch64

const OP = {
  FSYNC: 3,
  SYNC_FILE_RANGE: 8,
  OPENAT: 18,
  STATX: 21,
  READ: 22,
  WRITE: 23,
  SPLICE: 30,
  RENAMEAT: 35,
  UNLINKAT: 36,
  LINKAT: 39,
} as const;
/** What the path steps of an account need. */
const PATH_OPS = [OP.OPENAT, OP.STATX, OP.RENAMEAT, OP.UNLINKAT, OP.LINKAT];
/** What the descriptor steps of the logs need. */
const FD_OPS = [OP.FSYNC, OP.SYNC_FILE_RANGE, OP.READ, OP.WRITE, OP.SPLICE];
const IOSQE_ASYNC = 1 << 4;
const REGISTER_EVENTFD = 4, REGISTER_PROBE = 8, REGISTER_PERSONALITY = 9;
const FEAT_SINGLE_MMAP = 1, FEAT_NODROP = 2;
const OFF_SQ_RING = 0n, OFF_SQES = 0x10000000n;
const PROT_RW = 3, MAP_SHARED = 1, MAP_POPULATE = 0x8000;
const AT_FDCWD = -100, STATX_BASIC_STATS = 0x7ff;
/** Submission entries; the completion queue has twice as many. */
const ENTRIES = 256;
const SQE = 64, CQE = 16;
/** The eventfd's counter, read to clear it. */
const counter = new Uint8Array(8);
/** "No offset" in a request: the file's own position (`current` is O_APPEND), or none (a pipe). */
const NO_OFFSET = 0xffffffffffffffffn;

function sys(nr: bigint, ...a: bigint[]): number {
  const [a0 = 0n, a1 = 0n, a2 = 0n, a3 = 0n, a4 = 0n, a5 = 0n] = a;
  return Number(lib().syscall(nr, a0, a1, a2, a3, a4, a5));
}

function addr(b: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
}

/** Sets a request's fields at offset `at` of the submission entries. */
type Fill = (sqe: DataView, at: number) => void;

interface Request {
  fill: Fill;
  /** The personality to carry out the request with (0: the process's own credentials). */
  personality: number;
  /** IOSQE_ASYNC: straight to a kernel worker, nothing tried while submitting. */
  async: boolean;
  resolve(res: number): void;
  /** What the kernel reads or writes (paths, buffers), kept alive until the request is done. */
  keep?: readonly Uint8Array[];
}

/**
 * One io_uring instance: requests are queued from the JS thread and
 * submitted together, once per turn (one io_uring_enter for every request
 * queued meanwhile); completions come through the poller (an eventfd).
 */
class Ring {
  readonly #fd: number;
  readonly #efd: number;
  readonly #ring: DataView;
  readonly #sqes: DataView;
  readonly #sq: { head: number; tail: number; mask: number; array: number };
  readonly #cq: { head: number; tail: number; mask: number; cqes: number; entries: number };
  /** Requests handed to the kernel, by id. */
  readonly #pending = new Map<number, Request>();
  /** Requests waiting for room in the rings (more in flight than the completion queue holds). */
  readonly #waiting: Request[] = [];
  /** Queued in the submission ring, not yet submitted. */
  #unsubmitted = 0;
  #flushing = false;
  readonly #watch: Watched;
  readonly #personalities = new Map<string, number>();
  /** The operations this kernel knows. */
  readonly #known: Set<number>;
  #nextId = 1;

  constructor() {
    const params = new Uint8Array(new ArrayBuffer(120));
    const p = new DataView(params.buffer);
    const fd = sys(NR.setup, BigInt(ENTRIES), addr(params));
    if (fd < 0) throw new SysError("io_uring_setup", errno());
    const efd = lib().eventfd(0, O.CLOEXEC | O.NONBLOCK);
    const maps: [Deno.PointerObject, number][] = [];
    /** mmap(2) of the ring's part at `offset`, undone if the set-up fails. */
    const map = (size: number, offset: bigint): DataView => {
      const at = lib().mmap(null, BigInt(size), PROT_RW, MAP_SHARED | MAP_POPULATE, fd, offset);
      const v = at === null ? -1n : Deno.UnsafePointer.value(at);
      if (at === null || v === -1n || v === 0xffffffffffffffffn) {
        throw new SysError("mmap", errno());
      }
      maps.push([at, size]);
      return new DataView(Deno.UnsafePointerView.getArrayBuffer(at, size));
    };
    try {
      const features = p.getUint32(20, true);
      if (!(features & FEAT_SINGLE_MMAP) || !(features & FEAT_NODROP)) {
        throw new SysError("io_uring_setup", 38); // ENOSYS: too old a kernel
      }
      if (efd < 0) throw new SysError("eventfd", errno());
      const sqEntries = p.getUint32(0, true), cqEntries = p.getUint32(4, true);
      this.#sq = {
        head: p.getUint32(40, true),
        tail: p.getUint32(44, true),
        mask: p.getUint32(48, true),
        array: p.getUint32(64, true),
      };
      this.#cq = {
        head: p.getUint32(80, true),
        tail: p.getUint32(84, true),
        mask: p.getUint32(88, true),
        cqes: p.getUint32(100, true),
        entries: cqEntries,
      };
      // (one mapping for both rings: FEAT_SINGLE_MMAP)
      this.#ring = map(
        Math.max(this.#sq.array + 4 * sqEntries, this.#cq.cqes + CQE * cqEntries),
        OFF_SQ_RING,
      );
      this.#sqes = map(SQE * sqEntries, OFF_SQES);
      this.#known = this.#probe(fd);
      const efdArg = new Uint8Array(new Int32Array([efd]).buffer);
      if (sys(NR.register, BigInt(fd), BigInt(REGISTER_EVENTFD), addr(efdArg), 1n) < 0) {
        throw new SysError("io_uring_register", errno());
      }
    } catch (e) {
      for (const [at, size] of maps) lib().munmap(at, BigInt(size));
      close(fd);
      if (efd >= 0) close(efd);
      throw e;
    }
    this.#fd = fd;
    this.#efd = efd;
    this.#watch = watchReadable(efd, () => this.#reap());
    this.#watch.pause();
    // a descriptor named by a request waiting to be submitted is never closed first
    beforeEachClose(() => {
      if (this.#unsubmitted > 0) this.#flush();
    });
  }

  /** The operations the kernel knows (IORING_REGISTER_PROBE). */
  #probe(fd: number): Set<number> {
    const probe = new Uint8Array(new ArrayBuffer(16 + 8 * 256));
    if (sys(NR.register, BigInt(fd), BigInt(REGISTER_PROBE), addr(probe), 256n) < 0) {
      throw new SysError("io_uring_register", errno());
    }
    const known = new Set<number>();
    for (let op = 0; op < probe[1]; op++) if (probe[16 + 8 * op + 2] & 1) known.add(op);
    return known;
  }

  /** True when the kernel knows every one of `ops`. */
  knows(ops: readonly number[]): boolean {
    return ops.every((op) => this.#known.has(op));
  }

  /** The personality carrying `cred` (registered once, on this thread, with those credentials). */
  personality(cred: FsCredentials): number {
    const key = `${cred.uid}:${cred.gid}:${cred.groups.join(",")}`;
    let id = this.#personalities.get(key);
    if (id === undefined) {
      const got = withFsCredentials(cred, () => {
        const r = sys(NR.register, BigInt(this.#fd), BigInt(REGISTER_PERSONALITY));
        return r < 0 ? -errno() : r;
      });
      if (got < 0) throw new SysError("io_uring_register", -got);
      this.#personalities.set(key, id = got);
    }
    return id;
  }

  /**
   * Queues one request (`fill` sets its fields) under `personality`;
   * resolves with its result (a count or descriptor, or -errno). Requests
   * queued in one turn are submitted together at its end.
   */
  submit(
    fill: Fill,
    opts: { personality?: number; async?: boolean; keep?: readonly Uint8Array[] } = {},
  ): Promise<number> {
    return new Promise<number>((resolve) => {
      const req = {
        fill,
        personality: opts.personality ?? 0,
        async: opts.async ?? false,
        resolve,
        keep: opts.keep,
      };
      if (this.#pending.size >= this.#cq.entries) this.#waiting.push(req);
      else this.#queue(req);
    });
  }

  /** Puts `req` in the submission ring (submitting what is there first when it is full). */
  #queue(req: Request): void {
    const r = this.#ring, s = this.#sqes;
    if (this.#unsubmitted >= ENTRIES) this.#flush();
    const tail = r.getUint32(this.#sq.tail, true);
    if (tail - r.getUint32(this.#sq.head, true) >= ENTRIES) {
      return req.resolve(-ERRNO.EAGAIN); // the kernel took none of them: not expected
    }
    const idx = tail & r.getUint32(this.#sq.mask, true), at = idx * SQE;
    for (let i = 0; i < SQE; i += 8) s.setBigUint64(at + i, 0n);
    req.fill(s, at);
    const id = this.#nextId++;
    // IOSQE_ASYNC: the request goes to a kernel worker; submitting does not wait on the disk.
    // Without it, the kernel tries the request without waiting (a write to the page cache),
    // and hands it to a worker when it would wait.
    if (req.async) s.setUint8(at + 1, IOSQE_ASYNC);
    s.setBigUint64(at + 32, BigInt(id), true);
    s.setUint16(at + 42, req.personality, true);
    r.setUint32(this.#sq.array + 4 * idx, idx, true);
    r.setUint32(this.#sq.tail, tail + 1, true);
    this.#pending.set(id, req);
    this.#unsubmitted++;
    if (!this.#flushing) {
      this.#flushing = true;
      queueMicrotask(() => this.#flush());
    }
  }

  /** Submits what is queued (one system call), then takes the completions already there. */
  #flush(): void {
    this.#flushing = false;
    const n = this.#unsubmitted;
    if (n === 0) return;
    const got = sys(NR.enter, BigInt(this.#fd), BigInt(n));
    if (got === n) this.#unsubmitted = 0;
    else {
      // not taken (an error, or fewer): they fail with the reason, in submission order
      const e = got < 0 ? errno() : ERRNO.EAGAIN, took = Math.max(0, got);
      const r = this.#ring, tail = r.getUint32(this.#sq.tail, true);
      r.setUint32(this.#sq.tail, tail - (n - took), true);
      const ids = [...this.#pending.keys()].slice(-(n - took));
      this.#unsubmitted = 0;
      for (const id of ids) {
        const req = this.#pending.get(id)!;
        this.#pending.delete(id);
        req.resolve(-e);
      }
    }
    // requests done while submitting (a write to the page cache) are settled now; the poller
    // watches the completions only for what is still in flight (its eventfd stays readable)
    this.#reap();
    if (this.#pending.size > 0) this.#watch.resume();
  }

  /** Takes every completion the ring holds and settles its request. */
  #reap(): void {
    readSome(this.#efd, counter);
    const r = this.#ring;
    let head = r.getUint32(this.#cq.head, true);
    const tail = r.getUint32(this.#cq.tail, true);
    const mask = r.getUint32(this.#cq.mask, true);
    for (; head !== tail; head = (head + 1) >>> 0) {
      const at = this.#cq.cqes + CQE * (head & mask);
      const id = Number(r.getBigUint64(at, true));
      const res = r.getInt32(at + 8, true);
      const req = this.#pending.get(id);
      this.#pending.delete(id);
      req?.resolve(res);
    }
    r.setUint32(this.#cq.head, tail, true);
    while (this.#waiting.length && this.#pending.size < this.#cq.entries) {
      this.#queue(this.#waiting.shift()!);
    }
    if (this.#pending.size === 0) this.#watch.pause();
  }
}

let ring: Ring | null | undefined;

/**
 * The process's ring, made at the first call; null when io_uring cannot be
 * used here (the reason is not reported: the caller has a way without), or
 * when `DT_IO_URING=0` says not to (as where the kernel forbids it).
 */
function theRing(): Ring | null {
  if (ring === undefined && Deno.env.get("DT_IO_URING") === "0") ring = null;
  if (ring === undefined) {
    try {
      ring = new Ring();
    } catch {
      ring = null;
    }
  }
  return ring;
}

/** The path steps taken with one account's rights off the JS thread. */
export type AccountRing = Pick<PathCalls, "open" | "rename" | "link" | "unlink" | "stat">;

const dec = new TextDecoder();

/**
 * Steps with `cred`'s rights through io_uring, or null when io_uring cannot
 * be used here (or the personality cannot be registered).
 */
export function accountRing(cred: FsCredentials): AccountRing | null {
  const r = theRing();
  if (r === null || !r.knows(PATH_OPS)) return null;
  let id: number;
  try {
    id = r.personality(cred);
  } catch {
    return null;
  }
  /** One request about `path` (from the current directory); its result, or throws. */
  const request = async (
    call: string,
    op: number,
    path: string | Uint8Array,
    more: { len?: number; flags?: number; addr2?: Uint8Array } = {},
    named: string | Uint8Array = path,
  ) => {
    // (the kernel copies path strings when the request is submitted; addr2 of statx is written later)
    const p = cpath(path), a2 = more.addr2;
    const res = await r.submit((s, at) => {
      s.setUint8(at, op);
      s.setInt32(at + 4, AT_FDCWD, true);
      s.setBigUint64(at + 16, addr(p), true);
      s.setUint32(at + 24, more.len ?? 0, true);
      s.setUint32(at + 28, more.flags ?? 0, true);
      if (a2) s.setBigUint64(at + 8, addr(a2), true);
    }, { personality: id, async: true, keep: a2 ? [p, a2] : [p] });
    if (res < 0) {
      throw new SysError(call, -res, typeof named === "string" ? named : dec.decode(named));
    }
    return res;
  };
  const NEW_DIR = { len: AT_FDCWD >>> 0 };
  return {
    open: (path, flags, mode) => request("open", OP.OPENAT, path, { len: mode, flags }),
    rename: async (from, to) =>
      void await request("rename", OP.RENAMEAT, from, { ...NEW_DIR, addr2: cpath(to) }),
    link: async (from, to) =>
      void await request("link", OP.LINKAT, from, { ...NEW_DIR, addr2: cpath(to) }, to),
    unlink: async (path) => void await request("unlink", OP.UNLINKAT, path),
    async stat(path) {
      const buf = statxBuffer();
      await request("stat", OP.STATX, path, { len: STATX_BASIC_STATS, addr2: buf });
      return decodeStatx(buf);
    },
  };
}

/**
 * Steps on open descriptors through the process's ring: each resolves with
 * the system call's result (a count, 0, or -errno). Queued in one turn, they
 * are submitted together; a write to the page cache is done while
 * submitting, and one that would wait (a full or stalled disk) goes to a
 * kernel worker, so none waits on the JS thread.
 */
export interface FdRing {
  /** write(2) of `buf` at `offset` (pwrite), or at the file's position without one. */
  write(fd: number, buf: Uint8Array, offset?: number): Promise<number>;
  /** pread(2) into `buf` at `offset`. */
  read(fd: number, buf: Uint8Array, offset: number): Promise<number>;
  /** splice(2) of up to `len` bytes from the pipe `from` into the file `to` at `offset`, SPLICE_F_NONBLOCK. */
  splice(from: number, to: number, offset: number, len: number): Promise<number>;
  /** fsync(2). */
  fsync(fd: number): Promise<number>;
  /** sync_file_range(2) of the whole file with SYNC_FILE_RANGE_WRITE: starts its write-back. */
  startWriteback(fd: number): Promise<number>;
}

const SPLICE_F_NONBLOCK = 2, SYNC_FILE_RANGE_WRITE = 2;

let fds: FdRing | null | undefined;
let fdsWanted = false;

/**
 * Says this process does many loggers' file steps at once (the scanner):
 * from now on {@link fdRing} gives the ring. A lone multilog writes one
 * chunk at a time, and its write is better on the blocking pool, in
 * parallel with the parsing of the next chunk (measured: as fast, and some
 * 7 MB less at its peak).
 */
export function wantFdRing(): void {
  fdsWanted = true;
}

/**
 * The descriptor steps of {@link FdRing}, or null when the process did not
 * ask for them ({@link wantFdRing}) or io_uring (or one of them) cannot be
 * used.
 */
export function fdRing(): FdRing | null {
  if (!fdsWanted) return null;
  if (fds !== undefined) return fds;
  const r = theRing();
  if (r === null || !r.knows(FD_OPS)) return fds = null;
  const rw = (op: number, fd: number, buf: Uint8Array, offset?: number) =>
    r.submit((s, at) => {
      s.setUint8(at, op);
      s.setInt32(at + 4, fd, true);
      s.setBigUint64(at + 8, offset === undefined ? NO_OFFSET : BigInt(offset), true);
      s.setBigUint64(at + 16, addr(buf), true);
      s.setUint32(at + 24, buf.length, true);
    }, { keep: [buf] });
  return fds = {
    write: (fd, buf, offset) => rw(OP.WRITE, fd, buf, offset),
    read: (fd, buf, offset) => rw(OP.READ, fd, buf, offset),
    splice: (from, to, offset, len) =>
      r.submit((s, at) => {
        s.setUint8(at, OP.SPLICE);
        s.setInt32(at + 4, to, true);
        s.setBigUint64(at + 8, BigInt(offset), true);
        s.setBigUint64(at + 16, NO_OFFSET, true); // (from a pipe: no offset)
        s.setUint32(at + 24, len, true);
        s.setUint32(at + 28, SPLICE_F_NONBLOCK, true);
        s.setInt32(at + 44, from, true);
      }),
    fsync: (fd) =>
      r.submit((s, at) => {
        s.setUint8(at, OP.FSYNC);
        s.setInt32(at + 4, fd, true);
      }),
    startWriteback: (fd) =>
      r.submit((s, at) => {
        s.setUint8(at, OP.SYNC_FILE_RANGE);
        s.setInt32(at + 4, fd, true);
        s.setUint32(at + 28, SYNC_FILE_RANGE_WRITE, true);
      }),
  };
}
