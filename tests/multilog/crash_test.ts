/**
 * Crash safety: a directory left at any step of a rotation is recovered as
 * daemontools recovers it, and killing dt's multilog with SIGKILL at any
 * moment loses no line it had written and never leaves a directory that
 * the next multilog refuses.
 */
import { waitFor, withSandbox } from "../helpers/mod.ts";
import {
  assertEquals,
  assertSameRun,
  dtArgv,
  logLines,
  rng,
  runBoth,
  startOnFifo,
} from "./helpers.ts";

const OLD1 = "@400000006b000001000000a4.s", OLD2 = "@400000006b000002000000a4.u";

/** A directory left while a processor ran (or had just finished: `processed` 0744). */
function processorState(
  processed: string,
  mode: number,
  current: string,
): [string, string, number][] {
  return [
    ["previous", "p\n", 0o744],
    ["processed", processed, mode],
    ["state", "s", 0o644],
    ["newstate", "ns", 0o644],
    ["current", current, 0o644],
  ];
}

/** Writes files with modes into `dir/main`. */
function layout(files: [string, string, number][]): (dir: string) => void {
  return (dir) => {
    Deno.mkdirSync(`${dir}/main`, { mode: 0o700 });
    for (const [name, text, mode] of files) {
      Deno.writeTextFileSync(`${dir}/main/${name}`, text);
      Deno.chmodSync(`${dir}/main/${name}`, mode);
    }
  };
}

Deno.test("multilog: recovers every crash state as daemontools does", async (t) => {
  await withSandbox(async (sb) => {
    const states: [string, [string, string, number][], string[]][] = [
      ["killed while writing: current 0644", [["current", "a\nb\n", 0o644]], ["./main"]],
      ["stopped cleanly: current 0744", [["current", "a\n", 0o744], ["state", "", 0o644]], [
        "./main",
      ]],
      ["after rename, before new current", [["previous", "p\n", 0o644]], ["./main"]],
      ["new current made, previous not marked", [["previous", "p\n", 0o644], [
        "current",
        "",
        0o644,
      ]], ["./main"]],
      ["previous marked, not linked", [["previous", "p\n", 0o744], ["current", "c\n", 0o644]], [
        "./main",
      ]],
      ["processor was running", processorState("half", 0o644, "c\n"), ["!cat", "./main"]],
      ["processor done, processed marked", processorState("P\n", 0o744, ""), ["!cat", "./main"]],
      ["old files beyond n", [
        [OLD1, "1\n", 0o744],
        [OLD2, "2\n", 0o744],
        ["current", "3\n", 0o644],
      ], ["n2", "./main"]],
    ];
    let i = 0;
    for (const [name, files, script] of states) {
      await t.step(name, async () => {
        const both = await runBoth(sb, `k${i++}`, script, "new line\n", layout(files));
        assertEquals(both.dt.code, 0);
        assertSameRun(both, name);
      });
    }
    await t.step("previous linked to its @ name, not yet removed", async () => {
      const linked = (dir: string) => {
        layout([["previous", "p\n", 0o744], ["current", "c\n", 0o644]])(dir);
        Deno.linkSync(`${dir}/main/previous`, `${dir}/main/${OLD1}`);
      };
      const probe = sb.path("probe");
      Deno.mkdirSync(probe);
      linked(probe);
      // one file under two names is one file's lines
      assertEquals(logLines(`${probe}/main`), ["p", "c"]);
      const both = await runBoth(sb, `k${i++}`, ["./main"], "new line\n", linked);
      assertEquals(both.dt.code, 0);
      assertSameRun(both, "linked previous");
      assertEquals(logLines(`${both.dtDir}/main`), ["p", "c", "new line"]);
    });
  });
});

Deno.test("multilog: SIGKILL at random moments loses nothing written, restarts fine", async () => {
  await withSandbox(async (sb) => {
    const r = rng(42);
    const script = ["s4096", "n10000", "./main"];
    let counter = 0, leftover: string[] = [], expected: string[] = [];
    for (let round = 0; round < 6; round++) {
      const run = startOnFifo(sb, dtArgv("multilog", ...script), sb.dir, sb.path(`fifo${round}`));
      const fresh = Array.from(
        { length: 300 + Math.floor(r() * 700) },
        () => `line ${counter++} ${"x".repeat(counter % 90)}`,
      );
      const fed = [...leftover, ...fresh];
      run.write(fed.join("\n") + "\n");
      // kill once a random part of it is on disk (rotations included: s4096)
      const want = expected.length + Math.floor(r() * fed.length);
      await waitFor("lines on disk", () => logLines(sb.path("main")).length >= want);
      run.proc.kill("SIGKILL");
      await run.proc.status;
      const onDisk = logLines(sb.path("main"));
      // everything written before is still there, in order; then a prefix of what was fed
      assertEquals(onDisk.slice(0, expected.length), expected);
      const added = onDisk.slice(expected.length);
      assertEquals(added, fed.slice(0, added.length));
      expected = onDisk;
      // what the killed process never read is still in the pipe, for the next one
      leftover = run.leftover().split("\n").filter((l) => l);
      run.end();
      if (leftover.length) {
        assertEquals(leftover, fed.slice(fed.length - leftover.length));
      }
    }
    // a last run on the same directory starts and keeps everything
    const last = startOnFifo(sb, dtArgv("multilog", ...script), sb.dir, sb.path("fifo-last"));
    last.write("the end\n");
    await waitFor("the last line", () => logLines(sb.path("main")).at(-1) === "the end");
    last.end();
    assertEquals((await last.proc.status).code, 0);
    assertEquals(logLines(sb.path("main")), [...expected, "the end"]);
    for (const e of Deno.readDirSync(sb.path("main"))) {
      const ok = /^@[0-9a-f]{24}\.[su]$/.test(e.name) ||
        ["current", "lock", "state"].includes(e.name);
      assertEquals(ok, true, e.name);
    }
  });
});
