/**
 * The running program: lines reach `current` as soon as they are read, ALRM
 * rotates, TERM ends after the line being read (leaving the rest in the
 * pipe), end of input ends it cleanly.
 */
import { waitFor, withSandbox } from "../helpers/mod.ts";
import { assertEquals, dtArgv, logLines, startOnFifo, unstamp } from "./helpers.ts";

const read = (p: string) => {
  try {
    return Deno.readTextFileSync(p);
  } catch {
    return "";
  }
};

Deno.test("multilog: a lone line reaches current while input is idle", async () => {
  await withSandbox(async (sb) => {
    const run = startOnFifo(sb, dtArgv("multilog", "t", "./main"), sb.dir, sb.path("fifo"));
    for (const line of ["first", "second", "third"]) {
      run.write(line + "\n");
      // nothing more comes: the line must still get to the file
      await waitFor(
        `${line} in current`,
        () => read(sb.path("main/current")).includes(line + "\n"),
      );
    }
    run.end();
    assertEquals((await run.proc.status).code, 0);
    assertEquals(logLines(sb.path("main")).map(unstamp), ["first", "second", "third"]);
    assertEquals(Deno.statSync(sb.path("main/current")).mode! & 0o777, 0o744);
  });
});

Deno.test("multilog: ALRM rotates current now", async () => {
  await withSandbox(async (sb) => {
    const run = startOnFifo(sb, dtArgv("multilog", "./main"), sb.dir, sb.path("fifo"));
    run.write("before\n");
    await waitFor("line in current", () => read(sb.path("main/current")) === "before\n");
    run.proc.kill("SIGALRM");
    const rotated = await waitFor(
      "a rotated file",
      () => [...Deno.readDirSync(sb.path("main"))].find((e) => /^@[0-9a-f]{24}\.s$/.test(e.name)),
    );
    assertEquals(read(sb.path(`main/${rotated.name}`)), "before\n");
    assertEquals(Deno.statSync(sb.path(`main/${rotated.name}`)).mode! & 0o777, 0o744);
    run.write("after\n");
    await waitFor("new line in a new current", () => read(sb.path("main/current")) === "after\n");
    run.end();
    assertEquals((await run.proc.status).code, 0);
    assertEquals(logLines(sb.path("main")), ["before", "after"]);
  });
});

Deno.test("multilog: TERM between lines exits and leaves later input in the pipe", async () => {
  await withSandbox(async (sb) => {
    const run = startOnFifo(sb, dtArgv("multilog", "./main"), sb.dir, sb.path("fifo"));
    run.write("one\n");
    await waitFor("line in current", () => read(sb.path("main/current")) === "one\n");
    run.proc.kill("SIGTERM");
    assertEquals((await run.proc.status).code, 0);
    run.write("for the next reader\n");
    assertEquals(run.leftover(), "for the next reader\n");
    assertEquals(read(sb.path("main/current")), "one\n");
    assertEquals(Deno.statSync(sb.path("main/current")).mode! & 0o777, 0o744);
    run.end();
  });
});

Deno.test("multilog: TERM in the middle of a line finishes that line first", async () => {
  await withSandbox(async (sb) => {
    const run = startOnFifo(sb, dtArgv("multilog", "t", "./main"), sb.dir, sb.path("fifo"));
    run.write("whole\npart");
    await waitFor("first line in current", () => read(sb.path("main/current")).includes("whole"));
    run.proc.kill("SIGTERM");
    run.write("ial\nnext line\n");
    assertEquals((await run.proc.status).code, 0);
    // every line is either in the log or still in the pipe, once
    const logged = logLines(sb.path("main")).map(unstamp);
    const left = run.leftover().split("\n").filter((l) => l);
    assertEquals([...logged, ...left], ["whole", "partial", "next line"]);
    run.end();
  });
});
