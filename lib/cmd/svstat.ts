/**
 * `svstat DIR...`: one status line per directory. `svstat --json DIR...`
 * (dt's): one JSON array, an object per directory.
 *
 * @module
 */
import { out } from "../common/output.ts";
import { describe } from "../control/svstat.ts";

/** Runs svstat; exit 0. */
export async function main(args: string[]): Promise<number> {
  if (args[0] === "--json") {
    const { describeJson } = await import("../control/svstat_json.ts");
    out(describeJson(args.slice(1)));
    return 0;
  }
  let text = "";
  for (const dir of args) text += `${dir}: ${describe(dir)}\n`;
  out(text);
  return 0;
}
