/**
 * Scripts and directories multilog cannot use: the same message, the same
 * exit code and the same files left behind as daemontools' multilog.
 */
import { withSandbox } from "../helpers/mod.ts";
import { mkfifo } from "../../lib/sys/fifo.ts";
import { assertEquals, assertSameRun, DJB, dtArgv, runBoth, runFromFile, tree } from "./helpers.ts";

Deno.test("multilog: fatal errors match daemontools", async (t) => {
  await withSandbox(async (sb) => {
    const cases: [string, string[], (dir: string) => void][] = [
      ["missing parent directory", ["t", "./no/sub"], () => {}],
      [
        "a file where the directory goes",
        ["./afile"],
        (d) => Deno.writeTextFileSync(`${d}/afile`, ""),
      ],
      ["a FIFO where the directory goes", ["./afifo"], (d) => mkfifo(`${d}/afifo`)],
      [
        "a symlink to a file where the directory goes",
        ["./alink"],
        (d) => Deno.symlinkSync("/etc/passwd", `${d}/alink`),
      ],
      ["status file in a missing directory", ["=no/file", "./main"], () => {}],
      ["status file is a directory", ["=adir"], (d) => Deno.mkdirSync(`${d}/adir`)],
      [
        "current is a directory",
        ["./main"],
        (d) => Deno.mkdirSync(`${d}/main/current`, { recursive: true }),
      ],
      ["second directory fails after the first", ["./ok", "./no/sub"], () => {}],
    ];
    let i = 0;
    for (const [name, script, prepare] of cases) {
      await t.step(name, async () => {
        const both = await runBoth(sb, `e${i++}`, script, "a line\n", prepare);
        assertEquals(both.dt.code, 111);
        assertSameRun(both, name);
      });
    }
  });
});

Deno.test("multilog: a directory locked by another multilog", async () => {
  await withSandbox(async (sb) => {
    Deno.mkdirSync(sb.path("main"));
    const lock = Deno.openSync(sb.path("main/lock"), { create: true, append: true, mode: 0o600 });
    try {
      lock.lockSync(true);
      Deno.writeTextFileSync(sb.path("in"), "x\n");
      const dt = await runFromFile(dtArgv("multilog", "./main"), sb.dir, sb.path("in"));
      const djb = await runFromFile([DJB.multilog, "./main"], sb.dir, sb.path("in"));
      assertEquals(
        dt.stderr,
        "multilog: fatal: unable to lock directory ./main: temporary failure\n",
      );
      assertEquals([dt.code, dt.stderr], [djb.code, djb.stderr]);
      assertEquals(Deno.readDirSync(sb.path("main")).toArray().map((e) => e.name), ["lock"]);
    } finally {
      lock.close();
    }
  });
});

Deno.test("multilog: directories an unprivileged account cannot write", async () => {
  await withSandbox(async (sb) => {
    Deno.chmodSync(sb.dir, 0o755);
    for (const side of ["dt", "djb"]) {
      Deno.mkdirSync(sb.path(side, "ro"), { recursive: true, mode: 0o755 });
      Deno.chmodSync(sb.path(side), 0o755);
      Deno.chmodSync(sb.path(side, "ro"), 0o555);
    }
    Deno.writeTextFileSync(sb.path("in"), "x\n");
    Deno.chmodSync(sb.path("in"), 0o644);
    const nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    for (const dir of ["./ro", "./ro/sub"]) {
      const dt = await runFromFile(
        [...nobody, ...dtArgv("multilog", dir)],
        sb.path("dt"),
        sb.path("in"),
        {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          HOME: "/nonexistent",
        },
      );
      const djb = await runFromFile([...nobody, DJB.multilog, dir], sb.path("djb"), sb.path("in"));
      assertEquals([dt.code, dt.stderr], [djb.code, djb.stderr], dir);
    }
    assertEquals(tree(sb.path("dt")), tree(sb.path("djb")));
  });
});
