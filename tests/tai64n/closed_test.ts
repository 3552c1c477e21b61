/**
 * tai64n and tai64nlocal with standard input or output closed: daemontools
 * exits 111 (a read or write fails); with output closed and nothing to
 * write, 0. Deno opens /dev/null on closed fds as it starts, so dt learns
 * from its launcher which ones were closed.
 */
import { assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, REF, run } from "../helpers/mod.ts";

const CASES: [string, string][] = [
  ["stdout closed", 'echo x | exec "$@" >&-'],
  ["stdin closed", 'exec "$@" <&-'],
  ["stdout closed, no input", 'exec "$@" </dev/null >&-'],
];

for (const prog of ["tai64n", "tai64nlocal"]) {
  Deno.test(`${prog}: closed standard input or output, as daemontools`, async () => {
    for (const [label, script] of CASES) {
      const want = await run("bash", ["-c", script, "bash", `${REF}/${prog}`]);
      const got = await run("bash", ["-c", script, "bash", LAUNCHER, prog]);
      assertEquals(
        { code: got.code, err: got.stderr },
        { code: want.code, err: want.stderr },
        label,
      );
    }
  });
}
