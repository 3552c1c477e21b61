/**
 * A service whose name is not UTF-8: daemontools takes any byte but `/` and
 * NUL in a name, and so does dt, through the launcher as users start it.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, needDaemontools, waitFor, withSandbox } from "../helpers/mod.ts";

/** Runs a bash command line (the names go through $'…'); its raw stdout and exit code. */
async function bash(script: string, cwd: string): Promise<{ out: Uint8Array; code: number }> {
  const r = await new Deno.Command("bash", { args: ["-c", script], cwd, stderr: "null" }).output();
  return { out: r.stdout, code: r.code };
}

Deno.test("svscan: a service named with the bytes 0xff 0xfe is supervised, and svstat shows its name's bytes", async () => {
  needDaemontools();
  await withSandbox(async (sb) => {
    // made by bash: Deno's own file APIs cannot name it
    const made = await bash(
      `mkdir $'\\xff\\xfe' && printf '#!/bin/sh\\nexec sleep 1000\\n' > $'\\xff\\xfe/run' && ` +
        `chmod +x $'\\xff\\xfe/run'`,
      sb.dir,
    );
    assertEquals(made.code, 0);
    const sc = sb.start(LAUNCHER, ["svscan", sb.dir], { cwd: sb.dir });
    const ref = `/usr/bin/svstat ${sb.dir}/$'\\xff\\xfe'`;
    const theirs = await waitFor("the service up, as daemontools' svstat sees it", async () => {
      const r = await bash(ref, sb.dir);
      return /: up \(pid \d+\) /.test(new TextDecoder().decode(r.out)) ? r.out : null;
    });
    const ours = (await bash(`${LAUNCHER} svstat ${sb.dir}/$'\\xff\\xfe'`, sb.dir)).out;
    // byte for byte but for the seconds, which may have ticked between the two
    const strip = (b: Uint8Array) => [...b].map((c) => c >= 48 && c <= 57 ? 48 : c);
    assertEquals(strip(ours), strip(theirs));
    const name = [...sb.dir].map((c) => c.charCodeAt(0)).concat([47, 0xff, 0xfe, 58]);
    assertEquals(strip(ours.subarray(0, name.length)), strip(Uint8Array.from(name)));
    assert(!sc.stderr().includes("unable"), sc.stderr());
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});
