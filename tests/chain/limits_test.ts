/**
 * softlimit: every option, numbers and `=`, read back from /proc/PID/limits,
 * against Debian's softlimit on the same arguments.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { waitFor } from "../helpers/mod.ts";
import { ACCOUNT, chainSandbox, ensureAccount, PROBE, runClean, samePid } from "./_probe.ts";

const OPTIONS: string[][] = [
  ["-a", "400000000"],
  ["-c", "1000"],
  ["-d", "300000000"],
  ["-f", "100000"],
  ["-l", "65536"],
  ["-m", "350000000"],
  ["-o", "77"],
  ["-p", "500"],
  ["-r", "4000000"],
  ["-s", "4000000"],
  ["-t", "50"],
  ["-o", "="],
  ["-l", "999999999999"], // above the hard limit: capped
  ["-c", "=", "-t", "18446744073709551615"],
  ["-o", "18446744073709551616"], // wraps to 0 (Debian's sh then cannot load libc)
];

Deno.test("softlimit: each option gives the limits daemontools' softlimit gives", async (t) => {
  const { sb, bin, env } = chainSandbox();
  try {
    const probe = sb.write("probe.sh", PROBE, true);
    for (const opts of OPTIONS) {
      await t.step(opts.join(" "), async () => {
        const want = await runClean(["/usr/bin/softlimit", ...opts, probe], env, sb.dir);
        const got = await runClean([`${bin}/softlimit`, ...opts, probe], env, sb.dir);
        assertEquals(
          { code: got.code, out: samePid(got), err: got.stderr },
          { code: want.code, out: samePid(want), err: want.stderr },
        );
      });
    }
  } finally {
    await sb.close();
  }
});

Deno.test("softlimit: limits read from outside in /proc/PID/limits of the exec'd program", async () => {
  const { sb, bin } = chainSandbox();
  try {
    const p = sb.start(`${bin}/softlimit`, [
      "-o",
      "77",
      "-m",
      "200000000",
      "-t",
      "300",
      "sleep",
      "600",
    ], {
      cwd: sb.dir,
    });
    const limits = await waitFor("the exec'd sleep", () => {
      const comm = Deno.readTextFileSync(`/proc/${p.pid}/comm`).trim();
      return comm === "sleep" ? Deno.readTextFileSync(`/proc/${p.pid}/limits`) : null;
    });
    const line = (what: string) =>
      limits.split("\n").find((l) => l.startsWith(what))?.replace(/\s+/g, " ").trim();
    assertEquals(
      line("Max open files"),
      "Max open files 77 20000 files".replace("20000", hardNofile()),
    );
    assertEquals(line("Max address space"), "Max address space 200000000 unlimited bytes");
    assertEquals(line("Max data size"), "Max data size 200000000 unlimited bytes");
    assertEquals(line("Max stack size"), "Max stack size 200000000 unlimited bytes");
    assertEquals(line("Max cpu time"), "Max cpu time 300 unlimited seconds");
    p.kill("SIGKILL");
    await p.status;
  } finally {
    await sb.close();
  }
});

function hardNofile(): string {
  const l = Deno.readTextFileSync("/proc/self/limits").split("\n").find((x) =>
    x.startsWith("Max open files")
  )!;
  return l.trim().split(/\s+/)[4];
}

Deno.test("the soft RLIMIT_NOFILE dt was started with reaches the final program", async () => {
  // Deno raises the soft limit to the hard one as it starts; bin/dt reports the
  // original in DT_NOFILE_SOFT (set here too, as the launcher would).
  const { sb, bin, env: base } = chainSandbox();
  try {
    const env = { ...base, DT_NOFILE_SOFT: "99" };
    const show = 'ulimit -n; env | grep "^DT_" || true';
    const cmd = (prog: string) => ["bash", "-c", `ulimit -Sn 99; exec ${prog} sh -c '${show}'`];
    Deno.mkdirSync(sb.path("empty"));
    for (const prog of [`${bin}/softlimit -t 9`, `${bin}/envdir empty`, `${bin}/fghack`]) {
      const r = await runClean(cmd(prog), env, sb.dir);
      assertEquals({ code: r.code, out: r.stdout, err: r.stderr }, {
        code: 0,
        out: "99\n",
        err: "",
      }, prog);
    }
    const r = await runClean(cmd(`${bin}/softlimit -o 50`), env, sb.dir);
    assertStringIncludes(r.stdout, "50\n");
  } finally {
    await sb.close();
  }
});

Deno.test("softlimit -p then setuidgid: the exec is refused exactly when daemontools' is", async () => {
  // the kernel fails the execve after setuid when the account already runs more
  // tasks than the soft RLIMIT_NPROC; dt's own threads must not count
  ensureAccount();
  const { sb, bin, env } = chainSandbox();
  try {
    const sleepers = [1, 2].map(() =>
      sb.start("/usr/bin/setuidgid", [ACCOUNT, "sleep", "600"], { cwd: sb.dir })
    );
    for (const s of sleepers) {
      await waitFor(
        "a sleeper",
        () => Deno.readTextFileSync(`/proc/${s.pid}/comm`).trim() === "sleep",
      );
    }
    for (const n of ["0", "1", "2", "3"]) {
      const argv = (p: string) => [`${p}softlimit`, "-p", n, "setuidgid", ACCOUNT, "echo", "ran"];
      const want = await runClean(argv("/usr/bin/"), { ...env, PATH: "/usr/bin:/bin" }, sb.dir);
      const got = await runClean(argv(`${bin}/`), env, sb.dir);
      assertEquals(
        { code: got.code, out: got.stdout, err: got.stderr },
        { code: want.code, out: want.stdout, err: want.stderr },
        `-p ${n}`,
      );
    }
  } finally {
    await sb.close();
  }
});
