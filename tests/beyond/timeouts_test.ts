/**
 * `timeout-kill` and `timeout-finish` over the runtime's timer limit (2^31−1
 * ms) are honoured, not fired at once with the runtime's warning on stderr;
 * 0 is s6's "never". Through the launcher, as users run it; every process
 * that the test starts is stopped by pid.
 */
import { assertEquals } from "../helpers/assert.ts";
import { holds, LAUNCHER, run, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { lines, procState, readStatus } from "../supervise/_service.ts";

/** A run script that ignores TERM (so does its `sleep`, which inherits the ignored signal). */
const IGNORES_TERM = `trap '' TERM\necho $$ > pid\nwhile :; do sleep 0.1; done`;
/** A finish script that records its pid and runs until killed. */
const LONG_FINISH = `#!/bin/sh\necho $$ > finish.pid\nexec sleep 100\n`;

const living = (pid: number) => {
  const s = procState(pid);
  return s !== null && s !== "Z";
};

function kill(pid: number): void {
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* gone */ }
}

/** The services, in `service/` of the sandbox. */
function services(sb: Sandbox): Record<string, string> {
  const at = (n: string) => `service/${n}`;
  sb.service(at("kill35"), IGNORES_TERM);
  sb.write(`${at("kill35")}/timeout-kill`, "3000000000\n"); // 35 days
  sb.service(at("kill0"), IGNORES_TERM);
  sb.write(`${at("kill0")}/timeout-kill`, "0\n"); // s6: never
  sb.service(at("fin35"), "exec sleep 100");
  sb.write(`${at("fin35")}/finish`, LONG_FINISH, true);
  sb.write(`${at("fin35")}/timeout-finish`, "3000000000\n");
  sb.service(at("fin0"), "exec sleep 100");
  sb.write(`${at("fin0")}/finish`, LONG_FINISH, true);
  sb.write(`${at("fin0")}/timeout-finish`, "0\n"); // s6: finish may run forever
  // kill-tree with timeout-kill 0: what the run leaves gets TERM, never KILL
  sb.service(
    at("tree0"),
    `(trap '' TERM; while :; do sleep 0.1; done) &\necho $! > worker\nexec sleep 100`,
  );
  sb.write(`${at("tree0")}/kill-tree`, "");
  sb.write(`${at("tree0")}/timeout-kill`, "0\n");
  return Object.fromEntries(
    ["kill35", "kill0", "fin35", "fin0", "tree0"].map((n) => [n, sb.path(at(n))]),
  );
}

Deno.test("timeout-kill/-finish of 35 days and of 0: no KILL within 5 s, no runtime warning", async () => {
  await withSandbox(async (sb) => {
    const dirs = services(sb);
    const scanner = sb.start(LAUNCHER, ["svscan", sb.path("service")], { cwd: sb.dir });
    const pids: number[] = [];
    try {
      for (const d of Object.values(dirs)) await waitFor(`${d} up`, () => readStatus(d)?.pid);
      const ignoring = await Promise.all(
        ["kill35", "kill0"].map((n) => waitFor(n, () => Number(lines(sb, `service/${n}/pid`)[0]))),
      );
      const worker = await waitFor(
        "tree0's worker",
        () => Number(lines(sb, "service/tree0/worker")[0]),
      );
      pids.push(...ignoring, worker);
      const down = await run(LAUNCHER, ["svc", "-d", ...Object.values(dirs)]);
      assertEquals(down.code, 0, down.stderr);
      const finishes = await Promise.all(
        ["fin35", "fin0"].map((n) =>
          waitFor(`${n}'s finish`, () => Number(lines(sb, `service/${n}/finish.pid`)[0]))
        ),
      );
      pids.push(...finishes);
      const watched: Record<string, number> = {
        "kill35 (ignores TERM)": ignoring[0],
        "kill0 (ignores TERM)": ignoring[1],
        "fin35's finish": finishes[0],
        "fin0's finish": finishes[1],
        "tree0's worker (ignores TERM)": worker,
      };
      await holds("each one is still alive: none was sent KILL", () => {
        const dead = Object.entries(watched).filter(([, pid]) => !living(pid)).map(([n]) => n);
        if (dead.length) throw new Error(`killed at once: ${dead.join(", ")}`);
        return true;
      }, 5000);
      assertEquals(scanner.stderr(), "", "the scanner says nothing (no TimeoutOverflowWarning)");
    } finally {
      for (const p of pids) kill(p);
    }
    scanner.kill("SIGTERM");
    assertEquals((await scanner.status).code, 0);
    assertEquals(/Warning|\(node:/.test(scanner.stderr()), false, scanner.stderr());
  });
});

Deno.test("timeout-kill and timeout-finish out of range or junk: one warning naming the file and the value", async () => {
  await withSandbox(async (sb) => {
    sb.service("service/s", `trap 'exit 0' TERM\necho $$ > pid\nwhile :; do sleep 0.1; done`);
    sb.write("service/s/timeout-kill", "99999999999\n"); // eleven digits
    Deno.writeFileSync(sb.path("service/s/timeout-finish"), new Uint8Array([0x35, 0xff, 0xfe]));
    const dir = sb.path("service/s");
    // the scanner names a service as daemontools' svscan does: relative to the scan directory
    const scanner = sb.start(LAUNCHER, ["svscan", sb.path("service")], { cwd: sb.dir });
    await waitFor("up", () => readStatus(dir)?.pid);
    const said = await waitFor("two warnings", () => {
      const l = scanner.stderr().split("\n").filter((x) => x !== "");
      return l.length >= 2 ? l : null;
    });
    const want = "(want milliseconds, 0 to 9999999999; 0: never)";
    assertEquals(said.sort(), [
      `supervise: warning: s/timeout-finish: bad value: "5\uFFFD\uFFFD" ${want}`,
      `supervise: warning: s/timeout-kill: bad value: "99999999999\\n" ${want}`,
    ]);
    scanner.kill("SIGTERM");
    assertEquals((await scanner.status).code, 0);
  });
});
