/**
 * Address-space, data and stack limits Deno cannot start under, through the
 * launcher (bin/dt), the bundle (dist/dt) and linked names: a low soft limit
 * is raised for Deno and given back exactly to what dt starts (as
 * daemontools' programs would pass it on), unless a softlimit in the chain
 * sets it; a hard limit too low is one line and exit 111, never a V8 dump.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { LAUNCHER, REF, ROOT, run, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";

/** Runs argv under `ulimit ULIMITS` (bash syntax, e.g. `-S -v 3000000`). */
function under(ulimits: string, argv: string[], cwd?: string) {
  return run("bash", ["-c", `ulimit ${ulimits} || exit 99; exec "$@"`, "bash", ...argv], {
    cwd,
  });
}

/** The address-space, data, stack and open-files lines of /proc/self/limits, as a child sees them. */
const LIMITS = `grep -E '^Max (address space|data size|stack size|open files)' /proc/self/limits`;

let bundle: string | undefined;
async function bundled(): Promise<string> {
  if (bundle === undefined) {
    const b = await run(Deno.execPath(), ["run", "-A", `${ROOT}/scripts/bundle.ts`]);
    assertEquals(b.code, 0, b.stderr);
    bundle = `${ROOT}/dist/dt`;
  }
  return bundle;
}

/** dt's launcher, the bundle's, and a linked name, each as [label, argv prefix for PROG]. */
async function forms(sb: Sandbox, prog: string): Promise<[string, string[]][]> {
  const bin = sb.path("bin");
  Deno.mkdirSync(bin, { recursive: true });
  try {
    Deno.symlinkSync(LAUNCHER, `${bin}/${prog}`);
  } catch { /* made by an earlier call */ }
  return [
    ["bin/dt", [LAUNCHER, prog]],
    ["dist/dt", [await bundled(), prog]],
    ["linked name", [`${bin}/${prog}`]],
  ];
}

Deno.test("limits: a hard address-space limit too low for Deno is one line and 111", async () => {
  await withSandbox(async (sb) => {
    for (const [label, argv] of await forms(sb, "svstat")) {
      const r = await under("-v 1000000", [...argv, sb.dir]);
      assertEquals(
        { code: r.code, err: r.stderr, out: r.stdout },
        {
          code: 111,
          err: "svstat: fatal: unable to start under an address-space limit of 1024000000 bytes " +
            "(dt needs at least 68719476736)\n",
          out: "",
        },
        label,
      );
    }
    const own = await under("-d 100000", [LAUNCHER, "init", "true"]);
    assertEquals(own.code, 111);
    assertEquals(
      own.stderr,
      "dt init: fatal: unable to start under a data-segment limit of 102400000 bytes " +
        "(dt needs at least 2147483648)\n",
    );
  });
});

Deno.test("limits: a low soft limit is raised for Deno and given back exactly to the exec'd program", async () => {
  await withSandbox(async (sb) => {
    const empty = sb.path("env");
    Deno.mkdirSync(empty);
    const ulimits = "-S -v 3000000 -S -d 200000 -S -s 1000 -S -n 512";
    const want = await under(ulimits, [`${REF}/envdir`, empty, "sh", "-c", LIMITS]);
    assertEquals(want.code, 0, want.stderr);
    assertStringIncludes(want.stdout, "3072000000");
    for (const [label, argv] of await forms(sb, "envdir")) {
      const got = await under(ulimits, [...argv, empty, "sh", "-c", LIMITS]);
      assertEquals({ out: got.stdout, err: got.stderr, code: got.code }, {
        out: want.stdout,
        err: "",
        code: 0,
      }, label);
    }
    // a softlimit in the chain sets it, as daemontools' would
    const sl = ["-a", "5000000", "sh", "-c", LIMITS];
    const want2 = await under(ulimits, [`${REF}/envdir`, empty, `${REF}/softlimit`, ...sl]);
    for (const [label, argv] of await forms(sb, "envdir")) {
      const got = await under(ulimits, [...argv, empty, LAUNCHER, "softlimit", ...sl]);
      assertEquals(got.stdout, want2.stdout, label);
    }
  });
});

Deno.test("limits: softlimit -m before dt's own multilog: not applied to dt, one warning, it runs", async () => {
  await withSandbox(async (sb) => {
    const r = await run(LAUNCHER, ["softlimit", "-m", "3000000", LAUNCHER, "multilog", "./main"], {
      cwd: sb.dir,
      stdin: "one\ntwo\n",
    });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(
      r.stderr,
      `softlimit: warning: not applied to dt (${LAUNCHER}): address-space limit of 3000000 bytes ` +
        "(dt needs at least 68719476736), data-segment limit of 3000000 bytes (dt needs at least " +
        "2147483648)\n",
    );
    assertEquals(Deno.readTextFileSync(sb.path("main/current")), "one\ntwo\n");
  });
});

Deno.test("limits: a log/run of `exec softlimit -m 3000000 multilog t ./main` with dt's names logs", async () => {
  await withSandbox(async (sb) => {
    const bin = sb.path("bin");
    Deno.mkdirSync(bin);
    for (const n of ["svscan", "softlimit", "multilog"]) Deno.symlinkSync(LAUNCHER, `${bin}/${n}`);
    sb.service("s/web", "echo hello; exec sleep 1000");
    sb.write("s/web/log/run", "#!/bin/sh\nexec softlimit -m 3000000 multilog t ./main\n", true);
    const sv = sb.start(`${bin}/svscan`, [sb.path("s")], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    await waitFor("the line logged", () => {
      try {
        return Deno.readTextFileSync(sb.path("s/web/log/main/current")).includes(" hello\n");
      } catch {
        return false;
      }
    });
    sv.kill("SIGTERM");
    assertEquals((await sv.status).code, 0);
    assertEquals(sv.stderr().includes("out of memory"), false, sv.stderr());
  });
});
