/**
 * Resource limits through libc: getrlimit, setrlimit (both made of prlimit on
 * this process: one symbol to bind, not two).
 *
 * Lowering RLIMIT_AS or RLIMIT_DATA in a running Deno makes V8's next heap
 * growth fatal, so {@link prepareLimits} builds every buffer first and its
 * `apply()` does nothing but the system calls; call it right before execve.
 *
 * @module
 */
import { SysError } from "../common/errors.ts";
import { errno, errnoReader, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  // prlimit(0, resource, new | NULL, old | NULL): 0 is this process
  prlimit: { parameters: ["i32", "i32", "buffer", "buffer"], result: "i32" },
});

/** Linux resource numbers. */
export const RLIMIT = {
  CPU: 0,
  FSIZE: 1,
  DATA: 2,
  STACK: 3,
  CORE: 4,
  RSS: 5,
  NPROC: 6,
  NOFILE: 7,
  MEMLOCK: 8,
  AS: 9,
} as const;

/** RLIM_INFINITY (all bits set in a 64-bit rlim_t). */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/** A soft and a hard limit. */
export interface Limit {
  /** Soft limit (what the kernel enforces). */
  cur: bigint;
  /** Hard limit (the ceiling for the soft limit). */
  max: bigint;
}

/** getrlimit(2); throws {@link SysError} (call `getrlimit`). */
export function getrlimit(resource: number): Limit {
  const r = new BigUint64Array(2);
  if (lib().prlimit(0, resource, null, new Uint8Array(r.buffer)) === -1) {
    throw new SysError("getrlimit", errno());
  }
  return { cur: r[0], max: r[1] };
}

/** setrlimit(2); throws {@link SysError} (call `setrlimit`). */
export function setrlimit(resource: number, limit: Limit): void {
  const r = new BigUint64Array([limit.cur, limit.max]);
  if (lib().prlimit(0, resource, new Uint8Array(r.buffer), null) === -1) {
    throw new SysError("setrlimit", errno());
  }
}

/** Limits ready to be set with no JS allocation in between. */
export interface PreparedLimits {
  /** Sets every limit in order; null when all were set, else which one failed and its errno. */
  apply(): { index: number; errno: number } | null;
  /** Puts back the soft limits that were in force before `apply()`. */
  restore(): void;
}

/**
 * Builds the buffers for setting `limits` (resource and new values, in order),
 * and for putting the current ones back.
 */
export function prepareLimits(
  limits: readonly { resource: number; limit: Limit }[],
): PreparedLimits {
  const prlimit = lib().prlimit;
  const set = (resource: number, limit: Uint8Array<ArrayBuffer>) =>
    prlimit(0, resource, limit, null);
  const readErrno = errnoReader();
  const items = limits.map(({ resource, limit }) => ({
    resource,
    // typed arrays over an ArrayBuffer are off the V8 heap: no allocation when used
    next: new Uint8Array(new BigUint64Array([limit.cur, limit.max]).buffer),
    prev: new Uint8Array(new ArrayBuffer(16)),
  }));
  for (const it of items) prlimit(0, it.resource, null, it.prev);
  // a first call of setrlimit (with the values in force) before anything is lowered
  for (const it of items) set(it.resource, it.prev);
  readErrno();
  return {
    apply() {
      for (let i = 0; i < items.length; i++) {
        if (set(items[i].resource, items[i].next) === -1) return { index: i, errno: readErrno() };
      }
      return null;
    },
    restore(): void {
      for (let i = items.length - 1; i >= 0; i--) set(items[i].resource, items[i].prev);
    },
  };
}

/**
 * Raises the soft RLIMIT_NOFILE to the hard one (Deno does so at start; this
 * makes sure) and returns the limit now. Raising a soft limit up to its hard
 * one needs no privilege, so this does not fail but for a bug: it throws
 * {@link SysError} then.
 */
export function raiseSoftNofile(): Limit {
  const now = getrlimit(RLIMIT.NOFILE);
  if (now.cur >= now.max) return now;
  setrlimit(RLIMIT.NOFILE, { cur: now.max, max: now.max });
  return { cur: now.max, max: now.max };
}
