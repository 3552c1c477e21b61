/**
 * Bad command lines, through the launcher as users type them: a missing
 * operand, an unknown long option, `--`, a value that is not a number. dt's
 * own programs name what is wrong and exit 100 with their usage; the
 * daemontools programs answer as Debian's binaries do (sgetopt drops any
 * `--anything` as the end of the options).
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { LAUNCHER, linkPrograms, needDaemontools, REF, run, withSandbox } from "../helpers/mod.ts";

const SVWAIT_USAGE = "dt svwait: usage: dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR...\n";

Deno.test("dt svwait: no DIR is usage (100); --bogus is named; a bad -t is named", async () => {
  for (const args of [[], ["-u"], ["-t", "100"], ["--"]]) {
    const r = await run(LAUNCHER, ["svwait", ...args]);
    assertEquals([r.code, r.stdout, r.stderr], [100, "", SVWAIT_USAGE], args.join(" "));
  }
  const bogus = await run(LAUNCHER, ["svwait", "--bogus", "/nonexistent"]);
  assertEquals(
    [bogus.code, bogus.stderr],
    [100, `dt svwait: fatal: unknown option: --bogus\n${SVWAIT_USAGE}`],
  );
  const bad = await run(LAUNCHER, ["svwait", "-t", "99999999999", "/nonexistent"]);
  assertEquals(bad.code, 100);
  assertStringIncludes(bad.stderr, "dt svwait: fatal: bad timeout: 99999999999 (want ");
  // `--` ends the options: what follows is a directory, even one named like an option
  const dashed = await run(LAUNCHER, ["svwait", "--", "-d"], { cwd: "/" });
  assertEquals([dashed.code, dashed.stderr], [
    111,
    "dt svwait: fatal: unable to subscribe to -d: file does not exist\n",
  ]);
});

Deno.test("dt install-links, dt boot-config: an unknown option is named; -- ends the options", async () => {
  await withSandbox(async (sb) => {
    const links = await run(LAUNCHER, ["install-links", "--bogus", sb.path("bin")]);
    assertEquals([links.code, links.stderr], [
      100,
      "dt install-links: fatal: unknown option: --bogus\n" +
      "dt install-links: usage: dt install-links [--force] [--remove] DIR\n",
    ]);
    // a directory named like an option, after --
    Deno.mkdirSync(sb.path("-links"));
    const dashed = await run(LAUNCHER, ["install-links", "--", "-links"], { cwd: sb.dir });
    assertEquals(dashed.code, 0, dashed.stderr);
    assertEquals(Deno.lstatSync(sb.path("-links/svc")).isSymlink, true);
    const none = await run(LAUNCHER, ["install-links"]);
    assertEquals(none.code, 100);

    const boot = await run(LAUNCHER, ["boot-config", "--bogus"]);
    assertEquals([boot.code, boot.stderr], [
      100,
      "dt boot-config: fatal: unknown option: --bogus\n" +
      "dt boot-config: usage: dt boot-config systemd|inittab [DIR]\n",
    ]);
    const ok = await run(LAUNCHER, ["boot-config", "--", "inittab", "/srv/service"]);
    assertEquals(ok.code, 0, ok.stderr);
    assertStringIncludes(ok.stdout, "/srv/service");
    assertEquals((await run(LAUNCHER, ["boot-config"])).code, 100);
  });
});

Deno.test("svc, setlock, softlimit with --bogus: as Debian's daemontools (sgetopt ends options there)", async () => {
  needDaemontools();
  await withSandbox(async (sb) => {
    const bin = linkPrograms(sb, ["svc", "setlock", "softlimit"]);
    const cases: string[][] = [
      ["svc", "--bogus", "/nonexistent"],
      ["svc", "-u--x", "/nonexistent"],
      ["setlock", "--bogus"],
      ["setlock", "--bogus", "lk", "sh", "-c", "echo ran"],
      ["setlock", "-n-x", "lk", "true"],
      ["softlimit", "--bogus"],
      ["softlimit", "--bogus", "sh", "-c", "echo ran"],
      ["softlimit", "-m", "--", "true"],
    ];
    for (const [prog, ...args] of cases) {
      const want = await run(`${REF}/${prog}`, args, { cwd: sb.dir });
      const got = await run(`${bin}/${prog}`, args, { cwd: sb.dir });
      assertEquals(
        [got.code, got.stdout, got.stderr],
        [want.code, want.stdout, want.stderr],
        [prog, ...args].join(" "),
      );
    }
  });
});
