/**
 * `supervise DIR`: one service, as daemontools 0.76.
 *
 * @module
 */
import { fatal, usage } from "../common/output.ts";
import { type Handover, SuperviseError, Supervisor } from "../supervise/supervisor.ts";

/** Runs supervise; resolves with its exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.length !== 1) usage("supervise", "dir");
  // a supervisor whose own code failed is replaced by one that takes its service over
  let adopt: Handover | undefined;
  for (;;) {
    const sv = new Supervisor(args[0], { adopt });
    try {
      sv.start();
    } catch (e) {
      if (e instanceof SuperviseError) fatal("supervise", 111, e.message);
      throw e;
    }
    await sv.done;
    if (sv.handover === null) return 0;
    adopt = sv.handover;
  }
}
