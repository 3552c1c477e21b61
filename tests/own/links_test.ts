import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { LAUNCHER, PACKAGES, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { copyInto, oneFile } from "./_onefile.ts";

/** daemontools' 17 names, as the tests write them out (tests/helpers/need.ts), not the code's list. */
const NAMES = Object.keys(PACKAGES).filter((n) => PACKAGES[n] === "daemontools");

Deno.test("install-links: dt and 17 working names, refuses strangers, --force, --remove", async () => {
  await withSandbox(async (sb) => {
    const bin = sb.path("bin");
    Deno.mkdirSync(bin);
    Deno.writeTextFileSync(`${bin}/svc`, "#!/bin/sh\necho not dt\n");
    const r1 = await run(LAUNCHER, ["install-links", bin]);
    assertEquals(r1.code, 111);
    assertStringIncludes(
      r1.stderr,
      `dt install-links: warning: ${bin}/svc: exists and is not a link to dt`,
    );
    assertEquals(Deno.readTextFileSync(`${bin}/svc`), "#!/bin/sh\necho not dt\n");
    const r2 = await run(LAUNCHER, ["install-links", "--force", bin]);
    assertEquals(r2.code, 0);
    assertStringIncludes(r2.stdout, `${bin}/svc: replaced`);
    assertEquals([...Deno.readDirSync(bin)].map((e) => e.name).sort(), ["dt", ...NAMES].sort());
    for (const n of ["dt", ...NAMES]) {
      assertEquals(Deno.realPathSync(`${bin}/${n}`), Deno.realPathSync(LAUNCHER));
    }
    // the names work, through PATH, as the programs they are named after
    const dir = sb.service("web", "exec sleep 1000");
    const sv = sb.start(`${bin}/supervise`, [dir]);
    await waitFor("up", () => readStatus(dir)?.pid);
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    const st = await run("sh", ["-c", `svstat ${dir}`], { env });
    assertStringIncludes(st.stdout, `${dir}: up (pid`);
    const bad = await run("sh", ["-c", "svok"], { env });
    assertEquals([bad.code, bad.stderr], [100, "svok: usage: svok dir\n"]);
    await run("sh", ["-c", `svc -dx ${dir}`], { env });
    assertEquals((await sv.status).code, 0);
    const r3 = await run(LAUNCHER, ["install-links", bin]);
    assertStringIncludes(r3.stdout, `${bin}/svc: kept`);
    Deno.writeTextFileSync(sb.path("other"), "");
    Deno.removeSync(`${bin}/envdir`);
    Deno.symlinkSync(sb.path("other"), `${bin}/envdir`);
    const r4 = await run(LAUNCHER, ["install-links", "--remove", bin]);
    assertEquals(r4.code, 111);
    assertEquals([...Deno.readDirSync(bin)].map((e) => e.name), ["envdir"]);
  });
});

Deno.test("install-links: links dt itself, so a run script's `dt svwait` runs under svscanboot's PATH", async () => {
  await withSandbox(async (sb) => {
    const bin = sb.path("bin");
    Deno.mkdirSync(bin);
    const r = await run(LAUNCHER, ["install-links", bin]);
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, `${bin}/dt: linked`);
    const dir = sb.service("db", "exec sleep 1000");
    const sv = sb.start(`${bin}/supervise`, [dir]);
    await waitFor("up", () => readStatus(dir)?.pid);
    // svscanboot's PATH, with the links' directory where /usr/local/bin is on it
    const env = { PATH: `/command:${bin}:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin` };
    const w = await run("/bin/sh", ["-c", `dt svwait -u -t 5000 ${dir} && echo ready`], {
      env,
      clearEnv: true,
    });
    assertEquals([w.code, w.stdout, w.stderr], [0, "ready\n", ""]);
    await run(`${bin}/svc`, ["-dx", dir]);
    assertEquals((await sv.status).code, 0);
    // dt itself in DIR (the one file installed as DIR/dt): kept, and never removed
    const own = sb.path("own");
    const exe = copyInto(await oneFile(), own, "dt");
    const k = await run(exe, ["install-links", own]);
    assertEquals(k.code, 0, k.stderr);
    assertStringIncludes(k.stdout, `${own}/dt: kept`);
    const rm = await run(exe, ["install-links", "--remove", own]);
    assertEquals(rm.code, 0, rm.stderr);
    assertEquals([...Deno.readDirSync(own)].map((e) => e.name).filter((n) => !n.startsWith(".")), [
      "dt",
    ]);
  });
});

Deno.test("boot-config: systemd unit and inittab line run svscanboot through dt", async () => {
  const s = await run(LAUNCHER, ["boot-config", "systemd"]);
  assertEquals(s.code, 0);
  assertStringIncludes(s.stdout, `ExecStart=${Deno.realPathSync(LAUNCHER)} svscanboot /service\n`);
  assertStringIncludes(s.stdout, "KillMode=mixed");
  const i = await run(LAUNCHER, ["boot-config", "inittab", "/srv/sv"]);
  assertEquals(i.stdout, `SV:123456:respawn:${Deno.realPathSync(LAUNCHER)} svscanboot /srv/sv\n`);
  const u = await run(LAUNCHER, ["boot-config", "upstart"]);
  assertEquals([u.code, u.stderr], [
    100,
    "dt boot-config: usage: dt boot-config systemd|inittab [DIR]\n",
  ]);
});

Deno.test("dt: --help lists the programs, --version, unknown program", async () => {
  const h = await run(LAUNCHER, ["--help"]);
  assertEquals(h.code, 0);
  for (const n of NAMES) assert(new RegExp(`\n  ${n}[ :]`).test(h.stdout), n);
  assertEquals((await run(LAUNCHER, ["--version"])).stdout, "dt 0.1.0\n");
  const u = await run(LAUNCHER, ["nosuch"]);
  assertEquals([u.code, u.stderr], [
    100,
    "dt: fatal: unknown program: nosuch (dt --help lists them)\n",
  ]);
  assert((await run(LAUNCHER, [])).code === 100);
});
