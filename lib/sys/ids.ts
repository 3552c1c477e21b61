/**
 * Accounts and process credentials through libc: getpwnam, setgroups, setgid,
 * setuid. glibc applies each set*id call to every thread of the process, so
 * Deno's own threads change identity along with the JS thread.
 *
 * @module
 */
import { check, cstr, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  getpwnam: { parameters: ["buffer"], result: "pointer" },
  setgroups: { parameters: ["usize", "buffer"], result: "i32" },
  setgid: { parameters: ["u32"], result: "i32" },
  setuid: { parameters: ["u32"], result: "i32" },
});

/** What dt needs from a `struct passwd`. */
export interface Account {
  /** Login name. */
  name: string;
  /** Numeric user id. */
  uid: number;
  /** Numeric primary group id. */
  gid: number;
}

/**
 * Looks an account up through NSS (getpwnam(3)); null when it does not exist
 * (daemontools treats any failed lookup as "unknown account").
 *
 * @example
 * ```ts
 * getpwnam("nobody"); // { name: "nobody", uid: 65534, gid: 65534 }
 * ```
 */
export function getpwnam(name: string): Account | null {
  const p = lib().getpwnam(cstr(name));
  if (p === null) return null;
  // struct passwd (x86_64/aarch64 glibc): pw_name @0, pw_uid u32 @16, pw_gid u32 @20
  const v = new Deno.UnsafePointerView(p);
  return { name, uid: v.getUint32(16), gid: v.getUint32(20) };
}

/** setgroups(2): the supplementary group list becomes exactly `gids`. */
export function setgroups(gids: readonly number[]): void {
  const list = new Uint32Array(gids);
  check("setgroups", lib().setgroups(BigInt(list.length), new Uint8Array(list.buffer)));
}

/** setgid(2). */
export function setgid(gid: number): void {
  check("setgid", lib().setgid(gid));
}

/** setuid(2). */
export function setuid(uid: number): void {
  check("setuid", lib().setuid(uid));
}
