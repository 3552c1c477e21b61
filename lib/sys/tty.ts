/**
 * The controlling terminal: who owns it, and handing it to a process group
 * (as tini does, so that an interactive PROG gets job control).
 *
 * @module
 */
import { check, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  isatty: { parameters: ["i32"], result: "i32" },
  tcgetpgrp: { parameters: ["i32"], result: "i32" },
  tcsetpgrp: { parameters: ["i32", "i32"], result: "i32" },
  tcgetsid: { parameters: ["i32"], result: "i32" },
  getsid: { parameters: ["i32"], result: "i32" },
  getpgrp: { parameters: [], result: "i32" },
});

/** isatty(3). */
export function isatty(fd: number): boolean {
  return lib().isatty(fd) === 1;
}

/** The foreground process group of the terminal on `fd`, or -1 when there is none. */
export function tcgetpgrp(fd: number): number {
  return lib().tcgetpgrp(fd);
}

/** The session the terminal on `fd` is the controlling terminal of, or -1. */
export function tcgetsid(fd: number): number {
  return lib().tcgetsid(fd);
}

/** Makes process group `pgrp` the foreground group of the terminal on `fd`. */
export function tcsetpgrp(fd: number, pgrp: number): void {
  check("tcsetpgrp", lib().tcsetpgrp(fd, pgrp));
}

/** getsid(2) of a pid (0: this process). */
export function getsid(pid = 0): number {
  return lib().getsid(pid);
}

/** getpgrp(2). */
export function getpgrp(): number {
  return lib().getpgrp();
}
