/** Helpers for the beyond-daemontools tests: svstat --json and svwait, run for real. */
import { dt } from "../helpers/mod.ts";
import type { JsonStatus } from "../../lib/control/svstat_json.ts";

/** `dt svstat --json DIR` parsed: the entry of the one dir. */
export async function json(dir: string): Promise<JsonStatus> {
  const r = await dt(["svstat", "--json", dir]);
  return JSON.parse(r.stdout)[0];
}
