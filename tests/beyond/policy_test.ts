/**
 * The crash-loop policy, health checks and essential services, for real,
 * through the launcher: a service that dies at once backs off and is left
 * down after its budget, svc -u re-arms it; a check that starts failing
 * restarts its service; a check that passes late makes it ready late; an
 * essential service left down ends dt init with its status.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { holds, LAUNCHER, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { lines, readStatus } from "../supervise/_service.ts";
import { json } from "./_lib.ts";

function scanner(sb: Sandbox) {
  return sb.start(LAUNCHER, ["svscan", sb.path("sv")], { cwd: sb.dir });
}

/** Start times (ms) the service recorded, one a line. */
function starts(sb: Sandbox): number[] {
  return lines(sb, "starts").map((l) => Number(l) / 1e6);
}

const RECORD = 'echo "$(date +%s%N)" >> ../../starts';

Deno.test("policy: a service that dies at once backs off 1, 2, 4 s, is left down after its budget, and svc -u re-arms it", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("sv/crash", `${RECORD}\nexit 3`);
    sb.write("sv/crash/restart-delay-max", "60000\n");
    sb.write("sv/crash/start-limit-burst", "4\n");
    sb.write("sv/crash/start-limit-interval", "60000\n");
    const sc = scanner(sb);
    await waitFor("four starts", () => starts(sb).length >= 4, 30000);
    const s = starts(sb);
    const gaps = s.slice(1).map((t, i) => t - s[i]);
    // (lower bounds: a loaded machine only ever makes the gaps longer)
    assert(gaps[0] >= 900 && gaps[1] >= 1900 && gaps[2] >= 3900, `gaps ${gaps.join(", ")}`);
    // the fourth end spent the budget: down it stays, and says why
    await waitFor("left down", async () => (await json(dir)).left_down === "start-limit");
    const j = await json(dir);
    assertEquals([j.state, j.want, j.last_exit?.code], ["down", "down", 3]);
    await holds("no fifth start", () => starts(sb).length === 4, 3000);
    await new Deno.Command("/usr/bin/svc", { args: ["-u", dir] }).output();
    await waitFor("started again", () => starts(sb).length === 5);
    assertEquals((await json(dir)).left_down, null);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});

Deno.test("policy: a check that starts failing restarts its service after check-retries failures", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("sv/web", `${RECORD}\nexec sleep 1000`);
    sb.write("sv/web/check", "#!/bin/sh\n[ ! -e ../../broken ]\n", true);
    sb.write("sv/web/check-interval", "200\n");
    sb.write("sv/web/check-retries", "3\n");
    const sc = scanner(sb);
    await waitFor("ready by its check", async () => (await json(dir)).ready === true);
    const pid = readStatus(dir)!.pid;
    await holds("healthy: not restarted", () => readStatus(dir)?.pid === pid, 1500);
    sb.write("broken", "");
    await waitFor(
      "restarted",
      () => (readStatus(dir)?.pid ?? pid) !== pid && starts(sb).length >= 2,
    );
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});

Deno.test("policy: a service whose check passes only after 2 s is ready then, not before", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("sv/slow", "sleep 2\ntouch ../../listening\nexec sleep 1000");
    sb.write("sv/slow/check", "#!/bin/sh\n[ -e ../../listening ]\n", true);
    const sc = scanner(sb);
    await waitFor("up", () => readStatus(dir)?.pid);
    const early = await json(dir);
    assertEquals([early.state, early.ready], ["up", false]);
    // `dt svwait -U` waits for it, as for notification-fd
    const w = await new Deno.Command(LAUNCHER, { args: ["svwait", "-U", "-t", "20000", dir] })
      .output();
    assertEquals(w.code, 0);
    const j = await json(dir);
    assertEquals(j.ready, true);
    const readyAt = Date.now() - (j.ready_seconds ?? 0) * 1000;
    const listening = Deno.statSync(sb.path("listening")).mtime!.getTime();
    assert(readyAt >= listening - 1000, "ready after the check could pass");
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});

Deno.test("policy: an essential service left down ends dt init -S with its status; a non-essential one does not", async () => {
  await withSandbox(async (sb) => {
    sb.service("sv/db", "exit 3");
    sb.write("sv/db/essential", "");
    sb.write("sv/db/start-limit-burst", "2\n");
    const init = sb.start(LAUNCHER, ["init", "-S", sb.path("sv"), "--", "sleep", "1000"], {
      cwd: sb.dir,
    });
    const st = await init.status;
    assertEquals(st.code, 3, init.stderr());
    assert(init.stderr().includes("essential service db gave up (exit 3)"), init.stderr());
  });
  await withSandbox(async (sb) => {
    sb.service("sv/db", "exit 3");
    sb.write("sv/db/start-limit-burst", "2\n");
    const init = sb.start(LAUNCHER, ["init", "-S", sb.path("sv"), "--", "sleep", "1000"], {
      cwd: sb.dir,
    });
    let done = false;
    init.status.then(() => done = true);
    await holds("dt init goes on", () => !done, 4000);
    init.kill("SIGTERM");
    await init.status;
  });
});
