/**
 * Each program's output, messages and exit codes against Debian's daemontools
 * on the same inputs, alone and inside chains (where the failing step is a
 * later one, applied in-process by dt).
 */
import { assertEquals } from "../helpers/assert.ts";
import { ACCOUNT, chainSandbox, ensureAccount, runClean } from "./_probe.ts";

const SHOW =
  'for v in A NUL NL B D SP ZD ZE F1 F2 PATH; do eval "printf \'%s=[%s]\\n\' $v \\"\\${$v-UNSET}\\""; done';

Deno.test("messages and exit codes match Debian's daemontools", async (t) => {
  ensureAccount();
  const { sb, bin, env: base } = chainSandbox();
  try {
    // envdir material: every rule, and daemontools' quirks
    sb.write("env/A", "val  \t \nsecond");
    sb.write("env/EMPTY", "");
    sb.write("env/NUL", "a\0b\nc");
    sb.write("env/NL", "\n");
    sb.write("env/B=C", "x");
    sb.write("env/D=E", "");
    sb.write("env/.HIDDEN", "hid");
    sb.write("env/SP", "  lead");
    sb.write("quirk/F1", "one\0x");
    sb.write("quirk/F2", "two");
    Deno.symlinkSync("/nonexistent", sb.path("quirk/ZD"));
    Deno.symlinkSync("/nonexistent", sb.path("quirk/ZE"));
    sb.write("subdir/inner/x", "");
    sb.write("plainfile", "");
    sb.write("newpath/bin/onlynew", "#!/bin/sh\necho from-new-path\n", true);
    sb.write("newpath/env/PATH", `${sb.path("newpath/bin")}\n`);
    Deno.mkdirSync(sb.path("locks"));
    Deno.chmodSync(sb.path("locks"), 0o777);
    const lk = sb.path("locks/lk");
    const home = base.HOME;

    const cases: string[][] = [
      ["setuidgid"],
      ["setuidgid", ACCOUNT],
      ["setuidgid", "nosuch", "true"],
      ["setuidgid", ACCOUNT, "/nonexistent"],
      ["setuidgid", ACCOUNT, "id"],
      ["setuidgid", ACCOUNT, "setuidgid", "root", "true"],
      ["setuidgid", ACCOUNT, "envdir", "/root", "true"],
      ["setuidgid", ACCOUNT, "setlock", "/root/lk", "true"],
      ["envuidgid"],
      ["envuidgid", "nosuch", "x"],
      ["envuidgid", ACCOUNT, "sh", "-c", "echo $UID $GID"],
      ["envdir"],
      ["envdir", "env"],
      ["envdir", "/nonexistent", "true"],
      ["envdir", "plainfile", "true"],
      ["envdir", "subdir", "true"],
      ["envdir", "env", "sh", "-c", SHOW],
      ["envdir", "quirk", "sh", "-c", SHOW],
      ["envdir", "newpath/env", "onlynew"],
      ["envdir", "newpath/env", "envdir", "env", "onlynew"],
      ["softlimit"],
      ["softlimit", "-m"],
      ["softlimit", "-z", "true"],
      ["softlimit", "-m", "1x", "-z", "true"],
      ["softlimit", "-m", "1000"],
      ["softlimit", "-o", "+5", "true"],
      ["softlimit", "-o", "=", "-m", "=", "/nonexistent"],
      ["softlimit", "-a", "0", "/nonexistent"],
      ["softlimit", "-o", "50", "sh", "-c", "ulimit -n"],
      ["softlimit", "--", "-m"],
      ["setlock"],
      ["setlock", lk],
      ["setlock", "-z", lk, "true"],
      ["setlock", "/nonexistent/lk", "true"],
      ["setlock", "-x", "/nonexistent/lk", "true"],
      ["setlock", "-xX", "/nonexistent/lk", "true"],
      ["setlock", lk, "/nonexistent"],
      ["setlock", "-nN", lk, "sh", "-c", "echo ran"],
      ["pgrphack"],
      ["pgrphack", "/nonexistent"],
      ["pgrphack", "sh", "-c", "echo ok"],
      ["fghack"],
      ["fghack", "/nonexistent"],
      ["fghack", "sh", "-c", "exit 7"],
      ["fghack", "sh", "-c", "kill -9 $$"],
      ["fghack", "sh", "-c", "(sleep 0.2; echo late) & echo early"],
      // a later step fails: its own message, nothing else
      ["envdir", "env", "setuidgid", "nosuch", "true"],
      ["envdir", "env", "setuidgid"],
      ["envdir", "env", "softlimit", "-m", "bad", "true"],
      ["setlock", lk, "envdir", "/nonexistent", "true"],
      ["envdir", "env", "setuidgid", ACCOUNT, "softlimit", "-m", "100000000", "/nonexistent"],
      ["pgrphack", "envuidgid", "nosuch", "true"],
      ["setlock", lk, "fghack", "/nonexistent"],
      ["softlimit", "-o", "100", "fghack", "sh", "-c", "ulimit -n"],
    ];
    for (const c of cases) {
      await t.step(c.join(" "), async () => {
        const want = await runClean(
          [`/usr/bin/${c[0]}`, ...c.slice(1)],
          { PATH: "/usr/bin:/bin", HOME: home },
          sb.dir,
        );
        const got = await runClean(
          [`${bin}/${c[0]}`, ...c.slice(1)],
          { PATH: `${bin}:/usr/bin:/bin`, HOME: home },
          sb.dir,
        );
        const norm = (s: string) => s.replaceAll(bin + ":", "");
        assertEquals(
          { code: got.code, stdout: norm(got.stdout), stderr: got.stderr },
          { code: want.code, stdout: want.stdout, stderr: want.stderr },
        );
      });
    }
  } finally {
    await sb.close();
  }
});
