/**
 * The soft RLIMIT_NOFILE dt was started with. Deno raises the soft limit to
 * the hard one as it starts; bin/dt reports in `DT_NOFILE_SOFT` what it was,
 * so that the programs dt starts (a chain's final program, a service's
 * `./run`) get it back, as they would under daemontools.
 *
 * @module
 */
import { getrlimit, type Limit, RLIM_INFINITY, RLIMIT } from "../sys/rlimit.ts";
import { parseLimitValue, softValue } from "./softlimit_args.ts";

/** The limit to give programs dt starts, or null when the launcher did not say (nothing to restore). */
export function startingNofile(): Limit | null {
  const v = Deno.env.get("DT_NOFILE_SOFT");
  if (v === undefined || v === "") return null;
  const cur = v === "unlimited" ? RLIM_INFINITY : parseLimitValue(v);
  if (cur === null || cur === "=") return null;
  const { max } = getrlimit(RLIMIT.NOFILE);
  return { cur: softValue(cur, max), max };
}
