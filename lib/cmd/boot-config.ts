/**
 * `dt boot-config [--] systemd|inittab [DIR]`: prints how to start `dt svscanboot`
 * at boot.
 *
 * @module
 */
import { errLine, out, usage } from "../common/output.ts";
import { requireSelfExecutable } from "../common/self.ts";
import { inittabLine, systemdUnit } from "../install/boot_config.ts";

const PROG = "dt boot-config";
const SYNOPSIS = "systemd|inittab [DIR]";

/** Runs boot-config. */
export function main(args: string[]): number {
  // no options: `--` may come first (then DIR may start with `-`), anything else that looks like one is unknown
  const first = args[0];
  if (first === "--") args = args.slice(1);
  else if (first !== undefined && first.startsWith("-") && first !== "-") {
    errLine(`${PROG}: fatal: unknown option: ${first}`);
    usage(PROG, SYNOPSIS);
  }
  const [kind, dir = "/service", extra] = args;
  if (extra !== undefined || (kind !== "systemd" && kind !== "inittab")) usage(PROG, SYNOPSIS);
  const exe = requireSelfExecutable(PROG);
  out(kind === "systemd" ? systemdUnit(exe, dir) : inittabLine(exe, dir));
  return 0;
}
