/**
 * The errors pipe of a svscanboot that was killed (the upgrade step of
 * docs/svscan.md: `kill -KILL $(pidof svscan)`). Its readproctitle lives on,
 * re-parented, reading a pipe that the services it started still hold as
 * stderr (and as stdout, without a log). The next svscanboot takes that pipe
 * over — its own readproctitle reads it and its own errors go into it — and
 * ends the old readproctitle: none is left behind, and no service it adopts
 * meets a pipe without a reader.
 *
 * @module
 */
import { leftRunning, startTime } from "../supervise/running.ts";
import { type Pipe, pipeId, reopen, same } from "./pipe_keeper.ts";
import { kill, SIG } from "../sys/signal.ts";
import { namesAt } from "../sys/dir_fd.ts";
import { type DirAt, ServiceDir } from "../supervise/service_dir.ts";

/** An old readproctitle, and its pipe opened again. */
export interface ErrorsPipe {
  /** The old readproctitle's pid. */
  pid: number;
  /** When it started (seconds), so a reused pid is never signalled. */
  started: number;
  /** The pipe: `[read end, write end]`, both close-on-exec. */
  pipe: Pipe;
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** Runs `fn` on a held directory opened from `at` (as the scanner opens it), then closes it. */
function withDir<T>(label: string, at: DirAt | undefined, fn: (d: ServiceDir) => T): T | null {
  let d: ServiceDir;
  try {
    d = ServiceDir.open(label, at);
  } catch {
    return null;
  }
  try {
    return fn(d);
  } finally {
    d.close();
  }
}

/** The pipes that the services of `dir` (and their loggers) left running write to on fds 1 and 2. */
function servicesPipes(dir: string): Set<string> {
  const ids = new Set<string>();
  const add = (d: ServiceDir) => {
    const pid = leftRunning(d)?.pid;
    if (pid === undefined) return;
    for (const fd of [1, 2]) {
      const id = pipeId(pid, fd);
      if (id !== null) ids.add(id);
    }
  };
  withDir(dir, undefined, (scan) => {
    let names: string[];
    try {
      names = namesAt(scan.fd).filter((n) => !n.startsWith("."));
    } catch {
      return;
    }
    for (const n of names) {
      withDir(`${dir}/${n}`, { fd: scan.fd, trusted: scan.trusted, name: n }, (s) => {
        add(s);
        withDir(`${dir}/${n}/log`, { fd: s.fd, trusted: s.trusted, name: "log" }, add);
      });
    }
  });
  return ids;
}

/**
 * The readproctitle whose stdin is a pipe that a service of `dir` left
 * running writes to, with that pipe opened again; null when there is none
 * (no svscanboot ran here before, or it ended in order).
 */
export function previousErrorsPipe(dir: string): ErrorsPipe | null {
  const ids = servicesPipes(dir);
  if (ids.size === 0) return null;
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const pid = Number(e.name);
    if (pid === Deno.pid || readText(`/proc/${pid}/comm`) !== "readproctitle\n") continue;
    const id = pipeId(pid, 0);
    if (id === null || !ids.has(id)) continue;
    const started = startTime(pid);
    const pipe = started === null ? null : reopen(pid, 0, pid, 0);
    if (started !== null && pipe !== null) return { pid, started, pipe };
  }
  return null;
}

/** Ends the old readproctitle (TERM), unless its pid now names another process. */
export function endOldReader(old: ErrorsPipe): void {
  if (same(old.pid, old.started)) kill(old.pid, SIG.TERM);
}
