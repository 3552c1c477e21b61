/**
 * Finding a program the way daemontools' pathexec does: a name with a slash is
 * used as it is; otherwise each directory of PATH is tried in turn.
 *
 * @module
 */

/** Candidate paths for `prog` under `pathVar` (default `/bin:/usr/bin`, as pathexec). */
export function candidates(prog: string, pathVar: string | undefined): string[] {
  if (prog.includes("/")) return [prog];
  const dirs = (pathVar ?? "/bin:/usr/bin").split(":");
  return dirs.map((d) => d === "" ? prog : `${d}/${prog}`);
}
