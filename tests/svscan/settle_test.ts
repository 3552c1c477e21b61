/**
 * A scanner settles once its burst of new services is over: start-up's pages
 * of the `deno` executable leave its resident set (they stay in the page
 * cache), and it goes on supervising as before. The reference is a dt
 * program that never settles (tai64n); a scanner that did not settle (the
 * one over an empty directory, with no burst) stays near it.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, REF, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { cleanExeKiB, unsettled } from "../helpers/exe_pages.ts";
import { Settler } from "../../lib/sys/settle.ts";
import { restarted, signal, up } from "./_svscan.ts";

Deno.test("svscan: after its burst it gives start-up's pages back, and supervises as before", async () => {
  await withSandbox(async (sb) => {
    const dirs = Array.from(
      { length: 20 },
      (_, i) => sb.service(`service/s${i}`, "exec sleep 1000"),
    );
    Deno.mkdirSync(sb.path("empty"));
    const busy = sb.start(LAUNCHER, ["svscan", sb.path("service")], { cwd: sb.dir });
    const idle = sb.start(LAUNCHER, ["svscan", sb.path("empty")], { cwd: sb.dir });
    const ref = await unsettled(sb);
    for (const d of dirs) await up(d);
    const settled = await waitFor("the busy scanner settled", () => {
      const mine = cleanExeKiB(busy.pid), other = cleanExeKiB(ref.proc.pid);
      return mine < other * 0.6 ? { mine, other } : null;
    });
    // no burst, no settle: the scanner over an empty directory kept more
    assert(cleanExeKiB(idle.pid) > settled.mine, JSON.stringify(settled));
    // what it unmapped comes back as it runs: svc, a restart, a new service
    const old = readStatus(dirs[0])!.pid;
    assertEquals((await run(`${REF}/svc`, ["-t", dirs[0]])).code, 0);
    await restarted(dirs[0], old);
    const st = await run(`${REF}/svstat`, [dirs[0]]);
    assert(/: up \(pid \d+\) \d+ seconds/.test(st.stdout), st.stdout);
    const later = sb.service("stage/late", "exec sleep 1000");
    Deno.renameSync(later, sb.path("service/late"));
    await up(sb.path("service/late"));
    ref.end();
    assertEquals((await ref.proc.status).code, 0);
    for (const p of [busy, idle]) signal(p.pid, "SIGTERM");
    assertEquals((await busy.status).code, 0);
    assertEquals((await idle.status).code, 0);
  });
});

Deno.test("Settler: settles once, after progress has stopped moving, and not while it moves", async () => {
  let progress = 0;
  const acts: number[] = [];
  const s = new Settler(20, () => acts.push(progress), () => progress);
  s.busy();
  // progress moves for a while: no settle meanwhile, however long that lasts
  for (let i = 0; i < 30; i++) {
    progress++;
    await new Promise((r) => setTimeout(r, 5));
    assertEquals(acts, [], `settled while progress moved (step ${i})`);
  }
  const last = progress;
  await waitFor("settled", () => acts.length > 0);
  assertEquals(acts, [last]);
  // progress without busy() (a service restarting) arms nothing
  progress++;
  await new Promise((r) => setTimeout(r, 60));
  assertEquals(acts, [last]);
  s.stop();
});
