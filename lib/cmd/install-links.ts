/**
 * `dt install-links [--force] [--remove] DIR`: symlinks named svc, svstat,
 * multilog, setuidgid, … in DIR, pointing at dt.
 *
 * @module
 */
import { errLine, fatal, out, usage } from "../common/output.ts";
import { requireSelfExecutable } from "../common/self.ts";
import { installLinks, removeLinks } from "../install/links.ts";

const PROG = "dt install-links";
const SYNOPSIS = "[--force] [--remove] DIR";

/** Runs install-links. */
export function main(args: string[]): number {
  let force = false, remove = false, options = true;
  const rest: string[] = [];
  for (const a of args) {
    if (options && a === "--") options = false;
    else if (options && (a === "--force" || a === "-f")) force = true;
    else if (options && (a === "--remove" || a === "-r")) remove = true;
    else if (options && a.startsWith("-") && a !== "-") {
      errLine(`${PROG}: fatal: unknown option: ${a}`);
      usage(PROG, SYNOPSIS);
    } else rest.push(a);
  }
  if (rest.length !== 1) usage(PROG, SYNOPSIS);
  const dir = rest[0];
  const exe = requireSelfExecutable(PROG);
  let results;
  try {
    results = remove ? removeLinks(dir, exe) : installLinks(dir, exe, force);
  } catch (e) {
    fatal(PROG, 111, `unable to change ${dir}: `, e);
  }
  let refused = 0;
  for (const r of results) {
    if (r.action === "refused") {
      refused++;
      errLine(`${PROG}: warning: ${dir}/${r.name}: ${r.why}`);
    } else if (r.action !== "absent") out(`${dir}/${r.name}: ${r.action}\n`);
  }
  return refused ? 111 : 0;
}
