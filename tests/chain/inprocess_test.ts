/**
 * In-process chaining really saves the runtime starts: the launcher runs the
 * Deno that DT_DENO names once per dt start, so a DT_DENO that appends a line
 * to a file before it runs Deno counts them. Names that resolve to something other than dt are exec'd.
 */
import { assertEquals } from "../helpers/assert.ts";
import { ACCOUNT, chainSandbox, ensureAccount, runClean } from "./_probe.ts";

Deno.test("a chain of dt programs starts the runtime once", async (t) => {
  ensureAccount();
  const { sb, bin, env: base } = chainSandbox();
  try {
    const counter = sb.path("starts");
    const deno = sb.write(
      "deno.sh",
      `#!/bin/sh\necho start >> ${counter}\nexec ${Deno.execPath()} "$@"\n`,
      true,
    );
    Deno.writeTextFileSync(counter, "");
    Deno.chmodSync(counter, 0o666);
    sb.write("env/FOO", "bar");
    sb.write("newpath/PATH", `${bin}:/usr/bin:/bin`);
    Deno.mkdirSync(sb.path("empty"));
    const home = base.HOME;
    const starts = async (argv: string[], path: string) => {
      Deno.writeTextFileSync(counter, "");
      const r = await runClean(argv, { PATH: path, HOME: home, DT_DENO: deno }, sb.dir);
      assertEquals({ code: r.code, stderr: r.stderr }, { code: 0, stderr: "" }, argv.join(" "));
      return {
        count: Deno.readTextFileSync(counter).split("\n").filter(Boolean).length,
        out: r.stdout,
      };
    };
    const withBin = `${bin}:/usr/bin:/bin`;
    const tail = ["sh", "-c", 'echo "$FOO $(id -u) $(ulimit -n)"'];
    const uid = (await runClean(["id", "-u", ACCOUNT], { PATH: "/usr/bin:/bin" }, sb.dir)).stdout
      .trim();

    await t.step("names on PATH: one start for three programs", async () => {
      const r = await starts(
        [`${bin}/envdir`, "env", "setuidgid", ACCOUNT, "softlimit", "-o", "99", ...tail],
        withBin,
      );
      assertEquals(r, { count: 1, out: `bar ${uid} 99\n` });
    });
    await t.step("dt NAME …: one start for three programs", async () => {
      const r = await starts(
        [
          `${bin}/dt`,
          "envdir",
          "env",
          "dt",
          "setuidgid",
          ACCOUNT,
          "dt",
          "softlimit",
          "-o",
          "99",
          ...tail,
        ],
        withBin,
      );
      assertEquals(r, { count: 1, out: `bar ${uid} 99\n` });
    });
    await t.step(
      "a name that is daemontools' program is exec'd, and dt after it starts again",
      async () => {
        const r = await starts(
          [`${bin}/envdir`, "env", "/usr/bin/setuidgid", ACCOUNT, "softlimit", "-o", "99", ...tail],
          withBin,
        );
        assertEquals(r, { count: 2, out: `bar ${uid} 99\n` });
      },
    );
    await t.step("each step finds the next program in the PATH it started with", async () => {
      // envdir sets a PATH with dt's names first, but looks its own next program
      // up in the PATH it started with, as daemontools does: daemontools' softlimit
      // runs, and finds dt's envdir (a second start)
      const show = ["sh", "-c", 'echo "$FOO $(ulimit -t)"'];
      const old = "/usr/bin:/bin";
      const a = await starts(
        [`${bin}/envdir`, "newpath", "softlimit", "-t", "99", "envdir", "env", ...show],
        old,
      );
      assertEquals(a, { count: 2, out: "bar 99\n" });
      // the step after it sees the new PATH: all of it runs in one start
      const b = await starts(
        [
          `${bin}/envdir`,
          "newpath",
          `${bin}/envdir`,
          "empty",
          "softlimit",
          "-t",
          "99",
          "envdir",
          "env",
          ...show,
        ],
        old,
      );
      assertEquals(b, { count: 1, out: "bar 99\n" });
    });
  } finally {
    await sb.close();
  }
});
