/**
 * A lone supervise settles a second after its service started: start-up's
 * pages of the `deno` executable leave its resident set, and it goes on
 * controlling its service. The reference is tai64n, which never settles.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, REF, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { cleanExeKiB, unsettled } from "../helpers/exe_pages.ts";
import { readStatus } from "./_service.ts";

Deno.test("supervise: settles after its first start, and is controlled as before", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("svc", "exec sleep 1000");
    const sv = sb.start(LAUNCHER, ["supervise", dir], { cwd: sb.dir });
    const ref = await unsettled(sb);
    const first = await waitFor("up", () => readStatus(dir)?.pid || 0);
    const sizes = await waitFor("supervise settled", () => {
      const mine = cleanExeKiB(sv.pid), other = cleanExeKiB(ref.proc.pid);
      return mine < other * 0.6 ? { mine, other } : null;
    });
    assert(sizes.mine < sizes.other, JSON.stringify(sizes));
    assertEquals((await run(`${REF}/svc`, ["-t", dir])).code, 0);
    await waitFor("restarted", () => (readStatus(dir)?.pid ?? first) !== first);
    assertEquals((await run(`${REF}/svc`, ["-dx", dir])).code, 0);
    assertEquals((await sv.status).code, 0);
    ref.end();
    assertEquals((await ref.proc.status).code, 0);
  });
});
