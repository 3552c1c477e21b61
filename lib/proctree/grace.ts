/**
 * The grace period between TERM and KILL at shutdown, shared by `svscan` (as
 * PID 1 or on TERM) and `dt init`: `DT_KILL_GRACE` seconds, default 8 — below
 * Docker's 10-second stop timeout, so dt does the killing, not the runtime.
 *
 * @module
 */

/** Default grace in seconds. */
export const DEFAULT_GRACE_SECONDS = 8;

/** Parses a grace value in seconds (decimals allowed); null when not a number ≥ 0. */
export function parseGrace(text: string): number | null {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return null;
  return Math.round(Number(text) * 1000);
}

/** The grace in ms from `DT_KILL_GRACE`, or the default when unset or invalid. */
export function graceFromEnv(): number {
  const v = Deno.env.get("DT_KILL_GRACE");
  return (v === undefined ? null : parseGrace(v)) ?? DEFAULT_GRACE_SECONDS * 1000;
}
