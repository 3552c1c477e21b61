/**
 * svscan as an init, for real: PID 1 of a PID namespace (unshare), and a
 * subreaper under another init. Orphans are reaped while running; on TERM
 * services, orphans and loggers are stopped in order, what ignores TERM is
 * KILLed after the grace, and it exits 0.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { CLI, waitFor, withSandbox } from "../helpers/mod.ts";
import { children, fileLines, signal, svscan, up } from "./_svscan.ts";

/** A service that double-forks a long-lived orphan (recording its TERM) and short-lived ones. */
const ORPHANS = `(sh -c 'trap "echo orphan-term >> ../../orphan.log; exit 0" TERM
echo $$ > ../../orphan.pid; while :; do sleep 0.1; done' &)
for i in 1 2 3 4 5; do (sleep 0.05 &); done
exec sleep 1000`;

/** Ignores TERM and keeps writing numbered lines until KILLed. */
const WRITER = `trap '' TERM
i=0; while :; do i=$((i+1)); echo "line $i"; sleep 0.05; done`;

Deno.test("svscan as PID 1: reaps orphans, TERM stops everything in order, KILL after the grace", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.path("service");
    sb.service("service/orphans", ORPHANS);
    sb.service("service/stubborn", "trap '' TERM\nwhile :; do sleep 0.1; done");
    const w = sb.service("service/writer", WRITER);
    sb.service("service/writer/log", "exec cat > out");
    const u = sb.start("unshare", [
      "--pid",
      "--fork",
      "--mount-proc",
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      "--no-config",
      CLI,
      "svscan",
      dir,
    ], { cwd: sb.dir, env: { DT_KILL_GRACE: "2" } });
    const init = await waitFor("the namespace's init", () => children(u.pid)[0]?.pid);
    const nsPid = Deno.readTextFileSync(`/proc/${init}/status`).match(/NSpid:\s+\d+\s+(\d+)/)?.[1];
    assertEquals(nsPid, "1", "dt svscan is PID 1 in the namespace");
    await up(`${w}/log`);
    await waitFor("orphan running", () => fileLines(sb.path("orphan.pid")).length);
    await waitFor("writer logging", () => fileLines(`${w}/log/out`).length >= 5);
    // every orphan is re-parented to the init and reaped: no zombie stays
    await waitFor("orphans reaped", () => {
      const kids = children(init);
      return kids.some((k) => k.cmd.startsWith("sh -c")) && !kids.some((k) => k.state === "Z");
    });
    const before = fileLines(`${w}/log/out`).length;
    signal(init, "SIGTERM");
    const st = await u.status;
    assertEquals(st.code, 0, u.stderr());
    // the orphan got TERM from dt (not the kernel's KILL when PID 1 ends)
    assertEquals(fileLines(sb.path("orphan.log")), ["orphan-term"]);
    // the writer ignored TERM and kept writing until the KILL; the logger recorded it all
    const out = fileLines(`${w}/log/out`);
    assert(out.length > before, "lines written after TERM were logged");
    out.forEach((l, i) => assertEquals(l, `line ${i + 1}`));
    // the services' own messages (a shell's "Terminated") only: none from dt, no stack trace
    assert(!/svscan:|supervise:|dt:|\.ts:\d/.test(u.stderr()), u.stderr());
  });
});

Deno.test("svscan --subreaper: orphans are re-parented to it, reaped, and stopped on TERM", async () => {
  await withSandbox(async (sb) => {
    sb.service("service/orphans", ORPHANS);
    const p = svscan(sb, ["--subreaper", sb.path("service")], { DT_KILL_GRACE: "3" });
    const orphan = Number(await waitFor("orphan", () => fileLines(sb.path("orphan.pid"))[0]));
    await waitFor("orphan re-parented and the short ones reaped", () => {
      const kids = children(p.pid);
      return kids.some((k) => k.pid === orphan) && !kids.some((k) => k.state === "Z");
    });
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    assertEquals(fileLines(sb.path("orphan.log")), ["orphan-term"]);
  });
});
