/**
 * What every entry point does (cli.ts with every program, and the bundle's
 * one-program entries): pick the program from the name dt was started as
 * (argv[0]) or else the first argument (where bin/dt, a sh script with no
 * `exec -a`, puts the program name it was started under), load it from
 * `programs`, set the title of the long-running ones, run it, exit with its
 * code. An entry that knows only a
 * few programs leaves out the rest of dt, which is what makes it start fast.
 *
 * @module
 */
import type { ProgramModule } from "./programs.ts";
import { Exit, isErrno } from "./common/errors.ts";
import { errLine, out } from "./common/output.ts";
import { VERSION } from "./version.ts";
import { CMDLINE, rawTail } from "./sys/cmdline.ts";
import { decodeRaw } from "./common/raw_text.ts";
import { basename } from "./common/paths.ts";

/** Loaders by program name. */
export type Programs = Record<string, () => Promise<ProgramModule>>;

/**
 * Programs that run long enough to be looked for with ps/pidof/pgrep/killall:
 * their command line becomes `NAME ARGS…` (separate entries) and comm NAME,
 * as daemontools' own show. readproctitle sets its own.
 */
const TITLED = new Set([
  "svscan",
  "supervise",
  "svscanboot",
  "multilog",
  "tai64n",
  "tai64nlocal",
  "fghack",
  "init",
]);

/**
 * Programs that run for months, whose start-up is worth giving back
 * (lib/sys/exe_pages.ts): the page table walk costs ~2 ms, which a filter
 * such as tai64n, often started for one pipeline, should not pay.
 */
const SETTLING = new Set(["svscan", "supervise", "svscanboot", "multilog", "init"]);

/** The name dt was started as: argv[0] (cheap from /proc), else node:process's argv0. */
async function argv0(raw: Uint8Array[] | null): Promise<string> {
  if (raw !== null && raw.length > 0) return new TextDecoder().decode(raw[0]);
  return (await import("node:process")).default.argv0;
}

async function run(programs: Programs, help: () => string): Promise<number> {
  // argv0 from the command line read at import (sys/cmdline.ts), before the title below changes it
  const raw = CMDLINE;
  const name = basename(await argv0(raw));
  // the arguments as given: bytes that are not UTF-8 kept (lib/common/raw_text.ts)
  let args = rawTail(Deno.args, raw).map((a) => typeof a === "string" ? a : decodeRaw(a));
  let prog = name;
  if (!Object.hasOwn(programs, prog)) {
    prog = args.shift() ?? "";
    // `dt help PROGRAM`: its man page
    if (prog === "help" && args.length > 0) return (await import("./cmd/help.ts")).main(args);
    if (prog === "" || prog === "--help" || prog === "-h" || prog === "help") {
      out(help());
      return prog === "" ? 100 : 0;
    }
    if (prog === "--version" || prog === "-V") {
      out(`dt ${VERSION}\n`);
      return 0;
    }
  }
  const load = Object.hasOwn(programs, prog) ? programs[prog] : undefined;
  if (load === undefined) {
    errLine(`dt: fatal: unknown program: ${prog} (dt --help lists them)`);
    return 100;
  }
  // a program that runs for months gives Deno's start-up pages back before its own code loads
  if (SETTLING.has(prog)) (await import("./sys/exe_pages.ts")).dropExePages();
  let mod: ProgramModule;
  try {
    mod = await load();
  } catch (e) {
    errLine(`dt: fatal: unable to load ${prog}: ${(e as Error).message}`);
    return 111;
  }
  if (TITLED.has(prog)) {
    // the program's own arguments as given (raw bytes: the last ones of argv)
    const own = rawTail(args, raw);
    const { setTitle } = await import("./sys/title.ts");
    setTitle(prog === "init" ? ["dt", "init", ...own] : [prog, ...own]);
  }
  args = args.slice();
  return await mod.main(args);
}

/** Runs the program dt was asked for, out of `programs`, and exits. */
export async function runDt(programs: Programs, help: () => string): Promise<never> {
  try {
    Deno.exit(await run(programs, help));
  } catch (e) {
    if (e instanceof Exit) Deno.exit(e.code);
    // stdout closed by the reader (`dt svstat … | head -1`): end quietly, as SIGPIPE would
    if (isErrno(e, "EPIPE")) Deno.exit(111);
    errLine(`dt: fatal: internal error: ${(e as Error)?.message ?? e}`);
    if (Deno.env.get("DT_DEBUG")) errLine(String((e as Error)?.stack));
    Deno.exit(111);
  }
}
