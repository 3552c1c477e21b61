/**
 * Many locks in one process: Deno was reported to hang file operations past
 * 32 locks held by one process. dt takes supervise/lock with FFI flock; here 40
 * supervisors, each holding its lock, keep working.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { dt, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { signal, svscan, up } from "./_svscan.ts";

const N = 40;

Deno.test(`svscan: ${N} services each holding supervise/lock, and nothing hangs`, async () => {
  await withSandbox(async (sb) => {
    const dirs = Array.from(
      { length: N },
      (_, i) => sb.service(`service/s${String(i).padStart(2, "0")}`, "exec sleep 1000"),
    );
    const p = svscan(sb, [sb.path("service")]);
    const pids: number[] = [];
    for (const d of dirs) pids.push(await up(d));
    // every lock is really held (flock from outside fails on each)
    for (const d of [dirs[0], dirs[N - 1]]) {
      assertEquals((await run("flock", ["-n", `${d}/supervise/lock`, "true"])).code, 1);
    }
    // file operations after the 33rd lock: status writes on svc, svstat, a rescan
    const r = await dt(["svc", "-t", ...dirs]);
    assertEquals(r.code, 0, r.stderr);
    await waitFor("all restarted", () => {
      return dirs.every((d, i) => readStatus(d)!.pid !== pids[i] && readStatus(d)!.pid > 0);
    });
    sb.service("service/late", "exec sleep 1000");
    signal(p.pid, "SIGALRM");
    await up(sb.path("service/late"));
    const st = await dt(["svstat", ...dirs]);
    assertEquals(st.stdout.split("\n").filter((l) => / up \(pid \d+\)/.test(l)).length, N);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    assert(dirs.every((d) => readStatus(d)!.pid === 0));
  });
});
