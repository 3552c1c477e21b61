/**
 * Helpers for svscan tests: start a scanner on a sandbox directory, wait for
 * services, read process tables.
 */
import { type Proc, processesUnder, type Sandbox, waitFor } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";

/** Starts `dt svscan ARGS…` in the sandbox (stderr collected). */
export function svscan(sb: Sandbox, args: string[], env?: Record<string, string>): Proc {
  return sb.startDt(["svscan", ...args], { cwd: sb.dir, env });
}

/** Waits until the service at `dir` is up; returns its pid. */
export function up(dir: string, timeout = 20000): Promise<number> {
  return waitFor(`${dir} up`, () => readStatus(dir)?.pid || 0, timeout);
}

/** Waits until the service at `dir` is up with a pid other than `old`. */
export function restarted(dir: string, old: number): Promise<number> {
  return waitFor(`${dir} restarted`, () => {
    const p = readStatus(dir)?.pid ?? 0;
    return p !== old ? p : 0;
  });
}

/** Sends a signal to a pid, ignoring a process that is gone. */
export function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch { /* gone */ }
}

/** Children of `pid` with their state letter, from /proc. */
export function children(pid: number): { pid: number; state: string; cmd: string }[] {
  const out: { pid: number; state: string; cmd: string }[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const s = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[1]) !== pid) continue;
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replaceAll("\0", " ").trim();
      out.push({ pid: Number(e.name), state: rest[0], cmd });
    } catch { /* gone */ }
  }
  return out;
}

/** Lines of a file, or [] when it does not exist yet. */
export function fileLines(path: string): string[] {
  try {
    return Deno.readTextFileSync(path).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/**
 * Ends the log pipes' keeper a scanner started in the sandbox: after kill -9
 * of a scanner it lives on (by design: it holds the pipes for the next one).
 */
export function endKeepers(sb: Sandbox): void {
  for (const pid of processesUnder(sb.dir)) {
    try {
      if (Deno.readTextFileSync(`/proc/${pid}/cmdline`).startsWith("sleep\x002147483647")) {
        Deno.kill(pid, "SIGKILL");
      }
    } catch { /* gone */ }
  }
}
