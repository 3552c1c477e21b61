/**
 * The signal state every program dt starts or execs begins with — a service,
 * a process logger, a finish script, the last program of a chain, `dt init`'s
 * PROG, fghack's child after softlimit — is what daemontools (svscan,
 * supervise, envdir, setuidgid, softlimit and fghack) or tini gives it under the same parent: SigBlk, SigIgn and SigCgt of
 * /proc/self/status, through the launcher. Every signal at its default (not
 * Deno's ignored SIGPIPE, not glibc's 32 and 33), but those the parent left
 * ignored, which are passed on (HUP and USR1 too, which Deno handles itself).
 */
import { assertEquals } from "../helpers/assert.ts";
import {
  LAUNCHER,
  need,
  needDaemontools,
  REF,
  run,
  type Sandbox,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";

/**
 * The argv that runs what follows with glibc's signals 32 and 33 at their
 * default (perl's syscall: glibc's sigaction refuses them): a program started
 * by Deno (this test) gets them ignored, one started by a shell or init does not.
 */
const CLEAN = [
  "perl",
  "-e",
  `my $a = pack("Q4", 0, 0, 0, 0);
   for my $s (32, 33) { syscall(${
    Deno.build.arch === "aarch64" ? 134 : 13
  }, $s, $a, 0, 8) == 0 or die "$!" }
   exec @ARGV or die "$!"`,
  "--",
];

/** The parents: argv prefix (a shell, after what it ignores, runs the rest). */
const PARENTS: [string, string[]][] = [
  ["a parent that ignores nothing", [...CLEAN, "bash", "-c", 'exec "$@" </dev/null', "bash"]],
  ["a parent that ignores HUP, USR1, PIPE, RTMIN+6", [
    ...CLEAN,
    "bash",
    "-c",
    `trap '' HUP USR1 PIPE RTMIN+6; exec "$@" </dev/null`,
    "bash",
  ]],
  // (as Deno, Rust and Python's posix_spawn start programs)
  ["a parent that ignores glibc's 32 and 33", ["bash", "-c", 'exec "$@" </dev/null', "bash"]],
];

/** The signal lines of a /proc/PID/status text. */
function sigLines(status: string): string {
  return status.split("\n").filter((l) => /^Sig(Blk|Ign|Cgt):/.test(l)).join("\n");
}

const STATUS = "cat /proc/self/status";

/** Runs argv under `parent` (an argv prefix): its stdout. */
async function under(parent: string[], argv: string[]): Promise<string> {
  const r = await run(parent[0], [...parent.slice(1), ...argv]);
  assertEquals(r.code, 0, r.stderr);
  return r.stdout;
}

/**
 * A scan directory: service `a` (its status in `a.status`) with a process
 * logger (`log.status`); with `finish`, service `f` that ends at once and
 * whose finish writes `finish.status` (daemontools 0.76 runs no finish).
 */
function tree(sb: Sandbox, name: string, finish: boolean): string {
  const out = sb.path(`${name}.out`);
  Deno.mkdirSync(out);
  sb.service(`${name}/a`, `${STATUS} > ${out}/a.status\nexec sleep 1000`);
  sb.write(
    `${name}/a/log/run`,
    `#!/bin/sh\n${STATUS} > ${out}/log.status\nexec cat >/dev/null\n`,
    true,
  );
  if (finish) {
    sb.service(`${name}/f`, "exec sleep 0.2");
    sb.write(`${name}/f/finish`, `#!/bin/sh\n${STATUS} > ${out}/finish.status\n`, true);
  }
  return sb.path(name);
}

/** Starts a scanner under `parent`, waits for `files` in its out dir, returns them. */
async function scanned(
  sb: Sandbox,
  parent: string[],
  scanner: string[],
  dir: string,
  files: string[],
): Promise<Record<string, string>> {
  const p = sb.start(parent[0], [...parent.slice(1), ...scanner, dir], { stdio: "null" });
  const got: Record<string, string> = {};
  for (const f of files) {
    got[f] = await waitFor(f, () => {
      const s = Deno.readTextFileSync(`${dir}.out/${f}`);
      return s.includes("\nSigCgt:") ? sigLines(s) : "";
    });
  }
  if (scanner[0] === `${REF}/svscan`) {
    // daemontools' supervisors outlive svscan: tell them to go first
    for (const sv of [`${dir}/a`, `${dir}/a/log`]) {
      await waitFor(`${sv} let go`, async () => {
        await run(`${REF}/svc`, ["-dx", sv]);
        return (await run(`${REF}/svok`, [sv])).code === 100;
      });
    }
  }
  p.kill("SIGTERM");
  await p.status;
  return got;
}

for (const [label, parent] of PARENTS) {
  Deno.test(`dispositions: a service, its logger, a finish script as daemontools', under ${label}`, async () => {
    needDaemontools();
    await withSandbox(async (sb) => {
      const want = await scanned(sb, parent, [`${REF}/svscan`], tree(sb, "ref", false), [
        "a.status",
        "log.status",
      ]);
      const got = await scanned(sb, parent, [LAUNCHER, "svscan"], tree(sb, "dt", true), [
        "a.status",
        "log.status",
        "finish.status",
      ]);
      assertEquals(got["a.status"], want["a.status"], "service");
      assertEquals(got["log.status"], want["log.status"], "logger");
      // a finish script is started as ./run is
      assertEquals(got["finish.status"], want["a.status"], "finish");
    });
  });

  Deno.test(`dispositions: the end of a chain as daemontools' envdir and setuidgid, under ${label}`, async () => {
    needDaemontools();
    await withSandbox(async (sb) => {
      const env = sb.path("env");
      Deno.mkdirSync(env);
      const prog = ["sh", "-c", STATUS];
      const want = await under(parent, [
        `${REF}/envdir`,
        env,
        `${REF}/setuidgid`,
        "nobody",
        ...prog,
      ]);
      const got = await under(parent, [
        LAUNCHER,
        "envdir",
        env,
        LAUNCHER,
        "setuidgid",
        "nobody",
        ...prog,
      ]);
      assertEquals(sigLines(got), sigLines(want));
    });
  });

  // fghack waits for its child, which gets the signals and limits daemontools' gives it; dt
  // starts it through one more dt, started directly, that sets the limits in it: the
  // open-files limit Deno raised (`ulimit -Sn` below the hard one), and one asked for
  for (const limits of [[], ["-m", "300000000"]]) {
    const what = limits.length ? "fghack's child after softlimit -m" : "fghack's child";
    Deno.test(`dispositions: ${what} as daemontools', under ${label}`, async () => {
      needDaemontools();
      const soft = ["sh", "-c", 'ulimit -Sn 1000 && exec "$@"', "sh"];
      const prog = ["sh", "-c", `${STATUS} /proc/self/limits`];
      const [refLimit, dtLimit] = limits.length
        ? [[`${REF}/softlimit`, ...limits], [LAUNCHER, "softlimit", ...limits]]
        : [[], [LAUNCHER]];
      const want = await under(parent, [...soft, ...refLimit, `${REF}/fghack`, ...prog]);
      const got = await under(parent, [...soft, ...dtLimit, "fghack", ...prog]);
      assertEquals(sigLines(got), sigLines(want));
      const limitLines = (t: string) =>
        t.split("\n").filter((l) => /^Max (open files|address space|stack size)/.test(l));
      assertEquals(limitLines(got), limitLines(want));
    });
  }

  Deno.test(`dispositions: dt init's PROG as tini's, under ${label}`, async () => {
    const tini = need("/usr/bin/tini", "tini");
    const prog = ["sh", "-c", STATUS];
    const want = await under(parent, [tini, "-s", "--", ...prog]);
    const got = await under(parent, [LAUNCHER, "init", "--", ...prog]);
    assertEquals(sigLines(got), sigLines(want));
  });
}
