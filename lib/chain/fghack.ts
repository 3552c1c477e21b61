/**
 * fghack: run a child with a pipe's write end copied onto many descriptors,
 * and wait until every copy is closed, so that a program which puts itself in
 * the background is still waited for. Not an exec: it ends a chain.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { close, pipe, readSome } from "../sys/fd.ts";
import { spawn } from "../sys/spawn.ts";
import { sweep, waitChild } from "../sys/reaper.ts";
import { getrlimit, type Limit, RLIMIT } from "../sys/rlimit.ts";
import { getEnv } from "../sys/env.ts";
import { ignoredVar } from "../sys/launched.ts";
import { selfArgv } from "../common/self.ts";
import { whichExec } from "../sys/path_search.ts";
import { OPTION_FOR } from "./softlimit_args.ts";
import type { Failure } from "../common/failure.ts";
import { joinParts } from "../common/output.ts";

/** How many copies of the write end daemontools' fghack adds with dup(). */
const COPIES = 30;

/**
 * Where the pipe's write end sits in the child, as daemontools' fghack lays it
 * out: with `open` fds inherited, pipe() takes the two lowest free numbers,
 * the child closes the read end and dup()s the write end 30 times onto the
 * lowest free numbers below the descriptor limit `nofile`. Pure.
 *
 * @example
 * ```ts
 * fghackLayout([0, 1, 2], 1024).slice(0, 3); // [4, 3, 5]
 * ```
 */
export function fghackLayout(open: readonly number[], nofile: number): number[] {
  const taken = new Set(open);
  const lowest = (): number => {
    let i = 0;
    while (taken.has(i)) i++;
    return i;
  };
  const r = lowest();
  taken.add(r);
  const w = lowest();
  taken.add(w);
  taken.delete(r);
  const copies = [w];
  for (let i = 0; i < COPIES; i++) {
    const d = lowest();
    if (d >= nofile) break;
    taken.add(d);
    copies.push(d);
  }
  return copies;
}

/** This process's fds that an exec'd or forked child inherits (not close-on-exec). */
function inheritableFds(): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    const fd = Number(e.name);
    try {
      const info = Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`);
      const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(info)?.[1] ?? "0", 8);
      if ((flags & 0o2000000) === 0) out.push(fd);
    } catch {
      // closed meanwhile (the directory listing's own fd)
    }
  }
  return out.sort((a, b) => a - b);
}

/** A soft limit the child must run under. */
export interface ChildLimit {
  /** RLIMIT_* number. */
  resource: number;
  /** The limits. */
  limit: Limit;
}

/**
 * Runs fghack's child and waits as daemontools does; returns the child's exit
 * code, or fghack's failure. `limits` are the soft limits earlier steps asked
 * for: lowering them in this process would starve V8, so they go to the child.
 */
export async function runFghack(
  argv: readonly string[],
  env: readonly Uint8Array[],
  limits: readonly ChildLimit[],
): Promise<number | Failure> {
  const fail = (...parts: unknown[]): Failure => ({
    prog: "fghack",
    code: 111,
    lines: [`fghack: fatal: ${joinParts(parts)}`],
  });
  let r: number, w: number;
  try {
    [r, w] = pipe();
  } catch (e) {
    return fail("unable to create pipe: ", e);
  }
  const nofile = [...limits].reverse().find((l) => l.resource === RLIMIT.NOFILE)?.limit.cur ??
    getrlimit(RLIMIT.NOFILE).cur;
  const open = inheritableFds();
  const copies = fghackLayout(open, Number(nofile > 65536n ? 65536n : nofile));
  const size = Math.max(...open, ...copies) + 1;
  const fds: (number | null)[] = Array.from({ length: size }, (_, i) => {
    if (copies.includes(i)) return w;
    return open.includes(i) ? i : null;
  });
  // the limits are set in the child by dt softlimit, right before its exec (set here, they would
  // starve Deno, or the spawn's own descriptor moves); Deno must not start under them. A program
  // that cannot be found is reported as fghack's own failure.
  const viaDt = limits.length > 0 && whichExec(argv[0], getEnv(env, "PATH")) !== null;
  const opts = limits.flatMap((l) => [`-${OPTION_FOR[l.resource]}`, String(l.limit.cur)]);
  const start = viaDt ? [...selfArgv("softlimit"), ...opts, "--", ...argv] : [...argv];
  // that dt is Deno started directly: the signals given ignored are told it as bin/dt would
  const childEnv = viaDt ? [...env, ignoredVar()] : env;
  let pid: number;
  try {
    pid = spawn({
      path: start[0],
      argv: start,
      env: childEnv,
      fds,
      limits: viaDt ? [] : undefined,
    });
  } catch (e) {
    close(r);
    close(w);
    return fail(`unable to run ${argv[0]}: `, e);
  }
  const ended = waitChild(pid);
  close(w);
  const buf = new Uint8Array(64);
  for (;;) {
    const n = readSome(r, buf);
    if (n === -ERRNO.EINTR || n > 0) continue;
    break;
  }
  close(r);
  const keep = setInterval(sweep, 1000); // signal listeners alone do not keep Deno running
  sweep();
  const s = await ended;
  clearInterval(keep);
  if (s.signal !== null) return fail("child crashed");
  return s.code ?? 111;
}
