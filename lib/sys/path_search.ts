/**
 * Finding a program the way daemontools' pathexec does: a name with a slash is
 * used as it is; otherwise each directory of PATH is tried in turn. The one
 * place dt searches PATH: spawn, exec, and the chain's "is the next program dt
 * itself" (lib/chain/resolve.ts) ask here.
 *
 * @module
 */
import { isErrno } from "../common/errors.ts";

/** Candidate paths for `prog` under `pathVar` (default `/bin:/usr/bin`, as pathexec). */
export function candidates(prog: string, pathVar: string | undefined): string[] {
  if (prog.includes("/")) return [prog];
  const dirs = (pathVar ?? "/bin:/usr/bin").split(":");
  return dirs.map((d) => d === "" ? prog : `${d}/${prog}`);
}

/**
 * The file pathexec would execute for `prog` under `pathVar` (first candidate
 * that is an executable regular file; the search stops, as execve's would, at
 * an error other than "not found", "access denied" or "is a directory").
 */
export function whichExec(prog: string, pathVar: string | undefined): string | null {
  for (const c of candidates(prog, pathVar)) {
    let st: Deno.FileInfo;
    try {
      st = Deno.statSync(c);
    } catch (e) {
      if (isErrno(e, "ENOENT") || isErrno(e, "EACCES") || isErrno(e, "EPERM")) continue;
      return null;
    }
    if (st.isFile && ((st.mode ?? 0) & 0o111) !== 0) return c;
  }
  return null;
}
