/**
 * What `dt init` reads about one process from /proc: its process group and
 * state. (The ending of everything left below dt is `endLeftovers` in
 * descendants.ts, shared with svscan.)
 *
 * @module
 */
import { statFields } from "./descendants.ts";

/** The process group of `pid` from /proc, or -1 when it is gone. */
export function pgidOf(pid: number): number {
  const f = statFields(pid);
  return f === null ? -1 : Number(f[2]);
}

/** The state letter of `pid` from /proc (`R`, `S`, `T`, `Z`…), or "" when it is gone. */
export function stateOf(pid: number): string {
  return statFields(pid)?.[0] ?? "";
}
