/**
 * Loggers inside the scanner: the same log directories as the multilog
 * process they replace, svc/svstat on S/log, no line lost across restarts,
 * an unwritable directory retried without holding up other services, and
 * near-misses run as a process.
 */
import { assert, assertEquals, assertNotEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  holds,
  linkPrograms,
  needDaemontools,
  run,
  type Sandbox,
  testAccount,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { children, svscan, up } from "../svscan/_svscan.ts";

const LINES = 4000;

/** A service that writes LINES numbered lines, then idles. */
function writer(sb: Sandbox, name: string, logRun: string): string {
  const dir = sb.service(name, `seq 1 ${LINES} | sed 's/^/line /'; exec sleep 1000`);
  sb.write(`${name}/log/run`, logRun, true);
  return dir;
}

/** Everything a log directory holds: names (stamps masked), modes, and the lines in order. */
function logDirView(dir: string): { files: string[]; lines: string[] } {
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  const files = names.map((n) => {
    const st = Deno.statSync(`${dir}/${n}`);
    return `${n.replace(/^@[0-9a-f]{24}/, "@STAMP")} ${(st.mode! & 0o7777).toString(8)} ${st.uid}`;
  });
  const lines = names.filter((n) => n.startsWith("@")).concat(["current"])
    .flatMap((n) => Deno.readTextFileSync(`${dir}/${n}`).split("\n").filter((l) => l !== ""));
  return { files, lines };
}

async function runTree(inProcess: boolean, logRun: string, owner?: string) {
  let view: { files: string[]; lines: string[] } | null = null;
  let logPid = 0, scanPid = 0;
  await withSandbox(async (sb) => {
    const bin = linkPrograms(sb, ["multilog", "setuidgid"]);
    const dir = writer(sb, "web", logRun);
    if (owner) {
      Deno.mkdirSync(`${dir}/log/main`);
      await run("chown", [owner, `${dir}/log/main`]);
    }
    const env = { PATH: `${bin}:/usr/bin:/bin`, DT_INPROCESS_LOG: inProcess ? "1" : "0" };
    const sc = svscan(sb, [sb.dir], env);
    scanPid = sc.pid;
    logPid = await up(`${dir}/log`);
    await waitFor("all lines logged", () => {
      try {
        return logDirView(`${dir}/log/main`).lines.at(-1) === `line ${LINES}`;
      } catch {
        return false;
      }
    }, 60000);
    view = logDirView(`${dir}/log/main`);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
  return { view: view!, logPid, scanPid };
}

Deno.test("in-process logger: same log directory as the multilog process, both ways", async () => {
  const script = "#!/bin/sh\nexec 2>&1\nexec multilog s4096 n3 ./main\n";
  const a = await runTree(true, script);
  const b = await runTree(false, script);
  assertEquals(a.logPid, a.scanPid, "in-process: svstat S/log shows the scanner's pid");
  assertNotEquals(b.logPid, b.scanPid, "as a process: its own pid");
  assertEquals(a.view, b.view);
  // n3 keeps current and two old files: the newest lines, consecutive, ending with the last
  const first = LINES - a.view.lines.length + 1;
  assertEquals(
    a.view.lines,
    Array.from({ length: a.view.lines.length }, (_, i) => `line ${first + i}`),
  );
  assert(a.view.lines.length > 400 && first > 1, `${a.view.lines.length} lines kept`);
  assert(a.view.files.some((f) => f.startsWith("@STAMP.s 744")), a.view.files.join(","));
});

Deno.test("in-process logger: setuidgid ACCOUNT gives the files to ACCOUNT, as the process does", async () => {
  const { uid } = testAccount("dtlog");
  const script = "#!/bin/sh\nexec setuidgid dtlog multilog s4096 n3 ./main\n";
  const a = await runTree(true, script, "dtlog");
  const b = await runTree(false, script, "dtlog");
  assertEquals(a.logPid, a.scanPid);
  assertEquals(a.view, b.view);
  assert(a.view.files.every((f) => f.endsWith(` ${uid}`)), a.view.files.join(","));
});

Deno.test("in-process logger: svc -t, -d, -u on S/log lose no line; near-miss runs as a process", async () => {
  await withSandbox(async (sb) => {
    const bin = linkPrograms(sb, ["multilog", "svc", "svstat"]);
    const dir = sb.service("web", `n=0; while :; do n=$((n+1)); echo "l $n"; sleep 0.01; done`);
    sb.write("web/log/run", "#!/bin/sh\nexec multilog ./main\n", true);
    // a near miss: anything before the exec means the script runs for real
    const other = sb.service("other", "exec sleep 1000");
    sb.write("other/log/run", "#!/bin/sh\necho starting >&2\nexec multilog ./main\n", true);
    const sc = svscan(sb, [sb.dir], { PATH: `${bin}:/usr/bin:/bin` });
    assertEquals(await up(`${dir}/log`), sc.pid);
    const otherLog = await up(`${other}/log`);
    assertNotEquals(otherLog, sc.pid);
    assert(children(sc.pid).some((c) => c.pid === otherLog));
    const current = `${dir}/log/main/current`;
    const count = () => {
      try {
        return Deno.readTextFileSync(current).split("\n").length;
      } catch {
        return 0;
      }
    };
    await waitFor("some lines", () => count() > 20);
    for (const opt of ["-t", "-a", "-t"]) {
      const before = count();
      await run("sh", ["-c", `svc ${opt} ${dir}/log`], { env: { PATH: `${bin}:/usr/bin:/bin` } });
      await waitFor(`logging after ${opt}`, () => count() > before + 20);
    }
    await run(`${bin}/svc`, ["-d", `${dir}/log`]);
    await waitFor("log down", () => readStatus(`${dir}/log`)?.pid === 0);
    const held = count();
    // lines wait in the pipe meanwhile
    await holds("nothing logged while the log is down", () => count() === held, 300);
    assertEquals(count(), held);
    await run(`${bin}/svc`, ["-u", `${dir}/log`]);
    await waitFor("log up again", () => count() > held + 20);
    const st = await run(`${bin}/svstat`, [`${dir}/log`]);
    assertStringIncludes(st.stdout, `up (pid ${sc.pid})`);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
    // every line, once, in order, across the restarts
    const ns = [...Deno.readDirSync(`${dir}/log/main`)].map((e) => e.name).filter((n) =>
      n.startsWith("@")
    )
      .sort().concat(["current"]).flatMap((n) =>
        Deno.readTextFileSync(`${dir}/log/main/${n}`).split("\n").filter((l) => l !== "")
      ).map((l) => Number(l.slice(2)));
    assert(ns.length > 100);
    ns.forEach((n, i) => assertEquals(n, i + 1, `line ${i + 1}`));
  });
});

Deno.test("in-process logger: an unwritable log directory is retried; other services go on", async () => {
  await withSandbox(async (sb) => {
    const bin = linkPrograms(sb, ["multilog"]);
    const dir = writer(sb, "web", "#!/bin/sh\nexec multilog ./main\n");
    Deno.writeTextFileSync(`${dir}/log/main`, "a file where the log directory should be");
    const fine = sb.service("fine", "exec sleep 1000");
    const sc = svscan(sb, [sb.dir], { PATH: `${bin}:/usr/bin:/bin` });
    await waitFor("fatal message", () => sc.stderr().includes("multilog: fatal: unable to"));
    await up(fine);
    const before = sc.stderr().split("multilog: fatal").length;
    await waitFor("retried", () => sc.stderr().split("multilog: fatal").length > before);
    Deno.removeSync(`${dir}/log/main`);
    await waitFor("every line logged", () => {
      try {
        return Deno.readTextFileSync(`${dir}/log/main/current`).endsWith(`line ${LINES}\n`);
      } catch {
        return false;
      }
    }, 30000);
    const lines = Deno.readTextFileSync(`${dir}/log/main/current`).split("\n").filter((l) => l);
    assertEquals(lines.length, LINES);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});

Deno.test("in-process logger: at the scanner's orderly end a last line without its newline is logged, ended by one, as multilog's", async () => {
  needDaemontools();
  const outcome = async (inProcess: boolean) => {
    let got = "";
    await withSandbox(async (sb) => {
      const dir = sb.service("p", 'printf "first\\nlast without newline"\nexec sleep 1000');
      sb.write("p/log/run", "#!/bin/sh\nexec multilog ./main\n", true);
      // daemontools' multilog as the process (PATH without dt), or dt's in the scanner
      const sc = svscan(sb, [sb.dir], {
        PATH: "/usr/bin:/bin",
        DT_INPROCESS_LOG: inProcess ? "1" : "0",
      });
      await up(`${dir}/log`);
      await waitFor("the first line", () => {
        try {
          return Deno.readTextFileSync(`${dir}/log/main/current`).includes("first\n");
        } catch {
          return false;
        }
      });
      sc.kill("SIGTERM");
      assertEquals((await sc.status).code, 0);
      got = Deno.readTextFileSync(`${dir}/log/main/current`);
    });
    return got;
  };
  const ours = await outcome(true), theirs = await outcome(false);
  assertEquals(
    theirs,
    "first\nlast without newline\n",
    "daemontools' multilog, at its end of input",
  );
  assertEquals(ours, theirs);
});
