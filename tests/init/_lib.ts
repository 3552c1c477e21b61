/**
 * Running an init (dt init, tini or dumb-init) around a test program, as PID 1
 * of a new PID namespace or as a plain child (a subreaper), and finding the
 * init's pid from outside.
 *
 * @module
 */
import { CLI, need, type Proc, type Sandbox, waitFor } from "../helpers/mod.ts";

/** Which init. */
export type Impl = "dt" | "tini" | "dumb-init";
/** PID 1 of a PID namespace, or a child of the test (dt and tini as subreapers). */
export type Mode = "pid1" | "sub";

/** The three inits, for scenarios they share. */
export const IMPLS: Impl[] = ["dt", "tini", "dumb-init"];
/** Both ways of running an init. */
export const MODES: Mode[] = ["pid1", "sub"];

/** The command line that runs `prog` under `impl` with `opts`. */
export function initCommand(impl: Impl, mode: Mode, opts: string[], prog: string[]): string[] {
  let cmd: string[];
  if (impl === "dt") {
    cmd = [Deno.execPath(), "run", "-A", "--quiet", "--no-config", CLI, "init", ...opts];
  } else if (impl === "tini") {
    cmd = [need("/usr/bin/tini", "tini"), ...(mode === "sub" ? ["-s"] : []), ...opts];
  } else cmd = [need("/usr/bin/dumb-init", "dumb-init"), ...opts];
  cmd.push("--", ...prog);
  // --kill-child: when the test kills unshare, the namespace's PID 1 and everything in it go too
  return mode === "pid1"
    ? ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", ...cmd]
    : cmd;
}

/** An init started by a test. */
export interface Running {
  proc: Proc;
  /** The init's pid as seen from the test. */
  pid: number;
}

/** Starts an init in the sandbox (cwd = sandbox) and waits until its pid is known. */
export async function startInit(
  sb: Sandbox,
  impl: Impl,
  mode: Mode,
  opts: string[],
  prog: string[],
  env?: Record<string, string>,
  needPid = true,
): Promise<Running> {
  const [cmd, ...args] = initCommand(impl, mode, opts, prog);
  const proc = sb.start(cmd, args, { cwd: sb.dir, env });
  if (mode === "sub" || !needPid) return { proc, pid: proc.pid };
  const pid = await waitFor("the namespace's init", () => {
    const kids = Deno.readTextFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`).trim();
    return kids === "" ? 0 : Number(kids.split(" ")[0]);
  });
  return { proc, pid };
}

/** Runs an init to completion and gives its exit code and output. */
export async function runInit(
  sb: Sandbox,
  impl: Impl,
  mode: Mode,
  opts: string[],
  prog: string[],
  env?: Record<string, string>,
): Promise<{ code: number; stderr: string; stdout: string }> {
  const r = await startInit(sb, impl, mode, opts, prog, env, false);
  const st = await r.proc.status;
  await r.proc.drained();
  return { code: st.code, stderr: r.proc.stderr(), stdout: r.proc.stdout() };
}

/** The contents of a sandbox file, "" when it does not exist. */
export function readOr(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** The state letter of a process (`S`, `T`, …), "" when it is gone. */
export function stateOf(pid: number): string {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return s.slice(s.lastIndexOf(")") + 2)[0];
  } catch {
    return "";
  }
}

/** True while `pid` exists and is not a zombie. */
export function running(pid: number): boolean {
  const s = stateOf(pid);
  return s !== "" && s !== "Z";
}

/** A shell script that records each signal it gets in FILE, and exits 0 on TERM. */
export function recorder(file: string, sigs: string[]): string {
  const traps = sigs.map((s) =>
    s === "TERM" ? `trap 'echo TERM >> ${file}; exit 0' TERM` : `trap 'echo ${s} >> ${file}' ${s}`
  );
  return [...traps, `echo ready > ${file}.ready`, "while :; do sleep 0.05; done"].join("\n");
}
