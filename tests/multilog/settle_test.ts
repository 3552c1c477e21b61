/**
 * A multilog process gives start-up's pages of the `deno` executable back
 * as it starts, and logs as before. The reference is a dt program that
 * never settles (tai64n).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { waitFor, withSandbox } from "../helpers/mod.ts";
import { cleanExeKiB, unsettled } from "../helpers/exe_pages.ts";
import { dtArgv, logLines, startOnFifo, unstamp } from "./helpers.ts";

Deno.test("multilog: start-up's pages of the runtime leave its resident set; lines are logged", async () => {
  await withSandbox(async (sb) => {
    const ref = await unsettled(sb);
    const run = startOnFifo(sb, dtArgv("multilog", "t", "./main"), sb.dir, sb.path("fifo"));
    run.write("first\n");
    await waitFor("first logged", () => logLines(sb.path("main")).length === 1);
    const pid = run.proc.pid; // bash exec'd into it
    const sizes = await waitFor("multilog below the reference", () => {
      const mine = cleanExeKiB(pid), other = cleanExeKiB(ref.proc.pid);
      return mine < other * 0.75 ? { mine, other } : null;
    });
    assert(sizes.mine < sizes.other, JSON.stringify(sizes));
    for (let i = 0; i < 1000; i++) run.write(`line ${i}\n`);
    run.end();
    assertEquals((await run.proc.status).code, 0);
    const lines = logLines(sb.path("main")).map(unstamp);
    assertEquals(lines.length, 1001);
    assertEquals(lines.at(-1), "line 999");
    ref.end();
    assertEquals((await ref.proc.status).code, 0);
  });
});
