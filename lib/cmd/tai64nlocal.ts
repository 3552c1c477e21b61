/**
 * `tai64nlocal`: turns the TAI64N timestamp at the start of each line into
 * local time, `YYYY-MM-DD HH:MM:SS.nnnnnnnnn`. Takes no arguments.
 *
 * @module
 */
import { StampLocalizer } from "../tai64n/localize.ts";
import { pump } from "../tai64n/pump.ts";

/** Runs tai64nlocal; returns the exit code. */
export function main(_args: string[]): Promise<number> {
  return pump(new StampLocalizer());
}
