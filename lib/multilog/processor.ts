/**
 * A log directory's processor (`!PROCESSOR` in the script): `sh -c
 * PROCESSOR` in the directory, with `previous` on fd 0, `processed` on fd 1,
 * `state` on fd 4 and `newstate` on fd 5, run again after a pause until it
 * exits 0, as multilog does.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { sleep } from "../common/long_timer.ts";
import { close as closeFd, O } from "../sys/fd.ts";
import { offThread } from "../sys/path_async.ts";
import { waitChild } from "../sys/reaper.ts";
import { spawn } from "../sys/spawn.ts";
import { Cancelled, liveOrCancelled } from "./files.ts";
import type { LogDirPlace } from "./old_logs.ts";

/** Runs `processor` in `dir` until it exits 0 (warning and pausing after each failure). */
export async function runProcessor(dir: LogDirPlace, processor: string): Promise<void> {
  const n = dir.name, ctx = dir.ctx;
  const at = (f: string) => `${dir.path}/${f}`;
  for (;;) {
    liveOrCancelled(ctx);
    const fds: number[] = [];
    let pid = -1;
    try {
      // (an account's processor runs as a process under setuidgid; this is root's logger)
      const TRUNC = O.WRONLY | O.TRUNC | O.CREAT | O.CLOEXEC;
      fds.push(await offThread.open(at("previous"), O.RDONLY | O.CLOEXEC, 0));
      fds.push(await offThread.open(at("processed"), TRUNC, 0o644));
      fds.push(await offThread.open(at("state"), O.RDONLY | O.CLOEXEC, 0));
      fds.push(await offThread.open(at("newstate"), TRUNC, 0o644));
      liveOrCancelled(ctx);
      pid = spawn({
        path: "/bin/sh",
        argv: ["sh", "-c", processor],
        cwd: dir.path,
        fds: [fds[0], fds[1], 2, null, fds[2], fds[3]],
      });
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      ctx.warn(`unable to run ${processor} in ${n}, pausing: ${reason(e)}`);
    } finally {
      for (const fd of fds) closeFd(fd);
    }
    if (pid !== -1) {
      // SIGCHLD listeners do not keep the event loop alive; a timer does
      const keepAlive = setInterval(() => {}, 1 << 30);
      const st = await waitChild(pid).finally(() => clearInterval(keepAlive));
      if (st.code === 0) return;
      if (st.code === null) ctx.warn(`processor crashed in ${n}, pausing`);
      else ctx.warn(`processor failed in ${n}, pausing`);
    }
    await sleep(ctx.pauseMs);
  }
}
