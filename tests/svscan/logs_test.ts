/**
 * Log pipes held by the scanner: nothing in the pipe is lost while the logger
 * is down or restarts, a main service restart writes into the same pipe, and a
 * log directory created later is picked up at the next scan.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { dt, LAUNCHER, needDaemontools, REF, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { fileLines, restarted, signal, svscan, up } from "./_svscan.ts";

Deno.test("svscan log pipe: no line lost while the logger is down and across its restarts", async () => {
  await withSandbox(async (sb) => {
    // phase 1: 1..1000, then wait for `go`; phase 2 (logger down): 1001..3000; then idle
    const w = sb.service(
      "service/w",
      `[ -e ../../started ] && exec sleep 1000
touch ../../started
i=0
while [ $i -lt 1000 ]; do i=$((i+1)); echo $i; done
while [ ! -e ../../go ]; do sleep 0.05; done
while [ $i -lt 3000 ]; do i=$((i+1)); echo $i; done
touch ../../written
exec sleep 1000`,
    );
    sb.service("service/w/log", "exec cat >> out");
    const out = `${w}/log/out`;
    const p = svscan(sb, [sb.path("service")]);
    const lp = await up(`${w}/log`);
    await waitFor("phase 1 logged", () => fileLines(out).length === 1000);
    await dt(["svc", "-d", `${w}/log`]);
    await waitFor("logger down", () => readStatus(`${w}/log`)?.pid === 0);
    sb.write("go", "");
    await waitFor("phase 2 written into the pipe", () => Deno.statSync(sb.path("written")));
    assertEquals(fileLines(out).length, 1000, "nothing read while the logger is down");
    await dt(["svc", "-u", `${w}/log`]);
    await restarted(`${w}/log`, lp);
    await waitFor("phase 2 logged", () => fileLines(out).length >= 3000);
    const got = fileLines(out);
    assertEquals(got, Array.from({ length: 3000 }, (_, i) => String(i + 1)));
    // a restart of the logger while the service is up: the same pipe, nothing else changes
    const lp2 = readStatus(`${w}/log`)!.pid;
    await dt(["svc", "-t", `${w}/log`]);
    await restarted(`${w}/log`, lp2);
    // a restart of the main service writes into the same pipe
    const mp = readStatus(w)!.pid;
    sb.write("service/w/run", "#!/bin/sh\necho second start\nexec sleep 1000\n", true);
    await dt(["svc", "-t", w]);
    await restarted(w, mp);
    await waitFor("second start logged", () => fileLines(out).at(-1) === "second start");
    assertEquals(fileLines(out).length, 3001);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
  });
});

Deno.test("svscan log pipe: a log directory created later is picked up without a restart", async () => {
  await withSandbox(async (sb) => {
    const s = sb.service("service/s", 'echo "start $$"\nexec sleep 1000');
    const p = svscan(sb, [sb.path("service")]);
    const pid = await up(s);
    // made complete beside it, then moved in: the scanner never sees a log dir without run
    sb.service("log.new", "exec cat > out");
    Deno.renameSync(sb.path("log.new"), `${s}/log`);
    signal(p.pid, "SIGALRM");
    await up(`${s}/log`);
    assertEquals(readStatus(s)?.pid, pid, "the service was not restarted");
    assert(!fileLines(`${s}/log/out`).length, "the first start wrote to svscan's stdout");
    // the service's next start writes into the pipe
    await dt(["svc", "-t", s]);
    const pid2 = await restarted(s, pid);
    await waitFor("start logged", () => fileLines(`${s}/log/out`)[0] === `start ${pid2}`);
    assert(p.stdout().includes(`start ${pid}`), "before the log existed, output went to stdout");
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
  });
});

Deno.test("svscan: a file named log is a log, as daemontools' stat says: a pipe, a supervisor that cannot use it", async () => {
  needDaemontools();
  const seen: Record<string, { stdout: string; stderr: string }> = {};
  const runs: [string, string[]][] = [
    ["dt", [LAUNCHER, "svscan", "."]],
    ["daemontools", [`${REF}/svscan`, "."]],
  ];
  for (const [who, argv] of runs) {
    await withSandbox(async (sb) => {
      const s = sb.service("service/s", "echo on stdout\nexec sleep 1000");
      sb.write("service/s/log", "not a directory\n");
      const p = sb.start(argv[0], argv.slice(1), { cwd: sb.path("service") });
      await up(s);
      await waitFor("the log's supervisor failed", () => p.stderr().includes("not a directory"));
      p.kill("SIGTERM");
      await p.status;
      if (who === "daemontools") {
        // its supervisors outlive svscan
        assertEquals((await run(`${REF}/svc`, ["-dx", s])).code, 0);
        await waitFor("s let go", async () => (await run(`${REF}/svok`, [s])).code === 100);
      }
      seen[who] = { stdout: p.stdout(), stderr: p.stderr().split("\n")[0] };
    });
  }
  // the service writes into the pipe, not to svscan's stdout; only the label differs (dt's
  // supervisors run in the scanner, so a log is named from the scan directory)
  assertEquals(seen.daemontools, {
    stdout: "",
    stderr: "supervise: fatal: unable to chdir to log: not a directory",
  });
  assertEquals(seen.dt, {
    stdout: "",
    stderr: "supervise: fatal: unable to chdir to s/log: not a directory",
  });
});
