/**
 * svstat's view of a service directory: the pure formatting of one line, and
 * the reads (as daemontools' svstat does them, in the same order) behind it.
 *
 * @module
 */
import { decodeStatus, type Status, STATUS_SIZE } from "../supervise/status.ts";
import { now, type Tai64n } from "../tai64n/codec.ts";
import { isErrno, reason } from "../common/errors.ts";
import { supervisorRunning } from "./control.ts";

/** Formats the text after `DIR: ` for a service that has a status, exactly as svstat 0.76. */
export function formatStatus(s: Status, at: Tai64n, normallyUp: boolean): string {
  // svstat compares whole TAI64 seconds only, and never goes below zero
  const secs = Math.max(0, at.sec - s.when.sec);
  let line = s.pid ? `up (pid ${s.pid}) ` : "down ";
  line += `${secs} seconds`;
  if (s.pid && !normallyUp) line += ", normally down";
  if (!s.pid && normallyUp) line += ", normally up";
  if (s.pid && s.paused) line += ", paused";
  if (!s.pid && s.want === "u") line += ", want up";
  if (s.pid && s.want === "d") line += ", want down";
  return line;
}

/** What svstat reads of a service directory: its status, or daemontools' words for why not. */
export type ServiceRead = { status: Status; normallyUp: boolean } | { error: string };

/** Reads a service directory's status as daemontools' svstat does, in the same order. */
export function readService(dir: string): ServiceRead {
  try {
    if (!Deno.statSync(dir).isDirectory) return { error: "unable to chdir: not a directory" };
  } catch (e) {
    return { error: `unable to chdir: ${reason(e)}` };
  }
  let normallyUp = false;
  try {
    Deno.statSync(`${dir}/down`);
  } catch (e) {
    if (!isErrno(e, "ENOENT")) return { error: `unable to stat down: ${reason(e)}` };
    normallyUp = true;
  }
  const ok = supervisorRunning(dir);
  if (ok === false) return { error: "supervise not running" };
  if (ok !== true) return { error: `unable to open supervise/ok: ${reason(ok)}` };
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(`${dir}/supervise/status`);
  } catch (e) {
    return { error: `unable to open supervise/status: ${reason(e)}` };
  }
  const status = decodeStatus(bytes.subarray(0, STATUS_SIZE));
  if (status === null) return { error: "unable to read supervise/status: bad format" };
  return { status, normallyUp };
}

/** Reads a service directory's state; the text svstat prints after `DIR: `. */
export function describe(dir: string): string {
  const r = readService(dir);
  return "error" in r ? r.error : formatStatus(r.status, now(), r.normallyUp);
}
