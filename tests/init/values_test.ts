/**
 * dt init's numbers and directories, through the launcher as users run it: a
 * grace period longer than a runtime timer is honoured (not fired at once with
 * the runtime's warning), and `-S` with a directory that cannot be scanned
 * starts nothing.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { holds, LAUNCHER, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readOr, running } from "./_lib.ts";

const exists = async (path: string) => {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
};

Deno.test("dt init -t 3000000 (35 days): PROG that ignores TERM is still alive 5 s after TERM to dt", async () => {
  await withSandbox(async (sb) => {
    const init = sb.start(LAUNCHER, [
      "init",
      "-t",
      "3000000",
      "--",
      "sh",
      "-c",
      "trap '' TERM; echo $$ > prog.pid; while :; do sleep 0.1; done",
    ], { cwd: sb.dir });
    const prog = await waitFor("PROG", () => Number(readOr(sb.path("prog.pid"))));
    try {
      init.kill("SIGTERM");
      await holds("PROG alive: no KILL yet", () => running(prog), 5000);
      assertEquals(running(init.pid), true, "dt init waits out the grace");
    } finally {
      try {
        Deno.kill(prog, "SIGKILL");
      } catch { /* gone */ }
    }
    assertEquals((await init.status).code, 128 + 9);
    await init.drained();
    assertEquals(init.stderr(), "", "no TimeoutOverflowWarning");
  });
});

Deno.test("dt init -S /nonexistent -- PROG: exit 111 naming the directory; PROG never runs", async () => {
  await withSandbox(async (sb) => {
    const marker = sb.path("prog-ran");
    Deno.writeTextFileSync(sb.path("file"), "");
    for (const dir of ["/nonexistent", sb.path("file")]) {
      const r = await run(LAUNCHER, ["init", "-S", dir, "--", "sh", "-c", `touch ${marker}`], {
        cwd: sb.dir,
      });
      assertEquals(await exists(marker), false, "PROG did not run");
      const why = dir === "/nonexistent" ? "file does not exist" : "not a directory";
      assertEquals(
        [r.code, r.stderr],
        [111, `dt init: fatal: unable to read directory ${dir}: ${why}\n`],
      );
    }
    // with no PROG (svscan as PID 1) the same
    const alone = await run(LAUNCHER, ["init", "-S", "/nonexistent"], { cwd: sb.dir });
    assertEquals(alone.code, 111);
    assertStringIncludes(alone.stderr, "/nonexistent");
  });
});

Deno.test("dt init: -t, -T out of range, -T without -S: usage, exit 100, nothing runs", async () => {
  await withSandbox(async (sb) => {
    const marker = sb.path("prog-ran");
    const prog = ["--", "sh", "-c", `touch ${marker}`];
    for (
      const opts of [
        ["-t", "99999999999"],
        ["-t", "-1"],
        ["-t", " 5"],
        ["-S", sb.dir, "-T", "99999999999"],
        ["-T", "5"],
      ]
    ) {
      const r = await run(LAUNCHER, ["init", ...opts, ...prog], { cwd: sb.dir });
      assertEquals(r.code, 100, opts.join(" "));
      assertStringIncludes(r.stderr, "dt init: usage: dt init", opts.join(" "));
      assertEquals(await exists(marker), false, opts.join(" "));
    }
  });
});
