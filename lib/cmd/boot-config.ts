/**
 * `dt boot-config systemd|inittab [DIR]`: prints how to start `dt svscanboot`
 * at boot.
 *
 * @module
 */
import { out, usage } from "../common/output.ts";
import { requireSelfExecutable } from "../common/self.ts";
import { inittabLine, systemdUnit } from "../install/boot_config.ts";

const PROG = "dt boot-config";

/** Runs boot-config. */
export function main(args: string[]): number {
  const [kind, dir = "/service", extra] = args;
  if (extra !== undefined || (kind !== "systemd" && kind !== "inittab")) {
    usage(PROG, "systemd|inittab [DIR]");
  }
  const exe = requireSelfExecutable(PROG);
  out(kind === "systemd" ? systemdUnit(exe, dir) : inittabLine(exe, dir));
  return 0;
}
