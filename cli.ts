/**
 * dt's entry point. Picks the program from the name dt was started as (a
 * symlink `svc -> dt`, or `exec -a svc`) or else from the first argument,
 * imports only that program's module, runs it, and exits with its code.
 *
 * @module
 */
import { DAEMONTOOLS, OWN, type ProgramModule, SUMMARY } from "./lib/programs.ts";
import { Exit } from "./lib/common/errors.ts";
import { errLine, out } from "./lib/common/output.ts";
import { VERSION } from "./lib/version.ts";

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i === -1 ? p : p.slice(i + 1);
}

function help(): string {
  const lines = Object.keys(DAEMONTOOLS).map((n) => `  ${SUMMARY[n] ?? n}`);
  const own = Object.keys(OWN).map((n) => `  ${SUMMARY[n] ?? n}`);
  return [
    `dt ${VERSION}: daemontools 0.76, re-made for Deno`,
    "usage: dt PROGRAM [ARGS...]   (or start dt under a program's name)",
    "",
    "daemontools programs:",
    ...lines,
    ...(own.length ? ["", "dt's own:", ...own] : []),
    "",
  ].join("\n");
}

/** Programs that run long enough to be looked for with ps/pidof/pgrep: they get a title. */
const TITLED = new Set(["svscan", "supervise", "svscanboot", "multilog", "init"]);

/**
 * The name dt was started as: argv[0] from /proc/self/cmdline (cheap), else
 * node:process's argv0 (importing node:process costs ~35 ms of start-up).
 */
async function argv0(): Promise<string> {
  try {
    const b = Deno.readFileSync("/proc/self/cmdline");
    const end = b.indexOf(0);
    return new TextDecoder().decode(end === -1 ? b : b.subarray(0, end));
  } catch {
    return (await import("node:process")).default.argv0;
  }
}

async function run(): Promise<number> {
  // argv0 first: setting the process title below overwrites it.
  const name = basename(await argv0());
  let args = [...Deno.args];
  let prog = name;
  if (!(prog in DAEMONTOOLS) && !(prog in OWN)) {
    prog = args.shift() ?? "";
    if (prog === "" || prog === "--help" || prog === "-h" || prog === "help") {
      out(help());
      return prog === "" ? 100 : 0;
    }
    if (prog === "--version" || prog === "-V") {
      out(`dt ${VERSION}\n`);
      return 0;
    }
  }
  const load = DAEMONTOOLS[prog] ?? OWN[prog];
  if (load === undefined) {
    errLine(`dt: fatal: unknown program: ${prog} (dt --help lists them)`);
    return 100;
  }
  let mod: ProgramModule;
  try {
    mod = await load();
  } catch (e) {
    errLine(`dt: fatal: unable to load ${prog}: ${(e as Error).message}`);
    return 111;
  }
  if (TITLED.has(prog)) {
    try {
      (await import("node:process")).default.title = [prog, ...args].join(" ");
    } catch {
      // a title is a nicety
    }
  }
  args = args.slice();
  return await mod.main(args);
}

try {
  Deno.exit(await run());
} catch (e) {
  if (e instanceof Exit) Deno.exit(e.code);
  // stdout closed by the reader (`dt svstat … | head -1`): end quietly, as SIGPIPE would
  if (e instanceof Deno.errors.BrokenPipe) Deno.exit(111);
  errLine(`dt: fatal: internal error: ${(e as Error)?.message ?? e}`);
  if (Deno.env.get("DT_DEBUG")) errLine(String((e as Error)?.stack));
  Deno.exit(111);
}
