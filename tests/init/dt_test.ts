/**
 * What dt init does beyond tini and dumb-init (the orderly end, services
 * beside PROG), its terminal handling, its errors, and byte-exact arguments —
 * with tini and dumb-init run side by side where they share the scenario.
 */
import { CLI, dt, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { IMPLS, initCommand, MODES, readOr, runInit, running, startInit } from "./_lib.ts";

Deno.test("dt init: usage, --help, --version", async () => {
  const none = await dt(["init"]);
  assertEquals(none.code, 100);
  assertStringIncludes(none.stderr, "dt init: usage: dt init");
  const bad = await dt(["init", "-q", "x"]);
  assertEquals(bad.code, 100);
  assertStringIncludes(bad.stderr, "dt init: fatal: unknown option: -q");
  assertEquals((await dt(["init", "--help"])).code, 0);
  assertStringIncludes((await dt(["init", "--version"])).stdout, "dt init ");
  const missing = await dt(["init", "/nonexistent/prog"]);
  assertEquals(
    missing.stderr,
    "dt init: fatal: unable to run /nonexistent/prog: file does not exist\n",
  );
});

Deno.test("dt init: arguments and environment byte for byte, same as tini", async () => {
  const outs: Uint8Array[] = [];
  for (const impl of ["dt", "tini"] as const) {
    const cmd = initCommand(impl, "sub", [], [
      "sh",
      "-c",
      'printf "%s|" "$@"; printf "%s" "$DT_ODD"',
      "x",
    ]);
    const r = await run("bash", [
      "-c",
      `export DT_ODD=$'a\\377b'; exec "$@" $'x\\376y' 'é'`,
      "bash",
      ...cmd,
    ]);
    assertEquals(r.code, 0, r.stderr);
    outs.push(r.out);
  }
  assertEquals([...outs[0]], [
    ...new Uint8Array([0x78, 0xfe, 0x79, 0x7c, 0xc3, 0xa9, 0x7c, 0x61, 0xff, 0x62]),
  ]);
  assertEquals([...outs[0]], [...outs[1]]);
});

/** A daemon in its own session that takes a moment to flush on TERM. */
const DAEMON = `setsid sh -c 'trap "sleep 0.3; echo flushed > flushed; exit 0" TERM
  echo > daemon.ready; while :; do sleep 0.05; done' &`;

for (const mode of MODES) {
  Deno.test(`TERM: PROG, then a daemon it left, get time to end (${mode}; tini, dumb-init do not)`, async () => {
    for (const impl of mode === "pid1" ? IMPLS : ["dt" as const]) {
      await withSandbox(async (sb) => {
        const script = `${DAEMON}\ntrap 'exit 3' TERM; while :; do sleep 0.05; done`;
        const r = await startInit(sb, impl, mode, [], ["sh", "-c", script]);
        await waitFor("daemon ready", () => readOr(sb.path("daemon.ready")));
        Deno.kill(r.pid, "SIGTERM");
        const code = (await r.proc.status).code;
        assertEquals(code, 3, impl);
        // dt waits for the daemon; tini and dumb-init exit at once and the namespace dies
        assertEquals(readOr(sb.path("flushed")).trim(), impl === "dt" ? "flushed" : "", impl);
      });
    }
  });

  Deno.test(`dt init: PROG ends on its own; leftovers get TERM, then KILL (${mode})`, async () => {
    await withSandbox(async (sb) => {
      const stubborn =
        `(trap '' TERM; echo $$ > /dev/null; sh -c 'echo $PPID > stubborn'; while :; do sleep 0.05; done) &`;
      const script =
        `${DAEMON}\n${stubborn}\nwhile [ ! -e daemon.ready ] || [ ! -e stubborn ]; do sleep 0.05; done; exit 5`;
      const r = await runInit(sb, "dt", mode, ["-t", "1", "-v"], ["sh", "-c", script]);
      assertEquals(r.code, 5, r.stderr);
      assertEquals(readOr(sb.path("flushed")).trim(), "flushed");
      assertStringIncludes(r.stderr, "killed after the grace period");
      if (mode === "sub") assert(!running(Number(readOr(sb.path("stubborn")))));
    });
  });

  Deno.test(`dt init: PROG ignoring TERM is killed after -t (over DT_KILL_GRACE) (${mode})`, async () => {
    await withSandbox(async (sb) => {
      const r = await startInit(sb, "dt", mode, ["-t", "0.3"], [
        "sh",
        "-c",
        "trap '' TERM; echo > ready; while :; do sleep 0.05; done",
      ], { DT_KILL_GRACE: "60" });
      await waitFor("ready", () => readOr(sb.path("ready")));
      Deno.kill(r.pid, "SIGTERM");
      assertEquals((await r.proc.status).code, 128 + 9);
    });
  });

  Deno.test(`dt init -c: a signal reaches PROG alone (${mode})`, async () => {
    await withSandbox(async (sb) => {
      const script =
        `(trap 'echo job >> got' USR1; echo > job.ready; while :; do sleep 0.05; done) &
        trap 'echo main >> got' USR1; trap 'exit 0' TERM; echo > main.ready
        while :; do sleep 0.05; done`;
      const r = await startInit(sb, "dt", mode, ["-c"], ["sh", "-c", script]);
      // both traps set (a USR1 before the main shell's trap would end it)
      await waitFor(
        "job ready",
        () => readOr(sb.path("job.ready")) && readOr(sb.path("main.ready")),
      );
      Deno.kill(r.pid, "SIGUSR1");
      await waitFor("main got USR1", () => readOr(sb.path("got")).includes("main"));
      Deno.kill(r.pid, "SIGTERM");
      assertEquals((await r.proc.status).code, 0);
      assertEquals(readOr(sb.path("got")).trim(), "main");
    });
  });

  Deno.test(`on a terminal, PROG owns it: bash -i with job control (${mode}, all three)`, async () => {
    for (const impl of IMPLS) {
      const cmd = initCommand(impl, "sub", [], ["bash", "--norc", "-i"]).map((a) => `'${a}'`);
      // as in docker run -it: the init leads the session of its controlling terminal
      const line = mode === "pid1"
        ? `exec unshare --pid --fork --mount-proc --kill-child setsid -c ${cmd.join(" ")}`
        : `exec ${cmd.join(" ")}`;
      const r = await run("script", ["-qec", line, "/dev/null"], {
        stdin: "echo $((6*7))\nsleep 0.1 &\nwait\nexit 5\n",
      });
      const out = r.stdout.replaceAll("\r", "");
      assertEquals(r.code, 5, `${impl}: ${out}`);
      assert(/\D42\n/.test(out), `${impl}: ${out}`);
      assert(/\[1\] \d+/.test(out), `${impl}: no job control: ${out}`);
      assert(!out.includes("no job control"), `${impl}: ${out}`);
    }
  });
}

Deno.test("dt init -S: services up before PROG, stopped after it, loggers last", async () => {
  await withSandbox(async (sb) => {
    sb.service(
      "svc/web",
      `echo started > ../../web.started\ntrap 'echo final line; exit 0' TERM\necho first line\nwhile :; do sleep 0.05; done`,
    );
    sb.write("svc/web/log/run", `#!/bin/sh\nexec cat >> ../../../web.log\n`, true);
    sb.service("svc/idle", "exec sleep 1000", { down: true });
    const bin = `${Deno.execPath()} run -A --quiet --no-config ${CLI}`;
    const script = `[ -e web.started ] || exit 9; ${bin} svstat svc/web > svstat.out; exit 4`;
    const r = await runInit(sb, "dt", "sub", ["-S", sb.path("svc"), "-v"], ["sh", "-c", script]);
    assertEquals(r.code, 4, r.stderr);
    assertStringIncludes(r.stderr, "every service is up");
    assertStringIncludes(readOr(sb.path("svstat.out")), "svc/web: up (pid ");
    assertEquals(readOr(sb.path("web.log")), "first line\nfinal line\n");
  });
});

Deno.test("dt init -S as PID 1: TERM ends PROG first, then the services", async () => {
  await withSandbox(async (sb) => {
    sb.service(
      "svc/a",
      `trap 'echo svc >> ../../order; exit 0' TERM\nwhile :; do sleep 0.05; done`,
    );
    sb.write("svc/bad/run", "#!/bin/sh\n"); // not executable: never up
    const script =
      `trap 'echo prog >> order; exit 0' TERM; echo > ready; while :; do sleep 0.05; done`;
    const r = await startInit(sb, "dt", "pid1", ["-S", "svc", "-t", "1"], ["sh", "-c", script]);
    await waitFor("PROG ready", () => readOr(sb.path("ready")));
    Deno.kill(r.pid, "SIGTERM");
    assertEquals((await r.proc.status).code, 0);
    assertEquals(readOr(sb.path("order")), "prog\nsvc\n");
    assertStringIncludes(r.proc.stderr(), "dt init: warning: services not up: bad");
  });
});

Deno.test("dt init -S DIR with no PROG: svscan as PID 1, TERM stops it, exit 0", async () => {
  await withSandbox(async (sb) => {
    sb.service(
      "svc/a",
      `echo > ../../up\ntrap 'echo down > ../../down; exit 0' TERM\nwhile :; do sleep 0.05; done`,
    );
    const [cmd, ...args] = initCommand("dt", "pid1", ["-S", "svc"], []);
    const proc = sb.start(cmd, args.slice(0, -1), { cwd: sb.dir });
    await waitFor("service up", () => readOr(sb.path("up")));
    const pid = Number(Deno.readTextFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`).trim());
    Deno.kill(pid, "SIGTERM");
    assertEquals((await proc.status).code, 0);
    assertEquals(readOr(sb.path("down")).trim(), "down");
  });
});
