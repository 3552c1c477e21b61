/**
 * One service's `supervise/` on a stalled disk: strace holds every rename
 * there for seconds; the scanner (started through the launcher) keeps
 * answering every other service meanwhile.
 */
import { assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, need, needDaemontools, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { children, up } from "./_svscan.ts";

/** How long strace holds each rename in the stalled directory (µs). */
const STALL_US = 6_000_000;

Deno.test("svscan: a rename stalled in one service's supervise/ holds up no other service", async () => {
  need("strace");
  needDaemontools();
  await withSandbox(async (sb) => {
    const a = sb.service("a", "exec sleep 1000");
    const b = sb.service("b", "exec sleep 1000");
    Deno.mkdirSync(`${a}/supervise`, { mode: 0o700 });
    const renames = "rename,renameat,renameat2";
    const sc = sb.start("strace", [
      "-f",
      "-qq", // (no --seccomp-bpf: strace 6.1 loses track of delays on two threads at once with it)
      "-o",
      "/dev/null",
      "-e",
      `trace=${renames}`,
      "-e",
      `inject=${renames}:delay_enter=${STALL_US}`,
      // the directory (renameat through its descriptor) and the files (rename by path)
      "-P",
      `${a}/supervise`,
      "-P",
      `${a}/supervise/status.new`,
      "-P",
      `${a}/supervise/status.json.new`,
      "--",
      LAUNCHER,
      "svscan",
      sb.dir,
    ], { cwd: sb.dir });
    const pidB = await up(b);
    await up(a, 30000); // its status lands once the stalled rename is let go
    // a restart of `a` writes its status: each rename there is held again
    await new Deno.Command("/usr/bin/svc", { args: ["-t", a] }).output();
    await new Promise((r) => setTimeout(r, 200)); // (the stall has begun)
    await new Deno.Command("/usr/bin/svc", { args: ["-t", b] }).output();
    // a scanner waiting on the disk would not see the command for seconds
    const newB = await waitFor("b restarted", () => {
      const p = readStatus(b)?.pid ?? 0;
      return p && p !== pidB ? p : 0;
    }, 3000);
    assertEquals(typeof newB, "number");
    // the scanner itself (strace's child) ends in order; strace follows it out
    const scanner = children(sc.pid).find((c) => c.cmd.startsWith("svscan"));
    if (scanner) Deno.kill(scanner.pid, "SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});
