/**
 * svscanboot and readproctitle: svscan's errors end up in readproctitle's
 * process title, as `ps` shows it.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { CLI, dt, waitFor, withSandbox } from "../helpers/mod.ts";
import { shiftIn } from "../../lib/cmd/readproctitle.ts";
import { TITLE_ARGS } from "../../lib/cmd/svscanboot.ts";
import { readStatus } from "../supervise/_service.ts";
import { children, fileLines, signal, up } from "./_svscan.ts";

const enc = new TextEncoder();

function cmdline(pid: number): string {
  return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
}

Deno.test("readproctitle: shifts input into the last argument, keeping its '...'", () => {
  assertEquals(shiftIn("..........", enc.encode("ab")), "........ab");
  assertEquals(shiftIn("..........", enc.encode("0123456789xyz")), "...6789xyz");
  assertEquals(shiftIn(".....", enc.encode("a\0b\nc")), "...?c");
});

Deno.test("readproctitle: the title shows the latest input, of constant length", async () => {
  const dots = ".".repeat(30);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--no-config", CLI, "readproctitle", "service", "errors:", dots],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(enc.encode("svscan: warning: oops\n"));
  const want = `readproctitle service errors: ${"...".padEnd(8, ".")}svscan: warning: oops?`;
  await waitFor("title", () => cmdline(child.pid) === want);
  assertEquals(cmdline(child.pid).length, `readproctitle service errors: ${dots}`.length);
  await w.close();
  assertEquals((await child.status).code, 0);
  assertEquals((await dt(["readproctitle"])).code, 100);
  assertEquals((await dt(["readproctitle", "abcd"])).code, 100);
});

Deno.test("svscanboot: services run with daemontools' PATH only, errors show in readproctitle", async () => {
  await withSandbox(async (sb) => {
    const good = sb.service("service/good", "env > ../../env.out\nexec sleep 1000");
    Deno.mkdirSync(sb.path("service/norun"));
    // a supervisor left from before: svscanboot tells it to let go (svc -dx), then takes over
    const old = sb.startDt(["supervise", good], { cwd: sb.dir });
    const oldPid = await up(good);
    const p = sb.startDt(["svscanboot", sb.path("service")], { cwd: sb.dir });
    assertEquals((await old.status).code, 0);
    await waitFor("taken over", () => {
      signal(p.pid, "SIGALRM");
      const pid = readStatus(good)?.pid ?? 0;
      return pid !== 0 && pid !== oldPid;
    });
    const rpt = await waitFor("readproctitle", () => {
      return children(p.pid).find((k) => k.cmd.startsWith("readproctitle "));
    });
    assertEquals(rpt.cmd.length, ["readproctitle", ...TITLE_ARGS].join(" ").length);
    await waitFor("error in the title", () => {
      return cmdline(rpt.pid).endsWith(
        "supervise: fatal: unable to start norun/run: file does not exist?",
      );
    });
    assertEquals(fileLines(sb.path("env.out")).filter((l) => !l.startsWith("PWD=")), [
      "PATH=/command:/usr/local/bin:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin:/usr/X11R6/bin",
    ]);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    await waitFor("readproctitle gone", () => !children(p.pid).length);
    assert(p.stderr() === "", "everything went to readproctitle");
  });
});
