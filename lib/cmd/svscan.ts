/**
 * `svscan [--subreaper] [--read-only] [--log-prefix] [DIR]`: supervise every
 * service of DIR, in this one process. As PID 1 (or with `--subreaper`) it
 * is also the reaper of every orphan below it. TERM or INT: every service
 * down (loggers last), orphans too, the grace period (DT_KILL_GRACE), KILL
 * for what is left; exit 0. HUP or ALRM: rescan now.
 *
 * dt's own, opt-in: `--read-only` keeps the tree's state (`supervise/`, the
 * loggers' relative directories) in a mirror in the runtime directory, for a
 * tree this account cannot write (lib/svscan/tree_state.ts);
 * `--log-prefix` sends the stdout of each service without a `log/` to
 * svscan's stdout, line by line, prefixed with its name.
 *
 * @module
 */
import { errLine, fatal } from "../common/output.ts";
import { startingEnv } from "../sys/launched.ts";
import { setSubreaper } from "../sys/proc.ts";
import { runScanner, type RunScannerOptions } from "../svscan/run_scanner.ts";
import type { PlacedTree } from "../svscan/tree_state.ts";

/** Runs svscan until TERM or INT. */
export async function main(args: string[]): Promise<number> {
  let subreaper = false, readOnly = false, logPrefix = false;
  const rest: string[] = [];
  for (const a of args) {
    // as in 0.76 there are no options: any other argument is DIR
    if (a === "--subreaper") subreaper = true;
    else if (a === "--read-only") readOnly = true;
    else if (a === "--log-prefix") logPrefix = true;
    else rest.push(a);
  }
  const dir = rest[0] ?? ".";
  try {
    Deno.chdir(dir);
  } catch (e) {
    fatal("svscan", 111, `unable to chdir to ${dir}: `, e);
  }
  const opts: RunScannerOptions = { reaping: false };
  if (readOnly) {
    const { placeTree, treeEnv } = await import("../svscan/tree_state.ts");
    const env = startingEnv();
    let tree: PlacedTree;
    try {
      tree = placeTree(Deno.cwd(), { mirror: "always", env, log: errLine });
    } catch (e) {
      fatal("svscan", 111, e);
    }
    try {
      Deno.chdir(tree.dir);
    } catch (e) {
      fatal("svscan", 111, `unable to chdir to ${tree.dir}: `, e);
    }
    opts.env = treeEnv(env, tree);
    opts.mirror = tree.mirror ?? undefined;
  }
  if (logPrefix) {
    const { LineOutput } = await import("../svscan/stdout_lines.ts");
    opts.output = new LineOutput(1, (t) => errLine(`svscan: warning: ${t}`));
  }
  const init = Deno.pid === 1;
  if (subreaper && !init) {
    try {
      setSubreaper();
    } catch (e) {
      fatal("svscan", 111, "unable to become a subreaper: ", e);
    }
  }
  opts.reaping = init || subreaper;
  return await runScanner(".", opts);
}
