/**
 * The decisions containers ask for beyond daemontools, pure, as part of
 * machine.ts's step: the restart back-off and the crash-loop budget
 * (`restart-delay-max`, `start-limit-burst`, `start-limit-interval`:
 * systemd's RestartMaxDelaySec, StartLimitBurst, StartLimitIntervalSec) and
 * the health check (runit's `check`, with Docker's interval, timeout and
 * retries). A service without the files gets daemontools' 1 s between
 * starts and no check: nothing here acts.
 *
 * @example
 * ```ts
 * import { nextPause, RESTART_PAUSE_MS } from "./policy.ts";
 * import { PLAIN } from "./service_files.ts";
 * console.assert(nextPause(PLAIN, { delay: 8000, next: 8000, ends: [] }) === RESTART_PAUSE_MS);
 * ```
 *
 * @module
 */
import { SIG } from "../sys/signal.ts";
import type { Action, CheckState, Clock, Policy, State } from "./machine_types.ts";
import type { ServiceFiles } from "./service_files.ts";

/** Minimum time between two starts of `./run`, in ms (daemontools: 1 second). */
export const RESTART_PAUSE_MS = 1000;
/** How often a check runs until it first passes (s6-notifyoncheck's polling), at most. */
export const CHECK_POLL_MS = 1000;

/** A policy that has counted nothing. */
export function freshPolicy(): Policy {
  return { delay: RESTART_PAUSE_MS, next: RESTART_PAUSE_MS, ends: [] };
}

/** A run's check before its first. */
export const NO_CHECK: CheckState = { due: null, running: false, passed: false, failures: 0 };

/** The pause between the last start and the next: daemontools' 1 s, or the back-off's. */
export function nextPause(files: ServiceFiles, p: Policy): number {
  return files.restartDelayMax === null ? RESTART_PAUSE_MS : p.next;
}

/**
 * Counts an end of `./run` that nobody asked for: the back-off's next pause
 * (a run shorter than `restart-delay-max` doubles it, up to that; a longer
 * one puts it back to 1 s) and the start-limit window. True when the budget
 * is spent: `start-limit-burst` ends within `start-limit-interval`.
 */
export function countEnd(s: State, t: Clock): boolean {
  const f = s.files, p = { ...s.policy };
  if (f.restartDelayMax !== null) {
    const cap = Math.max(f.restartDelayMax, RESTART_PAUSE_MS);
    if (t.mono - s.lastStart >= cap) p.delay = RESTART_PAUSE_MS;
    p.next = p.delay;
    p.delay = Math.min(p.delay * 2, cap);
  }
  if (f.startLimitBurst !== null) {
    p.ends = [...p.ends.filter((at) => t.mono - at < f.startLimitInterval), t.mono];
  }
  s.policy = p;
  return f.startLimitBurst !== null && p.ends.length >= f.startLimitBurst;
}

/** `svc -u` (or `-o`): the count starts again, and a service left down may start. */
export function rearm(s: State): void {
  s.policy = freshPolicy();
  if (s.extra.leftDown) s.extra = { ...s.extra, leftDown: null };
}

/** True when `check` is how the run says it is ready (no notification-fd, no notify-socket). */
export function readyByCheck(f: ServiceFiles): boolean {
  return f.check && f.notificationFd === null && !f.notifySocket;
}

/** A run started: its first check is due in a moment (polled until it passes). */
export function startChecks(s: State, out: Action[], t: Clock): void {
  s.check = NO_CHECK;
  if (!s.files.check) return;
  s.check = { ...NO_CHECK, due: t.mono + Math.min(CHECK_POLL_MS, s.files.checkInterval) };
  out.push({ type: "armCheck", at: s.check.due! });
}

/** The run ended: no more checks for it. */
export function stopChecks(s: State, out: Action[]): void {
  if (s.check.due !== null || s.check.running) out.push({ type: "cancelCheck" });
  s.check = NO_CHECK;
}

/** The next check is due: run it (one at a time). */
export function checkDue(s: State, out: Action[]): void {
  if (s.phase !== "up" || s.check.due === null || s.check.running) return;
  s.check = { ...s.check, due: null, running: true };
  out.push({ type: "runCheck", pid: s.pid, files: s.files });
}

/**
 * A check of the run `pid` ended. A pass makes a run that says it is ready
 * this way ready (the first time), and clears the failures; once it has
 * passed, `check-retries` failures in a row restart the service as `svc -t`
 * does with its files (its down-signal, then CONT, and timeout-kill). The
 * next check is due after `check-interval` (polled until the first pass).
 */
export function checkDone(s: State, pid: number, ok: boolean, out: Action[], t: Clock): void {
  if (s.phase !== "up" || pid !== s.pid || !s.check.running) return;
  const f = s.files;
  const c = { ...s.check, running: false };
  if (ok) {
    c.failures = 0;
    c.passed = true;
    if (readyByCheck(f) && s.extra.ready === false) {
      s.extra = { ...s.extra, ready: true, readySince: t.wall };
      out.push({ type: "announce", event: "U" });
    }
  } else if (c.passed && ++c.failures >= f.checkRetries) {
    c.failures = 0;
    out.push({ type: "signal", sig: f.downSignal, pid });
    out.push({ type: "signal", sig: SIG.CONT, pid });
    if (f.timeoutKill !== null && f.timeoutKill !== Infinity && s.killAt === null) {
      s.killAt = t.mono + f.timeoutKill;
      s.killPid = pid;
      out.push({ type: "armKill", at: s.killAt });
    }
  }
  c.due = t.mono + (c.passed ? f.checkInterval : Math.min(CHECK_POLL_MS, f.checkInterval));
  s.check = c;
  out.push({ type: "armCheck", at: c.due });
}
