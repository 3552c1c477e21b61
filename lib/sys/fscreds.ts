/**
 * Per-thread filesystem credentials: for the length of one synchronous step,
 * the calling thread opens, creates, renames, links, removes and changes
 * files with an account's uid, gid and groups as the kernel sees them, and
 * with the filesystem capabilities root would otherwise use (CAP_DAC_OVERRIDE,
 * CAP_FOWNER, CAP_CHOWN…) dropped, exactly as `setuidgid ACCOUNT` would have
 * them for a process. Everything else about the thread (its signals, its
 * right to kill or spawn) stays root's.
 *
 * Linux keeps fsuid, fsgid and the supplementary groups per thread; glibc's
 * setgroups(3) broadcasts to every thread of the process, so the raw system
 * calls are used here. The step must be synchronous: whatever it starts
 * asynchronously runs on another thread, with that thread's credentials.
 *
 * @example
 * ```ts ignore
 * import { withFsCredentials } from "./fscreds.ts";
 * // as nobody: a root-only file cannot be read, whatever the process's euid
 * withFsCredentials({ uid: 65534, gid: 65534, groups: [65534] }, () =>
 *   Deno.readTextFileSync("/etc/shadow")
 * ); // throws PermissionDenied
 * ```
 *
 * @module
 */
import { check, lazyLibc } from "./libc.ts";

/** The identity path lookups are checked with. */
export interface FsCredentials {
  /** Filesystem user id (owner of what is created). */
  readonly uid: number;
  /** Filesystem group id (group of what is created). */
  readonly gid: number;
  /** Supplementary groups (daemontools' setuidgid: just `[gid]`). */
  readonly groups: readonly number[];
}

const lib = lazyLibc({
  syscall: { parameters: ["i64", "i64", "i64", "i64"], result: "i64" },
});

const NR = Deno.build.arch === "aarch64"
  ? { getgroups: 158n, setgroups: 159n, setfsuid: 151n, setfsgid: 152n }
  : { getgroups: 115n, setgroups: 116n, setfsuid: 122n, setfsgid: 123n };

/** NGROUPS_MAX on Linux. */
const GROUPS_MAX = 65536;

/** The raw system call: its result, or -1 with errno set. */
function call(nr: bigint, a = 0n, b = 0n): number {
  return Number(lib().syscall(nr, a, b, 0n));
}

function address(buf: Uint32Array<ArrayBuffer>): bigint {
  return buf.length === 0 ? 0n : BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
}

/**
 * A filesystem id the kernel did not take. setfsuid(2) and setfsgid(2) have
 * no error return and set no errno: they answer with the previous id
 * whatever happened, so a refusal shows only as the id not changing, and
 * that is all this error can say.
 */
export class FsIdRefused extends Error {
  /** `setfsuid` or `setfsgid`. */
  readonly call: string;
  /** The id asked for. */
  readonly wanted: number;
  /** The id the thread still has. */
  readonly kept: number;

  /** `call` was asked for `wanted`; the thread kept `kept`. */
  constructor(call: string, wanted: number, kept: number) {
    super(`${call} ${wanted} refused: the thread keeps ${kept}`);
    this.name = "FsIdRefused";
    this.call = call;
    this.wanted = wanted;
    this.kept = kept;
  }
}

/** Sets the thread's fsuid or fsgid; asking with -1 afterwards reads what it is. */
function setFsId(nr: bigint, id: number): void {
  call(nr, BigInt(id));
  const now = call(nr, -1n);
  if (now !== id) throw new FsIdRefused(nr === NR.setfsuid ? "setfsuid" : "setfsgid", id, now);
}

function getGroups(): Uint32Array<ArrayBuffer> {
  const n = check("getgroups", call(NR.getgroups));
  const list = new Uint32Array(Math.min(n, GROUPS_MAX));
  // (EINVAL here: the list grew between the two calls, which only another thread could do)
  if (list.length) check("getgroups", call(NR.getgroups, BigInt(list.length), address(list)));
  return list;
}

function setGroups(list: Uint32Array<ArrayBuffer>): void {
  check("setgroups", call(NR.setgroups, BigInt(list.length), address(list)));
}

/**
 * Runs the synchronous `step` on this thread with `cred` as its filesystem
 * credentials, and puts the thread's own back afterwards, whatever happens.
 * Throws SysError (the errno the kernel gave) when the groups cannot be
 * read or set, {@link FsIdRefused} when a filesystem id is not taken (the
 * step does not run), and TypeError when `step` returns a promise.
 */
export function withFsCredentials<T>(cred: FsCredentials, step: () => T): T {
  const uid = call(NR.setfsuid, -1n), gid = call(NR.setfsgid, -1n);
  const groups = getGroups();
  let result: T;
  try {
    // groups and gid first, while the thread still has root's filesystem rights
    setGroups(new Uint32Array(cred.groups));
    setFsId(NR.setfsgid, cred.gid);
    setFsId(NR.setfsuid, cred.uid);
    result = step();
  } finally {
    // uid first: going back to fsuid 0 gives the capabilities back
    setFsId(NR.setfsuid, uid);
    setFsId(NR.setfsgid, gid);
    setGroups(groups);
  }
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new TypeError("withFsCredentials: the step must be synchronous");
  }
  return result;
}
