/**
 * dt svscan for real: scanning, daemontools' on-disk interface on every
 * service, broken services, removal, rescan on ALRM, orderly TERM.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { dt, holds, needDaemontools, REF, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { lockFile } from "../../lib/sys/lock.ts";
import { close } from "../../lib/sys/fd.ts";
import { restarted, signal, svscan, up } from "./_svscan.ts";

Deno.test("svscan: every non-dot directory is a service, driven by dt's and daemontools' tools", async () => {
  needDaemontools();
  await withSandbox(async (sb) => {
    const a = sb.service("service/a", "exec sleep 1000");
    const b = sb.service("service/b", "exec sleep 1000");
    sb.service("service/.hidden", "exec sleep 1000");
    sb.write("service/notadir", "");
    const p = svscan(sb, [sb.path("service")]);
    const pa = await up(a);
    await up(b);
    assert(readStatus(sb.path("service/.hidden")) === null, "dot directories are not services");
    const st = await dt(["svstat", a, b]);
    assertMatch(st.stdout, /a: up \(pid \d+\) \d+ seconds\n.*b: up \(pid \d+\)/);
    const theirs = await run(`${REF}/svstat`, [a, b]);
    assertMatch(theirs.stdout, new RegExp(`a: up \\(pid ${pa}\\)`));
    assertEquals((await run(`${REF}/svok`, [a])).code, 0);
    assertEquals((await run(`${REF}/svc`, ["-d", a])).code, 0);
    await waitFor("a down", () => readStatus(a)?.pid === 0 && readStatus(a)?.want === "d");
    await dt(["svc", "-u", a]);
    const pa2 = await restarted(a, 0);
    await dt(["svc", "-k", a]);
    const pa3 = await restarted(a, pa2);
    await dt(["svc", "-t", a]);
    await restarted(a, pa3);
    // a supervisor that exits (svc -x) is started again at the next scan
    await dt(["svc", "-dx", b]);
    await waitFor("b's supervisor gone", async () => (await dt(["svok", b])).code !== 0);
    signal(p.pid, "SIGALRM");
    await waitFor("b supervised again", async () => (await dt(["svok", b])).code === 0);
    await up(b);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    assertEquals(readStatus(a)?.pid, 0);
    assertEquals(readStatus(b)?.pid, 0);
  });
});

Deno.test("svscan: one broken service never stops the others; messages in daemontools' shape", async () => {
  await withSandbox(async (sb) => {
    const good = sb.service("service/good", "exec sleep 1000");
    Deno.mkdirSync(sb.path("service/norun"), { recursive: true });
    const locked = sb.service("service/locked", "exec sleep 1000");
    Deno.mkdirSync(`${locked}/supervise`);
    sb.write("service/locked/supervise/lock", "");
    // this test process holds the lock (flock through FFI), as another supervise would
    const lockFd = lockFile(`${locked}/supervise/lock`);
    assertEquals((await run("flock", ["-n", `${locked}/supervise/lock`, "true"])).code, 1);
    const p = svscan(sb, [sb.path("service")]);
    await up(good);
    await waitFor("messages", () => p.stderr().includes("unable to acquire"));
    await waitFor("start failure", () => p.stderr().includes("unable to start norun/run"));
    assertStringIncludes(
      p.stderr(),
      "supervise: fatal: unable to acquire locked/supervise/lock: temporary failure\n",
    );
    assertStringIncludes(
      p.stderr(),
      "supervise: fatal: unable to start norun/run: file does not exist\n",
    );
    // the lock is released: the next scan (ALRM) takes the service
    close(lockFd);
    signal(p.pid, "SIGALRM");
    await up(locked);
    assert(readStatus(good)!.pid > 0);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    assert(!/Error|at .*\.ts/.test(p.stderr()), `no stack trace: ${p.stderr()}`);
  });
});

Deno.test("svscan: a removed service keeps running and is forgotten once its supervisor exits", async () => {
  await withSandbox(async (sb) => {
    const keep = sb.service("service/keep", "exec sleep 1000");
    sb.service("service/gone", "exec sleep 1000");
    const p = svscan(sb, [sb.path("service")]);
    await up(keep);
    const pid = await up(sb.path("service/gone"));
    Deno.mkdirSync(sb.path("removed"));
    Deno.renameSync(sb.path("service/gone"), sb.path("removed/gone"));
    const moved = sb.path("removed/gone");
    signal(p.pid, "SIGALRM");
    await holds("the moved service keeps its process", () => readStatus(moved)?.pid === pid, 300);
    // still supervised where it now lives, same process
    assertEquals((await dt(["svok", moved])).code, 0);
    assertEquals(readStatus(moved)?.pid, pid);
    await dt(["svc", "-dx", moved]);
    await waitFor("supervisor gone", async () => (await dt(["svok", moved])).code !== 0);
    assertEquals(readStatus(moved)?.pid, 0);
    signal(p.pid, "SIGALRM");
    await holds("not started again", () => readStatus(moved)?.pid === 0, 500);
    assertEquals((await dt(["svok", moved])).code, 100, "not started again");
    assertEquals(readStatus(moved)?.pid, 0);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
  });
});

Deno.test("svscan: TERM stops every service, loggers last so they record the final lines", async () => {
  await withSandbox(async (sb) => {
    const w = sb.service(
      "service/w",
      `trap 'echo bye; exit 0' TERM\necho hello\nwhile :; do sleep 0.1; done`,
    );
    sb.service("service/w/log", "exec cat > out");
    const p = svscan(sb, [sb.path("service")], { DT_KILL_GRACE: "5" });
    await up(`${w}/log`);
    await waitFor("hello logged", () => Deno.readTextFileSync(`${w}/log/out`) === "hello\n");
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    assertEquals(Deno.readTextFileSync(`${w}/log/out`), "hello\nbye\n");
    assertEquals(readStatus(w)?.pid, 0);
    assertEquals(readStatus(`${w}/log`)?.pid, 0);
  });
});

Deno.test("svscan: usage errors and an unusable directory", async () => {
  const r = await dt(["svscan", "/nonexistent/dir"]);
  assertEquals(r.code, 111);
  assertEquals(
    r.stderr,
    "svscan: fatal: unable to chdir to /nonexistent/dir: file does not exist\n",
  );
});
