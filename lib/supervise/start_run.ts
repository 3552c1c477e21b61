/**
 * Starting `./run` once: the service's files read (service_files.ts), its
 * readiness channels made (readiness.ts), the child spawned in the held
 * directory with its stdio (and the notification fd), in a new session for
 * kill-tree. Throws what the start failed of, with nothing left open.
 * {@link startService} starts a service either way (in-process or `./run`)
 * and says how it went as the machine's event.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import type { InProcessService, ServiceRunner } from "../sys/in_process.ts";
import { watchChild } from "../sys/reaper.ts";
import { spawn } from "../sys/spawn.ts";
import type { Event } from "./machine_types.ts";
import type { Stdio } from "./hosting.ts";
import { declaresReadiness, Readiness } from "./readiness.ts";
import type { ServiceDir } from "./service_dir.ts";
import { PLAIN, readServiceFiles, type ServiceFiles } from "./service_files.ts";
import { becomeSubreaper } from "./tree.ts";

/** One run of `./run`. */
export interface Run {
  pid: number;
  files: ServiceFiles;
  readiness: Readiness | null;
}

/** Stdio plus, for notification-fd, the child's fd N given parent fd `extra[1]`. */
function withChildFd(stdio: Stdio, extra: [number, number] | null): (number | null)[] {
  const fds: (number | null)[] = [...stdio];
  if (extra === null) return fds;
  while (fds.length <= extra[0]) fds.push(null);
  fds[extra[0]] = extra[1];
  return fds;
}

/** Starts `./run` in `dir`; `warn` gets a line for each service file that cannot be used. */
export function startRun(o: {
  dir: ServiceDir;
  env: readonly (string | Uint8Array)[];
  stdio: Stdio;
  warn: (line: string) => void;
}): Run {
  const files = readServiceFiles(o.dir, o.warn);
  let readiness: Readiness | null = null;
  try {
    if (declaresReadiness(files)) readiness = new Readiness(files, o.dir);
    if (files.killTree) becomeSubreaper();
    const pid = spawn({
      path: "./run",
      argv: ["./run"],
      cwdFd: o.dir.fd,
      env: readiness?.env ? [...o.env, readiness.env] : o.env,
      fds: withChildFd(o.stdio, readiness?.childFd ?? null),
      setsid: files.killTree,
    });
    return { pid, files, readiness };
  } catch (e) {
    readiness?.close();
    throw e;
  }
}

/** What a start needs from its supervisor. */
export interface StartService {
  dir: ServiceDir;
  env: readonly (string | Uint8Array)[];
  stdio: Stdio;
  /** Runs the service in this process when it takes it (the scanner's in-process loggers). */
  runner?: ServiceRunner;
  log: (line: string) => void;
  /** Gets what the run gives later: its end, its readiness. */
  receive: (e: Event) => void;
  /** The in-process service the supervisor holds now (an old one's end is not this run's). */
  current: () => InProcessService | null;
}

/**
 * Starts the service: through the runner when it takes it, else `./run`
 * (then watched, its readiness read). The outcome as the machine's event
 * (`started`, or `startFailed` after supervise's message), with the handles.
 */
export function startService(o: StartService): {
  event: Event;
  inProcess: InProcessService | null;
  readiness: Readiness | null;
} {
  try {
    if (o.runner !== undefined) {
      const pid = Deno.pid;
      let handle: InProcessService | null = null;
      handle = o.runner((s) => {
        if (handle !== null && o.current() === handle) {
          o.receive({ type: "exited", status: { ...s, pid } });
        }
      }, o.dir);
      if (handle !== null) {
        const event: Event = {
          type: "started",
          pid: handle.pid,
          files: PLAIN,
          declaresReadiness: false,
          notify: null,
        };
        return { event, inProcess: handle, readiness: null };
      }
    }
    const run = startRun({
      dir: o.dir,
      env: o.env,
      stdio: o.stdio,
      warn: (l) => o.log(`supervise: warning: ${l}`),
    });
    const pid = run.pid;
    run.readiness?.follow(pid, o.receive, (l) => o.log(`supervise: warning: ${o.dir.label}: ${l}`));
    watchChild(pid, (s) => o.receive({ type: "exited", status: s }));
    const declared = run.readiness !== null;
    const notify = run.readiness?.notify ?? null;
    return {
      event: { type: "started", pid, files: run.files, declaresReadiness: declared, notify },
      inProcess: null,
      readiness: run.readiness,
    };
  } catch (e) {
    // daemontools' forked child prints this and exits 111; the service is down again
    o.log(`supervise: fatal: unable to start ${o.dir.label}/run: ${reason(e)}`);
    return { event: { type: "startFailed" }, inProcess: null, readiness: null };
  }
}
