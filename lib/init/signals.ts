/**
 * Which signals `dt init` passes on, and what each becomes on the way
 * (dumb-init's `-r S:R` rewriting). Pure.
 *
 * @module
 */
import { SIG } from "../sys/signal.ts";

/**
 * Every signal dt listens for and forwards: the ordinary ones a process can
 * catch. Not forwarded: KILL and STOP (cannot be caught), CHLD (dt's own),
 * PIPE (Deno raises it on dt's own broken pipes), the fault signals SEGV,
 * BUS, ILL, FPE, TRAP, ABRT, SYS (as tini), and the real-time signals (Deno
 * cannot listen for them).
 */
export const FORWARDED: readonly Deno.Signal[] = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
  "SIGALRM",
  "SIGTERM",
  "SIGSTKFLT",
  "SIGCONT",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGVTALRM",
  "SIGPROF",
  "SIGWINCH",
  "SIGIO",
  "SIGPWR",
];

/** The terminal job-control signals: forwarded, then dt stops itself (dumb-init). */
export const JOB_CONTROL: ReadonlySet<number> = new Set([SIG.TSTP, SIG.TTIN, SIG.TTOU]);

/**
 * What signal `sig` is forwarded as (0: dropped). When PROG runs in a session
 * of its own, its process group is orphaned and the kernel discards TSTP,
 * TTIN and TTOU sent to it, so those become STOP unless `-r` says otherwise
 * (dumb-init does the same).
 */
export function forwardAs(
  sig: number,
  rewrites: ReadonlyMap<number, number>,
  ownSession: boolean,
): number {
  const r = rewrites.get(sig);
  if (r !== undefined) return r;
  if (ownSession && JOB_CONTROL.has(sig)) return SIG.STOP;
  return sig;
}

/** True when receiving `sig` starts dt's orderly end (TERM or INT that is not dropped). */
export function startsEnd(sig: number, forwarded: number): boolean {
  return (sig === SIG.TERM || sig === SIG.INT) && forwarded !== 0;
}

/** The exit code for PROG's end: the code, or 128+N when killed by N; `-e` codes become 0. */
export function exitCode(
  end: { code: number | null; signal: number | null },
  okCodes: ReadonlySet<number>,
): number {
  const c = end.code ?? 128 + (end.signal ?? 0);
  return okCodes.has(c) ? 0 : c;
}
