/**
 * What a supervised service gets under dt's svscan (through the launcher)
 * and under daemontools' svscan, side by side: the environment (a value that
 * is not UTF-8, no DT_ variable) and the soft open-files and address-space
 * limits as they were when the scanner was started.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  LAUNCHER,
  needDaemontools,
  processesUnder,
  REF,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";

const RUN = `#!/bin/sh
cat /proc/$$/environ > environ.new && mv environ.new environ
grep -E '^Max (open files|address space|data size|stack size)' /proc/$$/limits > limits
exec sleep 1000
`;

function entries(raw: Uint8Array): string[] {
  // latin1 keeps every byte visible; sorted: the launcher's sh reorders the variables
  return new TextDecoder("latin1").decode(raw).split("\0").filter((e) => e !== "").sort();
}

Deno.test({
  name: "environment: a service's environment and limits are the same under both svscans",
  fn: async () => {
    needDaemontools();
    const seen: Record<string, { env: string[]; limits: string }> = {};
    for (const [label, svscan] of [["daemontools", `${REF}/svscan`], ["dt", LAUNCHER]]) {
      await withSandbox(async (sb) => {
        sb.write("s/probe/run", RUN, true);
        const argv = svscan === LAUNCHER ? [LAUNCHER, "svscan", "."] : [svscan, "."];
        const sv = sb.start("bash", [
          "-c",
          `ulimit -S -n 1024 -S -v 3000000 || exit 99; ODD=$'a\\xffb' exec "$@"`,
          "bash",
          ...argv,
        ], { cwd: sb.path("s"), env: { PATH: "/usr/bin:/bin", LANG: "C", SHLVL: "1" } });
        const file = sb.path("s/probe/environ");
        await waitFor("the service's environment", () => {
          try {
            return Deno.statSync(file).size > 0 && Deno.statSync(sb.path("s/probe/limits")).size;
          } catch {
            return false;
          }
        });
        seen[label] = {
          env: entries(Deno.readFileSync(file)).filter((e) => !e.startsWith("_="))
            .map((e) => e.replaceAll(sb.dir, "SANDBOX")),
          limits: Deno.readTextFileSync(sb.path("s/probe/limits")),
        };
        sv.kill("SIGKILL");
        await sv.status;
        // daemontools' supervise processes outlive a killed svscan: end them by pid
        for (const pid of processesUnder(sb.dir)) {
          try {
            Deno.kill(pid, "SIGKILL");
          } catch { /* gone */ }
        }
      });
    }
    assertStringIncludes(seen.daemontools.env.join("\n"), "ODD=a\xffb");
    assertStringIncludes(seen.daemontools.limits, "1024");
    assertStringIncludes(seen.daemontools.limits, "3072000000");
    assertEquals(seen.dt, seen.daemontools);
  },
});

Deno.test("environment: the scanner makes no Deno update check, and its services never hear of it", async () => {
  await withSandbox(async (sb) => {
    sb.write("s/probe/run", RUN, true);
    const sv = sb.start(LAUNCHER, ["svscan", "."], {
      cwd: sb.path("s"),
      env: { PATH: "/usr/bin:/bin" },
    });
    const file = sb.path("s/probe/environ");
    await waitFor("the service's environment", () => {
      try {
        return Deno.statSync(file).size > 0;
      } catch {
        return false;
      }
    });
    // a supervisor looks up no host and reads no certificates at each start
    const own = entries(Deno.readFileSync(`/proc/${sv.pid}/environ`));
    assertEquals(own.includes("DENO_NO_UPDATE_CHECK=1"), true, own.join(" "));
    const service = entries(Deno.readFileSync(file));
    assertEquals(service.filter((e) => e.startsWith("DENO_")), []);
    sv.kill("SIGTERM");
    assertEquals((await sv.status).code, 0);
  });
});
