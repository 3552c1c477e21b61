/**
 * This process: pid, session, subreaper, umask.
 *
 * @module
 */
import { check, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  setsid: { parameters: [], result: "i32" },
  getpid: { parameters: [], result: "i32" },
  getpgid: { parameters: ["i32"], result: "i32" },
  setpgid: { parameters: ["i32", "i32"], result: "i32" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  umask: { parameters: ["u32"], result: "u32" },
});

/** setsid(2). */
export function setsid(): number {
  return check("setsid", lib().setsid());
}

/** setpgid(2). */
export function setpgid(pid: number, pgid: number): void {
  check("setpgid", lib().setpgid(pid, pgid));
}

/** getpgid(2) of a pid (0: this process). */
export function getpgid(pid = 0): number {
  return check("getpgid", lib().getpgid(pid));
}

/** Makes this process a child subreaper: orphans below it are re-parented to it. */
export function setSubreaper(): void {
  check("prctl", lib().prctl(36, 1n, 0n, 0n, 0n));
}

/** umask(2): sets the mask, returns the old one. */
export function umask(mask: number): number {
  return lib().umask(mask);
}
