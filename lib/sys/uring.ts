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
import { close, O, readSome } from "./fd.ts";
import { errno, lazyLibc } from "./libc.ts";
import { type Watched, watchReadable } from "./poller.ts";
import { SysError } from "../common/errors.ts";
import { cpath, decodeStatx, type PathCalls, statxBuffer } from "./path_async.ts";

const lib = lazyLibc({
  syscall: { parameters: ["i64", "i64", "i64", "i64", "i64", "i64", "i64"], result: "i64" },
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
});

const NR = { setup: 425n, enter: 426n, register: 427n }; // the same on x86-64 and aarch64

const OP = { OPENAT: 18, STATX: 21, RENAMEAT: 35, UNLINKAT: 36, LINKAT: 39 } as const;
const IOSQE_ASYNC = 1 << 4;
const REGISTER_EVENTFD = 4, REGISTER_PROBE = 8, REGISTER_PERSONALITY = 9;
const FEAT_SINGLE_MMAP = 1, FEAT_NODROP = 2;
const OFF_SQ_RING = 0n, OFF_SQES = 0x10000000n;
const PROT_RW = 3, MAP_SHARED = 1, MAP_POPULATE = 0x8000;
const AT_FDCWD = -100, STATX_BASIC_STATS = 0x7ff;
const ENTRIES = 32;
const SQE = 64, CQE = 16;

function sys(nr: bigint, ...a: bigint[]): number {
  const [a0 = 0n, a1 = 0n, a2 = 0n, a3 = 0n, a4 = 0n, a5 = 0n] = a;
  return Number(lib().syscall(nr, a0, a1, a2, a3, a4, a5));
}

function addr(b: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
}

interface Pending {
  resolve(res: number): void;
  /** What the kernel reads or writes after the submission (a statx buffer). */
  keep?: Uint8Array;
}

/** One io_uring instance: submission from the JS thread, completions through the poller. */
class Ring {
  readonly #fd: number;
  readonly #efd: number;
  readonly #ring: DataView;
  readonly #sqes: DataView;
  readonly #sq: { head: number; tail: number; mask: number; array: number };
  readonly #cq: { head: number; tail: number; mask: number; cqes: number };
  readonly #pending = new Map<number, Pending>();
  readonly #watch: Watched;
  readonly #personalities = new Map<string, number>();
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
      };
      // (one mapping for both rings: FEAT_SINGLE_MMAP)
      this.#ring = map(
        Math.max(this.#sq.array + 4 * sqEntries, this.#cq.cqes + CQE * cqEntries),
        OFF_SQ_RING,
      );
      this.#sqes = map(SQE * sqEntries, OFF_SQES);
      this.#probe(fd);
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
  }

  /** Throws unless the kernel knows every operation used here. */
  #probe(fd: number): void {
    const probe = new Uint8Array(new ArrayBuffer(16 + 8 * 256));
    if (sys(NR.register, BigInt(fd), BigInt(REGISTER_PROBE), addr(probe), 256n) < 0) {
      throw new SysError("io_uring_register", errno());
    }
    const len = probe[1];
    for (const op of Object.values(OP)) {
      if (op >= len || !(probe[16 + 8 * op + 2] & 1)) throw new SysError("io_uring_setup", 38);
    }
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
   * Submits one request (`fill` sets its fields at the given offset of the
   * submission queue) under `personality`; resolves with its result (a
   * count or descriptor, or -errno).
   */
  submit(personality: number, fill: (sqe: DataView, at: number) => void, keep?: Uint8Array) {
    const r = this.#ring, s = this.#sqes;
    const tail = r.getUint32(this.#sq.tail, true);
    if (tail - r.getUint32(this.#sq.head, true) >= ENTRIES) {
      return Promise.resolve(-11); // EAGAIN: every entry is taken (each is submitted at once)
    }
    const idx = tail & r.getUint32(this.#sq.mask, true), at = idx * SQE;
    for (let i = 0; i < SQE; i += 8) s.setBigUint64(at + i, 0n);
    fill(s, at);
    const id = this.#nextId++;
    s.setUint8(at + 1, IOSQE_ASYNC);
    s.setBigUint64(at + 32, BigInt(id), true);
    s.setUint16(at + 42, personality, true);
    r.setUint32(this.#sq.array + 4 * idx, idx, true);
    r.setUint32(this.#sq.tail, tail + 1, true);
    const done = new Promise<number>((resolve) => this.#pending.set(id, { resolve, keep }));
    // IOSQE_ASYNC: the request goes to a kernel worker; this call does not wait on the disk
    const n = sys(NR.enter, BigInt(this.#fd), 1n);
    if (n !== 1) {
      const e = n < 0 ? errno() : 11;
      r.setUint32(this.#sq.tail, tail, true);
      this.#pending.get(id)!.resolve(-e);
      this.#pending.delete(id);
    } else this.#watch.resume();
    return done;
  }

  /** Takes every completion the ring holds and settles its request. */
  #reap(): void {
    const buf = new Uint8Array(8);
    readSome(this.#efd, buf);
    const r = this.#ring;
    let head = r.getUint32(this.#cq.head, true);
    const tail = r.getUint32(this.#cq.tail, true);
    const mask = r.getUint32(this.#cq.mask, true);
    for (; head !== tail; head = (head + 1) >>> 0) {
      const at = this.#cq.cqes + CQE * (head & mask);
      const id = Number(r.getBigUint64(at, true));
      const res = r.getInt32(at + 8, true);
      const p = this.#pending.get(id);
      this.#pending.delete(id);
      p?.resolve(res);
    }
    r.setUint32(this.#cq.head, tail, true);
    if (this.#pending.size === 0) this.#watch.pause();
  }
}

let ring: Ring | null | undefined;

/**
 * The process's ring, made at the first call; null when io_uring cannot be
 * used here (the reason is not reported: the caller has a way without).
 */
function theRing(): Ring | null {
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
  if (r === null) return null;
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
    const res = await r.submit(id, (s, at) => {
      s.setUint8(at, op);
      s.setInt32(at + 4, AT_FDCWD, true);
      s.setBigUint64(at + 16, addr(p), true);
      s.setUint32(at + 24, more.len ?? 0, true);
      s.setUint32(at + 28, more.flags ?? 0, true);
      if (a2) s.setBigUint64(at + 8, addr(a2), true);
    }, a2);
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
