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
  need,
  needDaemontools,
  PACKAGES,
  REF,
  ROOT,
  run,
  waitFor,
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

Deno.test("launcher: POSIX sh, no bashism (dash -n, busybox sh -n, a list of bash's words)", async () => {
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
});

/**
 * What checkbashisms says of the launcher, each on purpose: `ulimit -S` (not
 * in POSIX, which has `ulimit -f` alone, but in dash, busybox sh and bash:
 * the launcher raises a soft limit Deno cannot live under), and reading
 * BASH_VERSION and SHLVL (to give the program the SHLVL it was started with,
 * whichever sh runs the launcher).
 */
const DELIBERATE = [
  /^possible bashism in \S+ line \d+ \(ulimit\):$/,
  /^possible bashism in \S+ line \d+ \(\$BASH_SOMETHING\):$/,
  /^possible bashism in \S+ line \d+ \(\$SHLVL\):$/,
];

Deno.test("launcher: checkbashisms --posix finds nothing but what the launcher does on purpose", async () => {
  const checkbashisms = need(
    "checkbashisms",
    "devscripts (scripts/setup.sh installs the script alone)",
  );
  const cb = await run(checkbashisms, ["--posix", LAUNCHER]);
  const found = cb.stderr.split("\n").filter((l) => l.startsWith("possible bashism"));
  assertEquals(found.filter((l) => !DELIBERATE.some((re) => re.test(l))), [], cb.stderr);
  // and each of those is still there (the list stays the launcher's own)
  for (const re of DELIBERATE) assertEquals(found.some((l) => re.test(l)), true, String(re));
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

/**
 * Environments a shell does not pass on as given: names that are not shell
 * names (dash and busybox sh drop them), a value that is not UTF-8, one with
 * a newline, one with byte 1 (the launcher's own separator), no PWD or SHLVL
 * (the shells add them). Each as `env -i` arguments (bash `$'…'` words).
 */
const ODD_ENVS: [string, string][] = [
  [
    "names that are not shell names, bytes that are not UTF-8",
    `.HIDDEN=x a-b=1 $'V=\\xff\\xfe' PATH=/usr/bin:/bin`,
  ],
  [
    "a newline and byte 1 in values",
    `$'NL=a\\nb' $'SOH=a\\x01b' $'E=\\x01' PATH=/usr/bin:/bin A=1`,
  ],
  ["nothing but what the launcher needs", `DT_DENO=${Deno.execPath()}`],
];

/** Runs `argv` in `env -i ENV` (words of {@link ODD_ENVS}), with the launcher's deno given. */
function inEnv(env: string, argv: string[], opts: { cwd?: string } = {}) {
  return run(
    "bash",
    ["-c", `exec env -i ${env} DT_DENO=${Deno.execPath()} "$@"`, "bash", ...argv],
    opts,
  );
}

Deno.test("launcher: envdir passes on the environment byte for byte, in order, as daemontools' (every sh, dist/dt, a linked name)", async () => {
  needDaemontools();
  const b = await run(Deno.execPath(), ["run", "-A", `${ROOT}/scripts/bundle.ts`]);
  assertEquals(b.code, 0, b.stderr);
  await withSandbox(async (sb) => {
    const empty = sb.path("env");
    Deno.mkdirSync(empty);
    Deno.mkdirSync(sb.path("bin"));
    Deno.symlinkSync(LAUNCHER, sb.path("bin/envdir"));
    const prog = ["/bin/cat", "/proc/self/environ"];
    for (const [what, env] of ODD_ENVS) {
      const want = await inEnv(env, [`${REF}/envdir`, empty, ...prog], { cwd: sb.dir });
      assertEquals(want.code, 0, want.stderr);
      const ways: [string, string[]][] = [
        ["bin/dt as /bin/sh runs it", [LAUNCHER, "envdir"]],
        ["a linked name", [sb.path("bin/envdir")]],
        ["dist/dt", [`${ROOT}/dist/dt`, "envdir"]],
        ...shells().map(([label, sh]): [string, string[]] => [label, [...sh, LAUNCHER, "envdir"]]),
      ];
      for (const [how, argv] of ways) {
        const got = await inEnv(env, [...argv, empty, ...prog], { cwd: sb.dir });
        assertEquals(got.stderr, "", `${what}, ${how}`);
        assertEquals(latin1(got.out), latin1(want.out), `${what}, ${how}`);
      }
    }
  });
});

Deno.test("launcher: every service of dt svscan and dt init's PROG get the environment byte for byte, as daemontools' and tini's", async () => {
  needDaemontools();
  const tini = need("/usr/bin/tini", "tini");
  await withSandbox(async (sb) => {
    for (const [what, env] of ODD_ENVS) {
      // the service's own environment, as supervise gives it (perl: a shell would change it)
      const tree = (name: string) => {
        sb.write(
          `${name}/s/run`,
          `#!/usr/bin/perl\nopen(my $i, "<", "/proc/self/environ") or die;\n` +
            `open(my $o, ">", "../../${name}.env") or die;\nlocal $/; print $o scalar(<$i>);\n` +
            `close $o; sleep 1000;\n`,
          true,
        );
        return sb.path(name);
      };
      const scan = async (name: string, argv: string[]) => {
        const p = sb.start("bash", [
          "-c",
          `exec env -i ${env} DT_DENO=${Deno.execPath()} "$@" </dev/null >/dev/null 2>&1`,
          "bash",
          ...argv,
          tree(name),
        ], { stdio: "null" });
        const got = await waitFor(`${name}'s service`, () => {
          try {
            const b = Deno.readFileSync(sb.path(`${name}.env`));
            return b.length > 0 ? b : null;
          } catch {
            return null;
          }
        });
        if (argv[0] === `${REF}/svscan`) await run(`${REF}/svc`, ["-dx", `${sb.path(name)}/s`]);
        p.kill("SIGTERM");
        await p.status;
        Deno.removeSync(sb.path(name), { recursive: true });
        Deno.removeSync(sb.path(`${name}.env`));
        return latin1(got);
      };
      const want = await scan("ref", [`${REF}/svscan`]);
      for (const [label, sh] of [["/bin/sh", []] as [string, string[]], ...shells()]) {
        assertEquals(
          await scan("dt", [...sh, LAUNCHER, "svscan"]),
          want,
          `${what}: svscan, ${label}`,
        );
      }
      const prog = ["/bin/cat", "/proc/self/environ"];
      const byTini = await inEnv(env, [tini, "-s", "--", ...prog]);
      const byDt = await inEnv(env, [LAUNCHER, "init", "--", ...prog]);
      assertEquals(latin1(byDt.out), latin1(byTini.out), `${what}: init`);
    }
  });
});

function latin1(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

Deno.test("launcher: reads /proc/self/limits without running it as shell code", async () => {
  await withSandbox(async (sb) => {
    // a /proc of the test's own (tmpfs, in a mount namespace): its limits file carries a command
    const deno = sb.write("deno", "#!/bin/sh\necho deno started\n", true);
    const limits = [
      "Limit                     Soft Limit           Hard Limit           Units     ",
      `Max cpu time              unlimited            unlimited            seconds; echo RAN >&2`,
      "Max data size             unlimited            unlimited            bytes     ",
      "Max stack size            8388608              unlimited            bytes     ",
      "Max open files            1024                 4096                 files     ",
      "Max address space         unlimited            unlimited            bytes     ",
    ].join("\n") + "\n";
    sb.write("limits", limits);
    const script = `mount -t tmpfs dt-test /proc && mkdir /proc/self &&
      cp "$1" /proc/self/limits && DT_DENO="$2" exec dash "$3" svok /nonexistent`;
    const r = await run("unshare", [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      script,
      "sh",
      sb.path("limits"),
      deno,
      LAUNCHER,
    ]);
    assertEquals({ code: r.code, out: r.stdout, err: r.stderr }, {
      code: 0,
      out: "deno started\n",
      err: "",
    });
  });
});

Deno.test("launcher: its lists of program names are dt's (sh cannot import them)", () => {
  const text = Deno.readTextFileSync(LAUNCHER).replace(/\\\n/g, " ");
  const list = (v: string) => /^dt_\w+="([^"]*)"/m.exec(text.slice(text.indexOf(`${v}="`)))![1];
  const daemontools = Object.keys(PACKAGES).filter((n) => PACKAGES[n] === "daemontools");
  assertEquals(list("dt_tools").split(/\s+/), daemontools);
  assertEquals(list("dt_own").split(/\s+/).sort(), [
    "boot-config",
    "init",
    "install-links",
    "svwait",
  ]);
});
