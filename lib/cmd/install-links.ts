/**
 * `dt install-links [--force] [--remove] [--man MANDIR] [--completion DIR] [DIR]`:
 * symlinks named dt, svc, svstat, multilog, setuidgid, … in DIR, pointing at
 * dt; with `--man`, dt's man pages in MANDIR/man8; with `--completion`, the
 * bash completion script in DIR (bash-completion's directory). `--remove`
 * takes back what is dt's.
 *
 * @module
 */
import { errLine, fatal, out, usage } from "../common/output.ts";
import { requireSelfExecutable } from "../common/self.ts";
import { installLinks, type LinkResult, removeLinks } from "../install/links.ts";
import { installMan, manSource, removeMan } from "../install/man.ts";
import { installCompletion, removeCompletion } from "../install/completion.ts";

const PROG = "dt install-links";
const SYNOPSIS = "[--force] [--remove] [--man MANDIR] [--completion DIR] [DIR]";

/** Runs install-links. */
export function main(args: string[]): number {
  let force = false, remove = false, options = true;
  let man: string | null = null, completion: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (options && a === "--") options = false;
    else if (options && (a === "--force" || a === "-f")) force = true;
    else if (options && (a === "--remove" || a === "-r")) remove = true;
    else if (options && (a === "--man" || a === "--completion")) {
      const v = args[++i];
      if (v === undefined || v === "") usage(PROG, SYNOPSIS);
      if (a === "--man") man = v;
      else completion = v;
    } else if (options && a.startsWith("--man=")) man = a.slice(6);
    else if (options && a.startsWith("--completion=")) completion = a.slice(13);
    else if (options && a.startsWith("-") && a !== "-") {
      errLine(`${PROG}: fatal: unknown option: ${a}`);
      usage(PROG, SYNOPSIS);
    } else rest.push(a);
  }
  if (rest.length > 1 || (rest.length === 0 && man === null && completion === null)) {
    usage(PROG, SYNOPSIS);
  }
  let refused = 0;
  const report = (base: string, results: LinkResult[]) => {
    for (const r of results) {
      if (r.action === "refused") {
        refused++;
        errLine(`${PROG}: warning: ${base}/${r.name}: ${r.why}`);
      } else if (r.action !== "absent") out(`${base}/${r.name}: ${r.action}\n`);
    }
  };
  if (rest.length === 1) {
    const dir = rest[0];
    const exe = requireSelfExecutable(PROG);
    try {
      report(dir, remove ? removeLinks(dir, exe) : installLinks(dir, exe, force));
    } catch (e) {
      fatal(PROG, 111, `unable to change ${dir}: `, e);
    }
  }
  if (man !== null) {
    const src = manSource();
    if (src === null) {
      fatal(PROG, 111, "unable to find dt's man pages (a checkout makes them: deno task bundle)");
    }
    try {
      report(man, remove ? removeMan(man, src) : installMan(man, src, force));
    } catch (e) {
      fatal(PROG, 111, `unable to change ${man}: `, e);
    }
  }
  if (completion !== null) {
    try {
      report(
        completion,
        remove ? removeCompletion(completion) : installCompletion(completion, force),
      );
    } catch (e) {
      fatal(PROG, 111, `unable to change ${completion}: `, e);
    }
  }
  return refused ? 111 : 0;
}
