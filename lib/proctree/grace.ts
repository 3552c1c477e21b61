/**
 * The grace period between TERM and KILL at shutdown, shared by `svscan` (as
 * PID 1 or on TERM) and `dt init`: `DT_KILL_GRACE` seconds, default 8 — below
 * Docker's 10-second stop timeout, so dt does the killing, not the runtime.
 * 0 is no grace (KILL right after TERM, as `docker stop -t 0`); the largest is
 * ten digits of seconds (lib/common/durations.ts), honoured exactly.
 *
 * @module
 */
import { parseSecondsText, WANT_SECONDS } from "../common/durations.ts";

/** Default grace in seconds. */
export const DEFAULT_GRACE_SECONDS = 8;

/** Parses a grace value in seconds (decimals allowed) into ms; null when not one in range. */
export function parseGrace(text: string): number | null {
  return parseSecondsText(text);
}

/**
 * The grace in ms from `DT_KILL_GRACE`, or the default when unset or invalid;
 * `warn` gets a line about a value that is set but invalid.
 */
export function graceFromEnv(warn: (line: string) => void = () => {}): number {
  const v = Deno.env.get("DT_KILL_GRACE");
  const ms = v === undefined ? null : parseGrace(v);
  if (v !== undefined && ms === null) {
    const shown = JSON.stringify(v.slice(0, 40));
    warn(
      `DT_KILL_GRACE: bad value: ${shown} (want ${WANT_SECONDS}); ${DEFAULT_GRACE_SECONDS} it is`,
    );
  }
  return ms ?? DEFAULT_GRACE_SECONDS * 1000;
}
