/**
 * The scenarios dt init shares with tini and dumb-init, run against all three
 * (where each offers the feature), as PID 1 of a PID namespace and as a
 * subreaper: the same result is expected from each.
 */
import { waitFor, withSandbox } from "../helpers/mod.ts";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import {
  type Impl,
  IMPLS,
  type Mode,
  MODES,
  readOr,
  recorder,
  runInit,
  running,
  startInit,
  stateOf,
} from "./_lib.ts";

/** dumb-init is no subreaper: as a plain child, orphans are not its to reap. */
const reaps = (impl: Impl, mode: Mode) => !(impl === "dumb-init" && mode === "sub");

for (const mode of MODES) {
  for (const impl of IMPLS) {
    const name = (what: string) => `${impl} (${mode}): ${what}`;

    Deno.test(name("exit code, and 128+N for a signal"), async () => {
      await withSandbox(async (sb) => {
        assertEquals((await runInit(sb, impl, mode, [], ["sh", "-c", "exit 7"])).code, 7);
        assertEquals(
          (await runInit(sb, impl, mode, [], ["sh", "-c", "kill -USR1 $$"])).code,
          128 + 10,
        );
      });
    });

    Deno.test(name("every ordinary signal reaches PROG exactly once"), async () => {
      await withSandbox(async (sb) => {
        const f = sb.path("got");
        const sigs = ["HUP", "INT", "QUIT", "USR1", "USR2", "ALRM", "WINCH", "CONT", "TERM"];
        const r = await startInit(sb, impl, mode, [], ["sh", "-c", recorder(f, sigs)]);
        await waitFor("PROG ready", () => readOr(`${f}.ready`));
        const sent: string[] = [];
        for (const s of sigs) {
          Deno.kill(r.pid, `SIG${s}` as Deno.Signal);
          sent.push(s);
          await waitFor(`${s} recorded`, () => readOr(f).split("\n").includes(s));
        }
        assertEquals((await r.proc.status).code, 0);
        assertEquals(readOr(f).trim().split("\n"), sent);
      });
    });

    Deno.test({
      name: name(
        reaps(impl, mode)
          ? "orphans are reaped while PROG runs: no zombie"
          : "orphans are reaped (ignored: dumb-init is no subreaper, not its to do as a child)",
      ),
      ignore: !reaps(impl, mode),
    }, async () => {
      await withSandbox(async (sb) => {
        // three orphans end at once; PROG waits until they are gone (reaped), not zombies
        const script = `for i in 1 2 3; do (sleep 0.1 & echo $! >> pids); done
          n=0; while [ $n -lt 400 ]; do
            z=0; for p in $(cat pids); do [ -e /proc/$p ] && z=1; done
            [ $z = 0 ] && exit 0; n=$((n+1)); sleep 0.05; done; exit 1`;
        const opts = impl === "dumb-init" ? [] : ["-w"];
        const r = await runInit(sb, impl, mode, opts, ["sh", "-c", script]);
        assertEquals(r.code, 0, r.stderr);
        if (impl !== "dumb-init") assertMatch(r.stderr, /reaped zombie process with pid=\d+/i);
      });
    });

    Deno.test(name("PROG starts with default signals, an empty mask, cwd, env, args"), async () => {
      await withSandbox(async (sb) => {
        const prog = [
          "bash",
          "-c",
          'grep -E "^Sig(Blk|Ign)" /proc/self/status; pwd; printf "<%s>" "$@"; echo "$DT_ODD"',
          "x",
          "a b",
          "",
          "é",
        ];
        const r = await runInit(sb, impl, mode, [], prog);
        assertEquals(r.code, 0, r.stderr);
        const lines = r.stdout.split("\n");
        assertEquals(lines[0], "SigBlk:\t0000000000000000");
        // SIGPIPE (bit 13) not ignored, though Deno ignores it
        assert((BigInt(`0x${lines[1].split("\t")[1]}`) & 0x1000n) === 0n, lines[1]);
        assertEquals(lines[2], sb.dir);
        assertEquals(lines[3], "<a b><><é>");
      });
    });

    if (impl !== "tini") {
      Deno.test(name("-r S:R rewrites a signal, R=0 drops it"), async () => {
        await withSandbox(async (sb) => {
          const f = sb.path("got");
          const prog = ["sh", "-c", recorder(f, ["USR1", "USR2", "HUP", "TERM"])];
          const r = await startInit(sb, impl, mode, ["-r", "10:12", "-r", "1:0"], prog);
          await waitFor("PROG ready", () => readOr(`${f}.ready`));
          Deno.kill(r.pid, "SIGUSR1");
          await waitFor("USR2 recorded", () => readOr(f).includes("USR2"));
          Deno.kill(r.pid, "SIGHUP");
          Deno.kill(r.pid, "SIGTERM");
          assertEquals((await r.proc.status).code, 0);
          assertEquals(readOr(f).trim().split("\n"), ["USR2", "TERM"]);
        });
      });
    }

    if (impl !== "dumb-init") {
      Deno.test(name("-e CODE makes that exit status 0"), async () => {
        await withSandbox(async (sb) => {
          assertEquals(
            (await runInit(sb, impl, mode, ["-e", "3"], ["sh", "-c", "exit 3"])).code,
            0,
          );
          assertEquals(
            (await runInit(sb, impl, mode, ["-e", "3"], ["sh", "-c", "exit 4"])).code,
            4,
          );
        });
      });

      Deno.test(name("a missing PROG gives 127, one that cannot run 126"), async () => {
        await withSandbox(async (sb) => {
          assertEquals((await runInit(sb, impl, mode, [], ["/nonexistent/prog"])).code, 127);
          sb.write("noexec", "#!/bin/sh\n");
          assertEquals((await runInit(sb, impl, mode, [], [sb.path("noexec")])).code, 126);
        });
      });
    }

    // process-group forwarding: dt and dumb-init by default, tini with -g
    Deno.test(name("TERM reaches PROG's whole process group"), async () => {
      await withSandbox(async (sb) => {
        const job = (n: string) =>
          `(trap 'echo ${n} >> got; exit 0' TERM; echo > ${n}.ready; while :; do sleep 0.05; done) &`;
        const script = `${job("a")}\n${job("b")}\ntrap 'echo main >> got; wait; exit 0' TERM
          while :; do sleep 0.05; done`;
        const r = await startInit(sb, impl, mode, impl === "tini" ? ["-g"] : [], [
          "sh",
          "-c",
          script,
        ]);
        await waitFor("jobs ready", () => readOr(sb.path("a.ready")) && readOr(sb.path("b.ready")));
        Deno.kill(r.pid, "SIGTERM");
        assertEquals((await r.proc.status).code, 0);
        assertEquals(readOr(sb.path("got")).trim().split("\n").sort(), ["a", "b", "main"]);
      });
    });

    if (impl !== "tini" && mode === "sub") {
      Deno.test(name("TSTP stops PROG and the init, CONT resumes both"), async () => {
        await withSandbox(async (sb) => {
          const r = await startInit(sb, impl, mode, [], [
            "sh",
            "-c",
            "echo $$ > pid; while :; do sleep 0.05; done",
          ]);
          const prog = Number(await waitFor("PROG pid", () => readOr(sb.path("pid")).trim()));
          Deno.kill(r.pid, "SIGTSTP");
          await waitFor("both stopped", () => stateOf(prog) === "T" && stateOf(r.pid) === "T");
          Deno.kill(r.pid, "SIGCONT");
          await waitFor("both running", () => stateOf(prog) !== "T" && stateOf(r.pid) !== "T");
          Deno.kill(r.pid, "SIGTERM");
          assertEquals((await r.proc.status).code, 128 + 15);
          assert(!running(prog));
        });
      });
    }
  }
}
