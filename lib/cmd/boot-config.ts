/**
 * `dt boot-config systemd|inittab [DIR]`: prints how to start `dt svscanboot`
 * at boot.
 *
 * @module
 */
import { fatal, out, usage } from "../common/output.ts";
import { selfExecutable } from "../common/self.ts";
import { inittabLine, systemdUnit } from "../own/boot_config.ts";

const PROG = "dt boot-config";

/** Runs boot-config. */
export function main(args: string[]): number {
  const [kind, dir = "/service", extra] = args;
  if (extra !== undefined || (kind !== "systemd" && kind !== "inittab")) {
    usage(PROG, "systemd|inittab [DIR]");
  }
  const exe = selfExecutable();
  if (exe === null) {
    fatal(
      PROG,
      111,
      "unable to find dt's executable: run dt through its launcher (bin/dt, dist/dt)",
    );
  }
  out(kind === "systemd" ? systemdUnit(exe, dir) : inittabLine(exe, dir));
  return 0;
}
