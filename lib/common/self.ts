/**
 * How dt finds itself: the executable to link program names to, and the argv
 * that runs dt again as another program. Works the same under `deno run`
 * (cli.ts or the bundled dist/dt.js) and as a `deno compile` binary.
 *
 * @module
 */
import { fatal } from "./output.ts";

/** True when running as a `deno compile` binary. */
export function isCompiled(): boolean {
  return Deno.build.standalone === true;
}

/**
 * The file users run as dt: the launcher (which exports `DT_LAUNCHER`), or the
 * compiled binary. Null when dt was started with `deno run` directly.
 */
export function selfExecutable(): string | null {
  if (isCompiled()) return Deno.execPath();
  const l = Deno.env.get("DT_LAUNCHER");
  return l === undefined || l === "" ? null : l;
}

/** {@link selfExecutable}, or a fatal message from `prog` (exit 111) when there is none. */
export function requireSelfExecutable(prog: string): string {
  const exe = selfExecutable();
  if (exe === null) {
    fatal(
      prog,
      111,
      "unable to find dt's executable: run dt through its launcher (bin/dt, dist/dt)",
    );
  }
  return exe;
}

/** The argv that starts dt as `prog` (no dependence on how this process was started). */
export function selfArgv(prog: string): string[] {
  if (isCompiled()) return [Deno.execPath(), prog];
  const main = new URL(Deno.mainModule).pathname;
  return [Deno.execPath(), "run", "-A", "--quiet", "--no-config", main, prog];
}
