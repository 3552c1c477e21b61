/**
 * What a supervisor writes of its state at each change, as supervise.c's
 * announce(): `supervise/status` (daemontools' 18 bytes) and
 * `supervise/status.json` (dt's extra state, with the record of the run a
 * scanner that adopts the service needs), through the supervisor's writer
 * (supervise_writer.ts: at the end of the turn, with the state of that moment).
 *
 * @module
 */
import { encodeExtra, EXTRA_STATUS, type ExtraStatus } from "./extra_status.ts";
import type { State } from "./machine_types.ts";
import { bootId } from "./running.ts";
import { toRunFiles } from "./service_files.ts";
import { encodeStatus } from "./status.ts";
import type { SuperviseWriter } from "./supervise_writer.ts";

const enc = new TextEncoder();

/**
 * status.json's contents for `s`: dt's extra state, and what a scanner that
 * adopts the service must know of the run (RunRecord, AfterRecord), tied to
 * this boot.
 */
export function extraOf(s: State): ExtraStatus {
  const live = s.phase === "up" || s.phase === "finishing";
  return {
    ...s.extra,
    run: live
      ? {
        pid: s.pid,
        files: toRunFiles(s.files),
        sid: s.sid,
        notify: s.notify,
        killAt: s.killAt === null ? null : Math.round(Date.now() + s.killAt - performance.now()),
      }
      : null,
    after: s.after,
    backoff: {
      delay: s.policy.delay,
      ends: s.policy.ends.map((m) => Math.round(Date.now() - (performance.now() - m))),
    },
    boot: bootId() ?? undefined,
  };
}

/**
 * Writes the status files of the state `state()` gives at the end of the
 * turn, status.json first (a scanner killed between the two renames finds
 * the run's record ahead of the 18 bytes, never behind: a finish under way is
 * never taken for down); then the waiters get `event`. Readers trust
 * status.json only when it agrees with status (svstat --json, svwait), and a
 * waiter woken by an event reads both.
 */
export function announce(w: SuperviseWriter, state: () => State, event: string): void {
  w.put(EXTRA_STATUS, () => enc.encode(encodeExtra(extraOf(state()))));
  w.put("status", () => {
    const s = state();
    return encodeStatus({
      when: s.when,
      pid: s.pid,
      paused: s.paused,
      want: s.want ? (s.wantUp ? "u" : "d") : null,
    });
  });
  w.event(event);
}
