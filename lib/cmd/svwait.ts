/**
 * `dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR...` (s6-svwait's interface):
 * wait until the services are up (-u, default), up and ready (-U), down (-d),
 * down with finish done (-D); all of them (-a, default) or any one (-o).
 * Exit 0 when reached, 99 on timeout, 100 usage, 102 a supervisor exited,
 * 111 when a directory cannot be watched.
 *
 * @module
 */
import { errLine, failWith } from "../common/output.ts";
import { isFailure } from "../common/failure.ts";
import { ControlError } from "../control/control_error.ts";
import { parseSvwait, svwait } from "../control/svwait.ts";

/** Runs svwait. */
export async function main(args: string[]): Promise<number> {
  const a = parseSvwait(args);
  if (isFailure(a)) return failWith(a);
  try {
    return await svwait(a);
  } catch (e) {
    if (!(e instanceof ControlError)) throw e;
    errLine(`dt svwait: fatal: ${e.message}`);
    return 111;
  }
}
