/**
 * `svok DIR`: exit 0 if a supervisor runs for DIR, 100 if not.
 *
 * @module
 */
import { isErrno } from "../common/errors.ts";
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
  try {
    return supervisorRunning(dir) ? 0 : 100;
  } catch (e) {
    if (isErrno(e, "ENOENT")) return 100;
    fatal("svok", 111, `unable to open ${dir}/supervise/ok: `, e);
  }
}
