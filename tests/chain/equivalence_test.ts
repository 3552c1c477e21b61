/**
 * In-process chaining gives what exec'ing each step gives: for every ordered
 * pair of chain programs, all six at once, and chains ending in fghack, the
 * probe sees the same ids, groups, limits, environment, process group,
 * session, lock and pid whether the chain runs through Debian's daemontools,
 * through dt's names on PATH, or as `dt NAME …`.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { ACCOUNT, chainSandbox, ensureAccount, PROBE, runClean, samePid } from "./_probe.ts";

type Flavour = "names" | "dt" | "debian";

/** One chain step's arguments, as a function of how programs are named. */
type StepArgs = (name: (p: string) => string[], lock: string) => string[];

const STEPS: Record<string, StepArgs> = {
  envdir: (n) => [...n("envdir"), "./env"],
  envuidgid: (n) => [...n("envuidgid"), ACCOUNT],
  setuidgid: (n) => [...n("setuidgid"), ACCOUNT],
  softlimit: (
    n,
  ) => [...n("softlimit"), "-m", "300000000", "-o", "123", "-p", "=", "-c", "0", "-t", "999"],
  setlock: (n, lock) => [...n("setlock"), "-n", lock],
  pgrphack: (n) => [...n("pgrphack")],
};

Deno.test("chain equivalence: dt in-process = daemontools exec by exec", async (t) => {
  ensureAccount();
  const { sb, bin, env: base } = chainSandbox();
  try {
    const probe = sb.write("probe.sh", PROBE, true);
    sb.write("env/FOO", "bar  \nignored\n");
    sb.write("env/REMOVE", "");
    sb.write("env/PATH", `${bin}:/usr/sbin:/usr/bin:/bin\n`);
    const home = base.HOME;
    let n = 0;
    const check = async (steps: string[], tail: string[] = []) => {
      const lock = sb.path(`lock${n++}`);
      Deno.writeFileSync(lock, new Uint8Array());
      Deno.chmodSync(lock, 0o666);
      const env: Record<string, string> = {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: home,
        REMOVE: "x",
        KEEP: "1",
        LOCK: steps.includes("setlock") ? lock : "",
      };
      const argv = (f: Flavour): string[] => {
        const name = (p: string, first: boolean): string[] =>
          f === "debian" ? [`/usr/bin/${p}`] : f === "names" ? [first ? `${bin}/${p}` : p] : [
            first ? `${bin}/dt` : "dt",
            p,
          ];
        const out: string[] = [];
        steps.forEach((s, i) => out.push(...STEPS[s]((p) => name(p, i === 0), lock)));
        for (const p of tail) out.push(...name(p, out.length === 0));
        return [...out, probe];
      };
      const want = await runClean(argv("debian"), env, sb.dir);
      assertEquals(want.code, 0, `daemontools: ${steps.join(" ")}: ${want.stderr}`);
      assertStringIncludes(samePid(want), tail.length ? "pid other" : "pid = started");
      for (const f of ["names", "dt"] as const) {
        const got = await runClean(argv(f), env, sb.dir);
        assertEquals(
          { code: got.code, stderr: got.stderr, out: samePid(got) },
          { code: 0, stderr: "", out: samePid(want) },
          `${f}: ${argv(f).join(" ")}`,
        );
      }
      return want;
    };

    const names = Object.keys(STEPS);
    await t.step("every ordered pair", async () => {
      for (const a of names) {
        for (const b of names) if (a !== b) await check([a, b]);
      }
    });
    await t.step("all six in one chain, both orders", async () => {
      const out = await check(names);
      assertStringIncludes(samePid(out), "pid = started");
      assertStringIncludes(out.stdout, "lock held");
      assertStringIncludes(out.stdout, "FOO=bar\n");
      assert(!out.stdout.includes("REMOVE="), "envdir removed REMOVE");
      assertStringIncludes(out.stdout, "Max open files 123 ");
      await check([...names].reverse());
    });
    await t.step("chains that end in fghack", async () => {
      for (const a of names) await check([a], ["fghack"]);
      await check(names, ["fghack"]);
    });
  } finally {
    await sb.close();
  }
});
