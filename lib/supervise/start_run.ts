/**
 * Starting `./run` once: the service's files read (service_files.ts), its
 * readiness channels made (readiness.ts), the child spawned in the held
 * directory with its stdio (and the notification fd), in a new session for
 * kill-tree. Throws what the start failed of, with nothing left open.
 *
 * @module
 */
import { spawn } from "../sys/spawn.ts";
import type { Stdio } from "./hosting.ts";
import { declaresReadiness, Readiness } from "./readiness.ts";
import type { ServiceDir } from "./service_dir.ts";
import { readServiceFiles, type ServiceFiles } from "./service_files.ts";
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
    if (declaresReadiness(files)) readiness = new Readiness(files, o.dir.key);
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
