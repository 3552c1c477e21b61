/**
 * Signal numbers and names (Linux), and kill(2).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { errno, lazyLibc } from "./libc.ts";

/** Linux signal numbers by name (without the SIG prefix). */
export const SIG: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  PWR: 30,
  SYS: 31,
};

const BY_NUMBER: Record<number, string> = Object.fromEntries(
  Object.entries(SIG).map(([k, v]) => [v, k]),
);

/** `15` → `"TERM"`; unknown numbers give their digits. */
export function signalName(n: number): string {
  return BY_NUMBER[n] ?? String(n);
}

const lib = lazyLibc({
  kill: { parameters: ["i32", "i32"], result: "i32" },
});

/** kill(2). Returns false if the process is gone (ESRCH); throws on other errors. */
export function kill(pid: number, sig: number): boolean {
  if (lib().kill(pid, sig) === 0) return true;
  const e = errno();
  if (e === ERRNO.ESRCH) return false;
  throw new SysError("kill", e, String(pid));
}

/**
 * kill(2) to a process that may be gone or no longer this one's to signal
 * (its pid taken by another account's): true when sent, false for ESRCH and
 * EPERM, which leave nothing to do. Throws {@link SysError} on any other
 * errno (EINVAL: a signal number that is none, a bug).
 */
export function signalIfThere(pid: number, sig: number): boolean {
  if (lib().kill(pid, sig) === 0) return true;
  const e = errno();
  if (e === ERRNO.ESRCH || e === ERRNO.EPERM) return false;
  throw new SysError("kill", e, String(pid));
}

/** True if a process with this pid exists (kill 0). EPERM counts as alive. */
export function alive(pid: number): boolean {
  if (lib().kill(pid, 0) === 0) return true;
  return errno() === ERRNO.EPERM;
}
