/**
 * `svc -udopchaitkx DIR...`: send commands to supervisors.
 *
 * @module
 */
import { badOptionMessage, getopt } from "../common/args.ts";
import { errLine } from "../common/output.ts";
import { sendControl } from "../control/control.ts";
import { ControlError } from "../control/control_error.ts";
import { reason } from "../common/errors.ts";

const HELP =
  "svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, i interrupt, t term, k kill";

/** Runs svc; always exits 0 after trying every directory, as daemontools does. */
export function main(args: string[]): number {
  const parsed = getopt(args, "udopchaitkx");
  const { opts, rest } = parsed;
  const complaint = badOptionMessage("svc", parsed);
  if (complaint !== null) {
    errLine(complaint);
    errLine(HELP);
    return 100;
  }
  let data = "";
  for (const { opt } of opts) if (data.length < 20 && !data.includes(opt)) data += opt;
  for (const dir of rest) {
    try {
      if (!Deno.statSync(dir).isDirectory) {
        errLine(`svc: warning: unable to chdir to ${dir}: not a directory`);
        continue;
      }
    } catch (e) {
      errLine(`svc: warning: unable to chdir to ${dir}: ${reason(e)}`);
      continue;
    }
    try {
      sendControl(dir, data);
    } catch (e) {
      if (!(e instanceof ControlError)) throw e;
      errLine(`svc: warning: ${e.message}`);
    }
  }
  return 0;
}
