/**
 * The launcher (bin/dt) is POSIX sh: it parses and runs under dash (Debian's
 * /bin/sh) and busybox sh (Alpine's), and bash as sh, under dt's name or a
 * program's; and what the shell adds to the environment it passes on (PWD,
 * SHLVL, PATH) never reaches what dt starts: daemontools' envdir, given the
 * same environment, passes on the same.
 */
import { assertEquals } from "../helpers/assert.ts";
import {
  LAUNCHER,
  MissingTool,
  need,
  needDaemontools,
  REF,
  run,
  withSandbox,
} from "../helpers/mod.ts";

/** The shells the launcher must run under, as argv prefixes. */
function shells(): [string, string[]][] {
  return [
    ["dash", [need("dash")]],
    ["busybox sh", [need("busybox"), "sh"]],
    ["bash", [need("bash")]],
  ];
}

Deno.test("launcher: POSIX sh, no bashism (dash -n, busybox sh -n, checkbashisms where installed)", async () => {
  const text = Deno.readTextFileSync(LAUNCHER);
  assertEquals(text.split("\n")[0], "#!/bin/sh");
  for (const [label, sh] of shells()) {
    const r = await run(sh[0], [...sh.slice(1), "-n", LAUNCHER]);
    assertEquals({ code: r.code, err: r.stderr }, { code: 0, err: "" }, label);
  }
  // what dash -n lets through: bash's words and expansions, where no sh of the three needs them
  const code = text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
  const bashisms = [
    /\[\[/,
    /\$'/,
    /\bmapfile\b|\breadarray\b/,
    /\blocal\b/,
    /\bexec -a\b/,
    /\$\{[A-Za-z_]+\[/,
    /\$\{[A-Za-z_0-9@*]+:[0-9]/,
    /\bsource\b|<<<|&>|\$\(</,
    /\bBASH_SOURCE\b|\bPIPESTATUS\b|\$RANDOM/,
  ];
  assertEquals(bashisms.filter((re) => re.test(code)).map(String), []);
  let checker: string | null = null;
  try {
    checker = need("checkbashisms", "devscripts");
  } catch (e) {
    // devscripts (a large package) is not among the test machine's: dash -n above stands in
    if (!(e instanceof MissingTool)) throw e;
  }
  if (checker !== null) {
    const cb = await run(checker, ["--posix", LAUNCHER]);
    assertEquals({ code: cb.code, err: cb.stderr }, { code: 0, err: "" }, "checkbashisms");
  }
});

Deno.test("launcher: svok and svstat run under each sh, as dt and as a linked name", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.path("svc");
    Deno.mkdirSync(`${dir}/supervise`, { recursive: true });
    Deno.mkdirSync(sb.path("bin"));
    Deno.symlinkSync(LAUNCHER, sb.path("bin/svok"));
    for (const [label, sh] of shells()) {
      const argvs = [[LAUNCHER, "svok"], [sb.path("bin/svok")]];
      for (const argv of argvs) {
        const r = await run(sh[0], [...sh.slice(1), ...argv, dir]);
        assertEquals({ code: r.code, err: r.stderr }, { code: 100, err: "" }, `${label} ${argv}`);
        const u = await run(sh[0], [...sh.slice(1), ...argv]);
        assertEquals({ code: u.code, err: u.stderr }, {
          code: 100,
          err: "svok: usage: svok dir\n",
        }, `${label} ${argv}`);
      }
      // the message of a hard limit too low names the program, from the launcher itself
      const lim = await run("bash", [
        "-c",
        'ulimit -v 1000000 || exit 99; exec "$@"',
        "bash",
        ...sh,
        LAUNCHER,
        "svstat",
        dir,
      ]);
      assertEquals({ code: lim.code, err: lim.stderr }, {
        code: 111,
        err: "svstat: fatal: unable to start under an address-space limit of 1024000000 bytes " +
          "(dt needs at least 68719476736)\n",
      }, label);
    }
  });
});

Deno.test("launcher: under each sh, envdir passes on the environment it was given, as daemontools'", async () => {
  needDaemontools();
  await withSandbox(async (sb) => {
    const empty = sb.path("env");
    Deno.mkdirSync(empty);
    const deno = Deno.execPath();
    const envs: Record<string, string>[] = [
      { PATH: "/usr/bin:/bin", A: "1" },
      { PATH: "/usr/bin:/bin", PWD: sb.dir, SHLVL: "4", OLDPWD: "/", _: "x", A: "b c" },
      { DT_DENO: deno },
      { DT_DENO: deno, SHLVL: "0" },
    ];
    const lines = (s: string) => s.split("\n").filter((l) => l !== "").sort();
    for (const env of envs) {
      const want = await run(`${REF}/envdir`, [empty, "/usr/bin/env"], {
        env,
        clearEnv: true,
        cwd: sb.dir,
      });
      assertEquals(want.code, 0, want.stderr);
      for (const [label, sh] of shells()) {
        const got = await run(sh[0], [...sh.slice(1), LAUNCHER, "envdir", empty, "/usr/bin/env"], {
          env,
          clearEnv: true,
          cwd: sb.dir,
        });
        assertEquals(got.stderr, "", label);
        // bash sets `_` to each program it runs, the old bash launcher's too
        const keep = (l: string) => label !== "bash" || !l.startsWith("_=");
        assertEquals(
          lines(got.stdout).filter(keep),
          lines(want.stdout).filter(keep),
          `${label}: ${JSON.stringify(env)}`,
        );
      }
    }
  });
});
