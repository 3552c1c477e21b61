/**
 * `supervise DIR`: one service, as daemontools 0.76.
 *
 * @module
 */
import { fatal, usage } from "../common/output.ts";
import { SuperviseError, Supervisor } from "../supervise/supervisor.ts";

/** Runs supervise; resolves with its exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.length !== 1) usage("supervise", "dir");
  const sv = new Supervisor(args[0]);
  try {
    sv.start();
  } catch (e) {
    if (e instanceof SuperviseError) fatal("supervise", 111, e.message);
    throw e;
  }
  await sv.done;
  return 0;
}
