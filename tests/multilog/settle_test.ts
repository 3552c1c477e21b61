/**
 * A multilog process gives start-up's pages of the `deno` executable back
 * before it reads its first line, and logs as before. The reference is a dt
 * svscan over an empty directory: the same runtime started, never settled.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { waitFor, withSandbox } from "../helpers/mod.ts";
import { cleanExeKiB } from "../helpers/exe_pages.ts";
import { dtArgv, logLines, startOnFifo, unstamp } from "./helpers.ts";

Deno.test("multilog: start-up's pages of the runtime leave its resident set; lines are logged", async () => {
  await withSandbox(async (sb) => {
    Deno.mkdirSync(sb.path("empty"));
    const ref = sb.startDt(["svscan", sb.path("empty")], { cwd: sb.dir });
    const run = startOnFifo(sb, dtArgv("multilog", "t", "./main"), sb.dir, sb.path("fifo"));
    run.write("first\n");
    await waitFor("first logged", () => logLines(sb.path("main")).length === 1);
    const pid = run.proc.pid; // bash exec'd into it
    const sizes = await waitFor("multilog below the reference", () => {
      const mine = cleanExeKiB(pid), other = cleanExeKiB(ref.pid);
      return mine < other * 0.6 ? { mine, other } : null;
    });
    assert(sizes.mine < sizes.other, JSON.stringify(sizes));
    for (let i = 0; i < 1000; i++) run.write(`line ${i}\n`);
    run.end();
    assertEquals((await run.proc.status).code, 0);
    const lines = logLines(sb.path("main")).map(unstamp);
    assertEquals(lines.length, 1001);
    assertEquals(lines.at(-1), "line 999");
    ref.kill("SIGTERM");
    assertEquals((await ref.status).code, 0);
  });
});
