/**
 * Handing a log pipe from the in-process logger to a process logger: the
 * scanner never blocks on the pipe (it answers svc on another service
 * meanwhile), and the log keeps every line, in order — what the in-process logger
 * had read ahead reaches the process logger before what is still in the pipe.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { linkPrograms, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { svscan, up } from "./_svscan.ts";

const LINES = 1000000;
// one file for the whole test: no rotation, so every line stays
const SCRIPT = "multilog s16777215 ./main";

/** Numbers of every `l N` line in the log directory, oldest first. */
function logged(dir: string): number[] {
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("@"))
    .sort().concat(["current"]);
  return names.flatMap((n) => {
    try {
      return Deno.readTextFileSync(`${dir}/${n}`).split("\n").filter((l) => l !== "");
    } catch {
      return [];
    }
  }).map((l) => Number(l.slice(2)));
}

function lastLine(file: string): string {
  try {
    const t = Deno.readTextFileSync(file);
    return t.slice(t.lastIndexOf("\n", t.length - 2) + 1).trim();
  } catch {
    return "";
  }
}

Deno.test("svscan: log handoff from the in-process logger to a process never blocks or reorders", async () => {
  await withSandbox(async (sb) => {
    const bin = linkPrograms(sb, ["multilog"]);
    // chatty: seq writes far faster than any logger, so the pipe is full and read ahead
    const web = sb.service("service/web", `seq 1 ${LINES} | sed 's/^/l /'; exec sleep 1000`);
    sb.write("service/web/log/run", `#!/bin/sh\nexec ${SCRIPT}\n`, true);
    const other = sb.service("service/other", "exec sleep 1000");
    const sc = svscan(sb, [sb.path("service")], { PATH: `${bin}:/usr/bin:/bin` });
    assertEquals(await up(`${web}/log`), sc.pid, "the logger runs in-process");
    const otherPid = await up(other);
    await waitFor("some lines logged", () => logged(`${web}/log/main`).length > 100);
    await run("/usr/bin/svc", ["-d", `${web}/log`]);
    await waitFor("log down", () => readStatus(`${web}/log`)?.pid === 0);
    // not a canonical form any more: the next start is a process
    sb.write(
      "service/web/log/run",
      `#!/bin/sh\necho handing over\nexec /usr/bin/${SCRIPT}\n`,
      true,
    );
    await run("/usr/bin/svc", ["-u", `${web}/log`]);
    // (the old code froze for good here, in a blocking write to the full pipe)
    const logPid = await up(`${web}/log`, 10000);
    assert(logPid !== sc.pid, "the logger is a process now");
    // the scanner answers for another service while the process logger catches up (how fast
    // is the benchmarks' business; the old code never answered)
    await run("/usr/bin/svc", ["-t", other]);
    await waitFor("other restarted", () => {
      const p = readStatus(other)?.pid ?? 0;
      return p !== 0 && p !== otherPid;
    });
    await waitFor(
      "every line logged",
      () => lastLine(`${web}/log/main/current`) === `l ${LINES}`,
      60000,
    );
    const ns = logged(`${web}/log/main`);
    assertEquals(ns.length, LINES, "every line once");
    ns.forEach((n, i) => {
      if (n !== i + 1) throw new Error(`line ${i + 1} is l ${n}`);
    });
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});
