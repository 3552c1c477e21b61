/**
 * `svok DIR`: exit 0 if a supervisor runs for DIR, 100 if not.
 *
 * @module
 */
import { fatal, usage } from "../common/output.ts";
import { supervisorRunning } from "../control/control.ts";

/** Runs svok. */
export function main(args: string[]): number {
  const dir = args[0];
  if (dir === undefined) usage("svok", "dir");
  let isDir: boolean;
  try {
    isDir = Deno.statSync(dir).isDirectory;
  } catch (e) {
    fatal("svok", 111, `unable to chdir to ${dir}: `, e);
  }
  if (!isDir) fatal("svok", 111, `unable to chdir to ${dir}: not a directory`);
  const r = supervisorRunning(dir);
  if (r === true) return 0;
  if (r === false || r.code === "ENOENT") return 100;
  fatal("svok", 111, `unable to open ${dir}/supervise/ok: `, r);
}
