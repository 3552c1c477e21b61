/**
 * `svok DIR`: exit 0 if a supervisor runs for DIR, 100 if not.
 *
 * @module
 */
import { isErrno, SysError } from "../common/errors.ts";
import { probePath } from "../sys/fd.ts";
import { fatal, usage } from "../common/output.ts";
import { supervisorRunning } from "../control/control.ts";

/** Runs svok. */
export function main(args: string[]): number {
  const dir = args[0];
  if (dir === undefined) usage("svok", "dir");
  // stat(2)'s answer through open(O_PATH): svok binds open for the probe anyway
  const isDir = probePath(dir, true);
  if (isDir < 0) {
    fatal("svok", 111, `unable to chdir to ${dir}: `, new SysError("stat", -isDir, dir));
  }
  try {
    return supervisorRunning(dir) ? 0 : 100;
  } catch (e) {
    if (isErrno(e, "ENOENT")) return 100;
    fatal("svok", 111, `unable to open ${dir}/supervise/ok: `, e);
  }
}
