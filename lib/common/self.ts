/**
 * How dt finds itself: the executable to link program names to, and the argv
 * that runs dt again as another program. Works the same under `deno run`
 * (cli.ts or the bundled dist/dt.js) and as a `deno compile` binary.
 *
 * @module
 */
import { fatal } from "./output.ts";

/** True when running as a `deno compile` binary. */
function isCompiled(): boolean {
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

/**
 * The argv that starts dt as `prog`, whichever form of dt this is: a compiled
 * binary, `deno run` of cli.ts or of the bundle (dist/dt.js), or one of the
 * bundle's one-program entries (dist/one/NAME.js), which knows NAME alone: from
 * there, `prog`'s own entry beside it, else the whole bundle.
 */
export function selfArgv(prog: string): string[] {
  if (isCompiled()) return [Deno.execPath(), prog];
  return [Deno.execPath(), "run", "-A", "--quiet", "--no-config", entryFor(prog), prog];
}

/** The module that runs `prog`, from this process's main module (see {@link selfArgv}). */
function entryFor(prog: string, main: string = new URL(Deno.mainModule).pathname): string {
  const one = /^(.*)\/one\/[^/]+\.js$/.exec(main);
  if (one === null) return main;
  for (const p of [`${one[1]}/one/${prog}.js`, `${one[1]}/dt.js`]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not there */ }
  }
  return main;
}
