/**
 * `svstat DIR...`: one status line per directory.
 *
 * @module
 */
import { out } from "../common/output.ts";
import { describe } from "../control/svstat.ts";

/** Runs svstat; exit 0. */
export function main(args: string[]): number {
  let text = "";
  for (const dir of args) text += `${dir}: ${describe(dir)}\n`;
  out(text);
  return 0;
}
