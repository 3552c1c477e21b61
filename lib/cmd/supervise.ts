/**
 * `supervise DIR`: one service, as daemontools 0.76.
 *
 * @module
 */
import { fatal, usage } from "../common/output.ts";
import { type Handover, SuperviseError, Supervisor } from "../supervise/supervisor.ts";
import { Settler } from "../sys/settle.ts";

/** Runs supervise; resolves with its exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.length !== 1) usage("supervise", "dir");
  // a supervisor whose own code failed is replaced by one that takes its service over
  let adopt: Handover | undefined;
  // settles (lib/sys/settle.ts) once its first start is a second behind it
  const settler = new Settler();
  settler.busy();
  for (;;) {
    const sv = new Supervisor(args[0], { adopt });
    try {
      sv.start();
    } catch (e) {
      if (e instanceof SuperviseError) fatal("supervise", 111, e.message);
      throw e;
    }
    await sv.done;
    if (sv.handover === null) {
      settler.stop();
      return 0;
    }
    adopt = sv.handover;
  }
}
