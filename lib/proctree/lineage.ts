/**
 * Whether a process belongs to a service's process tree, read from /proc:
 * who may tell the supervisor that the service is ready.
 *
 * @module
 */
import { statFields } from "./descendants.ts";

/** Longest parent chain followed (a tree deeper than this is not looked into). */
const MAX_DEPTH = 256;

/**
 * True when `pid` is `root` or a live descendant of it: the parent chain of
 * /proc/PID/stat leads to `root`, or `pid` is in the session `root` leads (a
 * session leader's descendants keep its session when they are re-parented, and
 * no other process can join it). False for a process that is gone (it cannot
 * be checked), for pid 0 (a sender in a pid namespace this one cannot see),
 * and when the chain reaches `stopAt` (this process: the parent of `root`) or
 * init first.
 */
export function inTreeOf(pid: number, root: number, stopAt: number = Deno.pid): boolean {
  if (!(pid > 0) || !(root > 0)) return false;
  let p = pid;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (p === root) return true;
    if (p <= 1 || p === stopAt) return false;
    const f = statFields(p);
    if (f === null) return false;
    // state ppid pgrp session: the sender's own session is the one that counts
    if (depth === 0 && Number(f[3]) === root) return true;
    p = Number(f[1]);
  }
  return false;
}
