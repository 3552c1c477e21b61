/**
 * `tai64n`: puts `@` + a TAI64N timestamp + space in front of every line of
 * stdin. Takes no arguments (like daemontools', it ignores any).
 *
 * @module
 */
import { LineStamper } from "../tai64n/stamp_lines.ts";
import { pump } from "../tai64n/pump.ts";

/** Runs tai64n; returns the exit code. */
export function main(_args: string[]): Promise<number> {
  return pump(new LineStamper());
}
