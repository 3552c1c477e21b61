/**
 * The last line of defence of a process that hosts supervisors: an exception
 * or a rejection that no supervisor contained (each contains its own, see
 * Supervisor.handover) is reported on stderr and goes no further, and the
 * soft open-files limit is raised to the hard one (services get the original
 * back), with a spare descriptor kept for status files.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { errLine } from "../common/output.ts";
import { keepSpare } from "../sys/fd_reserve.ts";
import { raiseSoftNofile } from "../sys/rlimit.ts";

/** Prepares this process to host supervisors; `prog` names it in messages. */
export function hostSupervisors(prog: string): void {
  addEventListener("error", (ev) => {
    ev.preventDefault();
    errLine(`${prog}: warning: internal error: ${reason(ev.error)}`);
  });
  addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    errLine(`${prog}: warning: internal error: ${reason(ev.reason)}`);
  });
  try {
    raiseSoftNofile();
  } catch (e) {
    // (cannot happen: raising a soft limit to its hard one needs no privilege)
    errLine(`${prog}: warning: unable to raise the open files limit: ${reason(e)}`);
  }
  keepSpare();
}
