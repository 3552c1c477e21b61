import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { dt, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { lines, procState, readStatus, RECORDER } from "./_service.ts";

Deno.test("supervise: starts ./run, writes an 18-byte status, answers svok and svstat", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER);
    const sv = sb.startDt(["supervise", dir]);
    const st = await waitFor("service up", () => readStatus(dir)?.pid ? readStatus(dir) : null);
    assertEquals(st.want, "u");
    assertEquals(Deno.statSync(`${dir}/supervise/status`).size, 18);
    assertEquals(Deno.statSync(`${dir}/supervise/status`).mode! & 0o777, 0o644);
    assert(Deno.statSync(`${dir}/supervise/control`).isFifo);
    assert(Deno.statSync(`${dir}/supervise/ok`).isFifo);
    assertEquals(Deno.statSync(`${dir}/supervise`).mode! & 0o777, 0o700);
    assertEquals(procState(st.pid) !== null, true);
    // the status names the pid at spawn; the run script records its start a moment later
    await waitFor("start recorded", () => lines(sb, "web/starts").length > 0);
    assertEquals(lines(sb, "web/starts")[0].split(" ")[0], String(st.pid));
    assertEquals((await dt(["svok", dir])).code, 0);
    assertMatch(
      (await dt(["svstat", dir])).stdout,
      new RegExp(`^${dir}: up \\(pid ${st.pid}\\) \\d+ seconds\\n$`),
    );
    // the service runs in DIR with no extra fds from the supervisor
    assertEquals(Deno.readLinkSync(`/proc/${st.pid}/cwd`), dir);
    const targets = [...Deno.readDirSync(`/proc/${st.pid}/fd`)].map((e) =>
      Deno.readLinkSync(`/proc/${st.pid}/fd/${e.name}`)
    );
    assert(!targets.some((t) => t.includes("/supervise/")), `service holds ${targets}`);
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
    assertEquals(procState(st.pid), null);
  });
});

Deno.test("supervise: a second supervise on the same dir is refused with daemontools' message", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER);
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("service up", () => readStatus(dir)?.pid);
    const r = await dt(["supervise", dir]);
    assertEquals(r.code, 111);
    assertEquals(
      r.stderr,
      `supervise: fatal: unable to acquire ${dir}/supervise/lock: temporary failure\n`,
    );
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("supervise: down file, svc -u, -d (TERM then CONT), -x exits", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER, { down: true });
    const sv = sb.startDt(["supervise", dir]);
    const st0 = await waitFor("status", () => readStatus(dir));
    assertEquals(st0.pid, 0);
    assertEquals(st0.want, "d");
    assertMatch((await dt(["svstat", dir])).stdout, /: down \d+ seconds\n$/);
    await dt(["svc", "-u", dir]);
    const up = await waitFor("up", () => readStatus(dir)?.pid);
    await waitFor("start recorded", () => lines(sb, "web/starts").length > 0);
    assertMatch(
      (await dt(["svstat", dir])).stdout,
      /: up \(pid \d+\) \d+ seconds, normally down\n$/,
    );
    await dt(["svc", "-p", dir]);
    await waitFor("stopped", () => procState(up) === "T");
    assertEquals(readStatus(dir)?.paused, true);
    await dt(["svc", "-d", dir]);
    // TERM then CONT: a paused service still ends
    await waitFor("down", () => readStatus(dir)?.pid === 0);
    assertEquals(procState(up), null);
    assertEquals(readStatus(dir)?.want, "d");
    assertEquals(lines(sb, "web/starts").length, 1);
    await dt(["svc", "-x", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("supervise: svc -h -a -i -t -k reach the service; -t restarts it", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER);
    const sv = sb.startDt(["supervise", dir]);
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    await dt(["svc", "-h", dir]);
    await waitFor("HUP", () => lines(sb, "web/sigs").includes("HUP"));
    await dt(["svc", "-a", dir]);
    await waitFor("ALRM", () => lines(sb, "web/sigs").includes("ALRM"));
    await dt(["svc", "-i", dir]);
    await waitFor("INT", () => lines(sb, "web/sigs").includes("INT"));
    await dt(["svc", "-t", dir]);
    const pid2 = await waitFor("restarted", () => {
      const p = readStatus(dir)?.pid;
      return p && p !== pid ? p : 0;
    });
    assertEquals(lines(sb, "web/sigs"), ["HUP", "ALRM", "INT"]);
    await dt(["svc", "-k", dir]);
    await waitFor("restarted after kill", () => {
      const p = readStatus(dir)?.pid;
      return p && p !== pid2;
    });
    // the status names the new pid at spawn; its run script records the start a moment later
    await waitFor("third start recorded", () => lines(sb, "web/starts").length >= 3);
    assertEquals(lines(sb, "web/starts").length, 3);
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("supervise: svc -o runs once; a service exiting at once restarts no faster than 1/s", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("quick", `echo "$(date +%s%N)" >> starts; exit 3`);
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("three starts", () => lines(sb, "quick/starts").length >= 3);
    const t = lines(sb, "quick/starts").map(Number);
    for (let i = 1; i < t.length; i++) {
      assert(
        t[i] - t[i - 1] >= 950_000_000,
        `starts ${t[i - 1]} and ${t[i]} less than a second apart`,
      );
    }
    await dt(["svc", "-d", dir]);
    await waitFor("want down", () => readStatus(dir)?.want === "d" && readStatus(dir)?.pid === 0);
    const n = lines(sb, "quick/starts").length;
    await dt(["svc", "-o", dir]);
    await waitFor("one more start", () => lines(sb, "quick/starts").length === n + 1);
    await waitFor("down again", () => readStatus(dir)?.pid === 0 && readStatus(dir)?.want === null);
    assertEquals(
      (await dt(["svstat", dir])).stdout.replace(/\d+ seconds/, "N seconds"),
      `${dir}: down N seconds, normally up\n`,
    );
    await dt(["svc", "-x", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("supervise: missing or non-executable ./run: daemontools' message, retried once a second", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.path("norun");
    Deno.mkdirSync(dir);
    const sv = sb.startDt(["supervise", dir]);
    const msg = `supervise: fatal: unable to start ${dir}/run: file does not exist\n`;
    await waitFor("two attempts", () => sv.stderr().split(msg).length - 1 >= 2);
    assertEquals((await dt(["svok", dir])).code, 0);
    Deno.writeTextFileSync(`${dir}/run`, "#!/bin/sh\nexec sleep 1000\n");
    await waitFor(
      "access denied",
      () => sv.stderr().includes(`unable to start ${dir}/run: access denied`),
    );
    Deno.chmodSync(`${dir}/run`, 0o755);
    await waitFor("up once executable", () => readStatus(dir)?.pid);
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("supervise: usage, missing dir", async () => {
  const r = await dt(["supervise"]);
  assertEquals([r.code, r.stderr], [100, "supervise: usage: supervise dir\n"]);
  const r2 = await dt(["supervise", "a", "b"]);
  assertEquals(r2.code, 100);
  const r3 = await dt(["supervise", "/nonexistent/dt-x"]);
  assertEquals([r3.code, r3.stderr], [
    111,
    "supervise: fatal: unable to chdir to /nonexistent/dt-x: file does not exist\n",
  ]);
});

Deno.test("supervise: garbage in the control FIFO is ignored; commands after it still work", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER);
    const sv = sb.startDt(["supervise", dir]);
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    const r = await run("sh", ["-c", `printf 'zZ9\\000\\377 \\n' > ${dir}/supervise/control`]);
    assertEquals(r.code, 0);
    await dt(["svc", "-h", dir]);
    await waitFor("HUP", () => lines(sb, "web/sigs").includes("HUP"));
    assertEquals(readStatus(dir)?.pid, pid);
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("supervise: service dir removed while supervised: warnings, no spin, service kept", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("gone", `echo "$(date +%s%N)" >> ${sb.path("starts")}; exec sleep 1000`);
    const sv = sb.startDt(["supervise", dir]);
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    await waitFor("start recorded", () => lines(sb, "starts").length > 0);
    Deno.removeSync(dir, { recursive: true });
    Deno.kill(pid, "SIGTERM");
    await waitFor(
      "warning",
      () =>
        sv.stderr().includes(
          `supervise: warning: unable to open ${dir}/supervise/status.new: file does not exist`,
        ),
    );
    const retries = () =>
      sv.stderr().split(`unable to start ${dir}/run: file does not exist`).length - 1;
    await waitFor("retry", () => retries() > 0);
    // no spin: attempts come one supervise pause (1 s) apart, not at once
    const t1 = Date.now(), seen = retries();
    await waitFor("two more retries", () => retries() >= seen + 2, 10000);
    const gap = Date.now() - t1;
    assert(gap >= 1000, `two more attempts within ${gap} ms: supervise spins`);
    assertEquals(lines(sb, "starts").length, 1);
    assertEquals(procState(sv.pid) !== null, true);
  });
});

Deno.test("supervise: corrupt or short status file: svstat reports bad format like daemontools", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER, { down: true });
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("status", () => readStatus(dir));
    Deno.writeFileSync(`${dir}/supervise/status`, new Uint8Array(7));
    const want = `${dir}: unable to read supervise/status: bad format\n`;
    assertEquals((await dt(["svstat", dir])).stdout, want);
    assertEquals((await run("/usr/bin/svstat", [dir])).stdout, want);
    await dt(["svc", "-u", dir]);
    await waitFor("rewritten", () => readStatus(dir)?.pid);
    assertStringIncludes((await dt(["svstat", dir])).stdout, "up (pid");
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});
