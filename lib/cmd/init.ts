/**
 * `dt init [OPTIONS] [--] PROG ARGS...`: a container's entry point. Runs PROG
 * as its child, passes signals on, reaps every orphan, and ends in order;
 * exits with PROG's status. See docs/containers.md.
 *
 * @module
 */
import { errLine, failWith, fatal, out } from "../common/output.ts";
import { isFailure } from "../common/failure.ts";
import { VERSION } from "../common/version.ts";
import { INIT_SYNOPSIS as SYNOPSIS, parseInitArgs } from "../init/args.ts";
import { rawTail } from "../sys/cmdline.ts";
import { runInit } from "../init/run_init.ts";
import { checkServiceTree } from "../init/services.ts";
import { DEFAULT_GRACE_SECONDS, graceFromEnv } from "../proctree/grace.ts";
import { startingEnv } from "../chain/run.ts";
import type { PlacedTree } from "../svscan/tree_state.ts";
import type { LineOutput } from "../svscan/stdout_lines.ts";

const HELP = `usage: ${SYNOPSIS}
       dt init [-lvw] [-t SECONDS] -S DIR

Runs PROG as its child, as a container's PID 1 (or, elsewhere, as a child
subreaper): passes signals on, reaps orphans, and exits with PROG's status
(128+N when PROG was killed by signal N).

  -c, --single-child     signal PROG alone, not its whole process group
  -r, --rewrite S:R      forward signal S as R (numbers or names; R=0 drops S)
  -e, --exit-ok CODE     PROG's status CODE makes dt exit 0 (repeatable)
  -t, --grace SECONDS    time between TERM and KILL at the end, 0 for none
                         (default: $DT_KILL_GRACE, else ${DEFAULT_GRACE_SECONDS})
  -S, --services DIR     run the service tree DIR (as svscan) before PROG,
                         stop it after PROG; with no PROG, just run it. A
                         tree that cannot hold supervise/ (read-only, or
                         another account's) is run from a mirror in
                         $DT_RUNTIME_DIR, /run/dt, $XDG_RUNTIME_DIR/dt or
                         /tmp/dt-UID; PROG and the services find the path
                         to give dt svc in $DT_SERVICES
  -T, --ready-timeout MS with -S: start PROG only once every service is up
                         (ready, for one with notification-fd or notify-socket)
                         within MS (0: however long it takes); else say
                         which are not and exit 111
  -l, --log-prefix       the services without a log/, and PROG, write to
                         dt's stdout line by line, each line prefixed with
                         its name ("web: ...")
  -v, --verbose          say what dt does
  -w, --warn-reaped      print each orphan dt reaps
  -h, --help             this text
  -V, --version          dt's version

TERM or INT: forwarded; then PROG, the services and every other process get
the grace period to exit before KILL. When PROG exits on its own, what is
left gets TERM, the grace period, then KILL.
`;

/** Runs `dt init`. */
export async function main(args: string[]): Promise<number> {
  const opts = parseInitArgs(args);
  if (isFailure(opts)) return failWith(opts);
  if (opts.help) {
    out(HELP);
    return 0;
  }
  if (opts.version) {
    out(`dt init ${VERSION}\n`);
    return 0;
  }
  if (opts.prog.length === 0 && opts.services === null) {
    errLine(`dt init: usage: ${SYNOPSIS}`);
    return 100;
  }
  let env = startingEnv();
  let tree: PlacedTree | undefined;
  if (opts.services !== null) {
    // before anything starts: a tree that cannot be scanned is no reason to run PROG alone
    try {
      checkServiceTree(opts.services);
    } catch (e) {
      fatal("dt init", 111, `unable to read directory ${opts.services}: `, e);
    }
    // loaded only for -S: PROG alone starts sooner
    const { placeTree, treeEnv } = await import("../svscan/tree_state.ts");
    try {
      tree = placeTree(opts.services, { mirror: "auto", env, log: errLine });
    } catch (e) {
      fatal("dt init", 111, e);
    }
    env = treeEnv(env, tree);
  }
  let output: LineOutput | undefined;
  if (opts.logPrefix) {
    const { LineOutput } = await import("../svscan/stdout_lines.ts");
    output = new LineOutput(1, (t) => errLine(`dt init: warning: ${t}`));
  }
  return await runInit({
    opts,
    graceMs: opts.graceMs ?? graceFromEnv((l) => errLine(`dt init: warning: ${l}`)),
    argv: rawTail(opts.prog),
    env,
    tree,
    output,
  });
}
