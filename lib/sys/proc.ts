/**
 * This process: pid, session, subreaper, umask.
 *
 * @module
 */
import { check, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  setsid: { parameters: [], result: "i32" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  umask: { parameters: ["u32"], result: "u32" },
});

/** setsid(2). */
export function setsid(): number {
  return check("setsid", lib().setsid());
}

/** Makes this process a child subreaper: orphans below it are re-parented to it. */
export function setSubreaper(): void {
  check("prctl", lib().prctl(36, 1n, 0n, 0n, 0n));
}

/** umask(2): sets the mask, returns the old one. */
export function umask(mask: number): number {
  return lib().umask(mask);
}
