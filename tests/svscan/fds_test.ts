/**
 * Descriptors in the one scanner process: none leaks on a path that fails,
 * each service costs what the README says, and when the open-files limit is
 * what stops services, the scanner says so once per scan, keeps the running
 * ones healthy, and starts the others once descriptors free up.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  LAUNCHER,
  linkPrograms,
  ROOT,
  run,
  type Sandbox,
  testAccount,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { FDS_PER_LOGGED_SERVICE, FDS_PER_SERVICE } from "../../lib/svscan/fd_budget.ts";
import { signal, svscan, up } from "./_svscan.ts";
import { basename, dirname } from "node:path";

/**
 * The process's descriptors, less Deno's own cache databases (it opens and
 * closes those by itself in its first seconds, whatever dt does).
 */
function fdCount(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].filter((e) => {
    try {
      return !/_cache_v\d/.test(Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`));
    } catch {
      return false; // gone meanwhile
    }
  }).length;
}

/** The fewest descriptors seen over a few samples: a scan in progress holds a transient one. */
async function settledFdCount(pid: number): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 8; i++) {
    least = Math.min(least, fdCount(pid));
    await new Promise((r) => setTimeout(r, 15));
  }
  return least;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Holds `path`'s flock in this (the test's) process; returns the file to close. */
function holdLock(path: string): Deno.FsFile {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const f = Deno.openSync(path, { write: true, create: true });
  f.lockSync(true);
  return f;
}

Deno.test("svscan: 30 rescans with a foreign lock (and other failing paths) leak no descriptor", async () => {
  await withSandbox(async (sb) => {
    const bin = linkPrograms(sb, ["multilog"]);
    const svc = sb.path("service");
    sb.service("service/fine", "exec sleep 1000");
    sb.service("service/held", "exec sleep 1000");
    // the log's lock is held: its main runs, the log's supervisor fails every scan
    sb.service("service/logheld", "exec sleep 1000");
    sb.write("service/logheld/log/run", "#!/bin/sh\nexec multilog ./main\n", true);
    // fails after the lock and the control FIFO were opened
    sb.service("service/okgone", "exec sleep 1000");
    Deno.mkdirSync(`${svc}/okgone/supervise`, { recursive: true });
    Deno.symlinkSync("/nonexistent/ok", `${svc}/okgone/supervise/ok`);
    // fails after the lock was taken
    sb.service("service/ctldir", "exec sleep 1000");
    Deno.mkdirSync(`${svc}/ctldir/supervise/control`, { recursive: true });
    const locks = [
      holdLock(`${svc}/held/supervise/lock`),
      holdLock(`${svc}/logheld/log/supervise/lock`),
    ];
    try {
      const p = svscan(sb, [svc], { PATH: `${bin}:/usr/bin:/bin` });
      await up(`${svc}/fine`);
      await up(`${svc}/logheld`);
      // svscan names services relative to the directory it runs in
      const held = "unable to acquire held/supervise/lock";
      const failures = () => count(p.stderr(), held);
      await waitFor("first failure", () => failures() >= 1);
      const before = await settledFdCount(p.pid);
      for (let i = 0; i < 30; i++) {
        const n = failures();
        signal(p.pid, "SIGALRM");
        await waitFor(`rescan ${i + 1}`, () => failures() > n);
      }
      const err = p.stderr();
      assert(count(err, "unable to read okgone/supervise/ok") >= 30, err.slice(0, 2000));
      assert(count(err, "unable to read ctldir/supervise/control") >= 30, err.slice(0, 2000));
      assert(count(err, "unable to acquire logheld/log/supervise/lock") >= 30, err.slice(0, 2000));
      assertEquals(await settledFdCount(p.pid), before, "descriptors after 30 rescans");
      signal(p.pid, "SIGTERM");
      assertEquals((await p.status).code, 0);
    } finally {
      for (const f of locks) f.close();
    }
  });
});

/** Adds `n` services named `prefix…` to the scan directory (with a log when asked). */
function addServices(sb: Sandbox, prefix: string, n: number, logRun?: string): string[] {
  return Array.from({ length: n }, (_, i) => {
    const dir = sb.service(`service/${prefix}${i}`, "exec sleep 1000");
    if (logRun !== undefined) sb.write(`service/${prefix}${i}/log/run`, logRun, true);
    return dir;
  });
}

Deno.test("svscan: descriptors per plain and per logged service stay within what the README states", async () => {
  await withSandbox(async (sb) => {
    const bin = linkPrograms(sb, ["multilog", "setuidgid"]);
    const account = testAccount("dtlogsec");
    // the account reaches S/log by its path, as under /service (a temporary dir is 0700)
    Deno.chmodSync(sb.dir, 0o755);
    addServices(sb, "base", 2);
    const p = svscan(sb, [sb.path("service")], { PATH: `${bin}:/usr/bin:/bin` });
    await up(sb.path("service/base1"));
    const N = 8;
    // what the README says, written out, and what the scanner's message says it needs
    const readme = Deno.readTextFileSync(`${ROOT}/README.md`).replace(/\s+/g, " ");
    assertStringIncludes(readme, "Descriptors** are counted (5 per service, 15 per logged one)");
    assertEquals([FDS_PER_SERVICE, FDS_PER_LOGGED_SERVICE], [5, 15]);
    const kinds: [string, string | undefined, number][] = [
      ["plain", undefined, 5],
      ["inlog", "#!/bin/sh\nexec multilog ./main\n", 15],
      // a line before the exec: not a canonical form, so the logger is a process
      ["proclog", "#!/bin/sh\n: as a process\nexec multilog ./main\n", 13],
      // in-process too, with the account's rights (it owns ./main)
      ["acctlog", `#!/bin/sh\nexec setuidgid ${account.name} multilog ./main\n`, 15],
    ];
    const per: Record<string, number> = {};
    for (const [kind, logRun, limit] of kinds) {
      const before = await settledFdCount(p.pid);
      const dirs = addServices(sb, kind, N, logRun);
      if (kind === "acctlog") {
        for (const d of dirs) {
          Deno.mkdirSync(`${d}/log/main`);
          Deno.chownSync(`${d}/log/main`, account.uid, account.gid);
        }
      }
      signal(p.pid, "SIGALRM");
      for (const d of dirs) {
        await up(d);
        if (logRun !== undefined) {
          await up(`${d}/log`);
          // the logger has its files open once `current` exists
          await waitFor(`${d}/log/main/current`, () => Deno.statSync(`${d}/log/main/current`));
        }
      }
      per[kind] = (await settledFdCount(p.pid) - before) / N;
      assert(per[kind] <= limit, `${kind}: ${per[kind]} descriptors per service (limit ${limit})`);
    }
    console.log(`descriptors per service: ${JSON.stringify(per)}`);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
  });
});

Deno.test("svscan: out of descriptors: one line per scan, fresh status files, the rest start once fds free up", async () => {
  await withSandbox(async (sb) => {
    const N = 30;
    const dirs = addServices(sb, "s", N);
    // ./run reports the soft limit it got: the one dt was started with, not dt's raised one
    sb.service("service/s0", "ulimit -Sn > nofile; exec sleep 1000");
    const svc = sb.path("service");
    // a hard limit of 80: dt itself takes ~25, so about half the services fit
    const p = sb.start("prlimit", ["--nofile=70:80", LAUNCHER, "svscan", svc], { cwd: sb.dir });
    const short = "svscan: warning: out of file descriptors (open files limit 80): ";
    await waitFor("the shortage reported", () => p.stderr().includes(short));
    await up(dirs[0]);
    assertEquals(Deno.readTextFileSync(`${dirs[0]}/nofile`).trim(), "70");
    const isUp = () => dirs.filter((d) => (readStatus(d)?.pid ?? 0) > 0);
    const running = isUp();
    assert(running.length > 3 && running.length < N, `${running.length} of ${N} up`);
    // one line per scan, naming what dt needs and the first five services kept down (with a
    // count of the rest); no line per service
    const line = p.stderr().split("\n").find((l) => l.startsWith(short))!;
    assert(line.includes(`dt needs ${FDS_PER_SERVICE} per service`), line);
    const m = /: (\d+) services not started \(([^()]*) and (\d+) more\), retried/.exec(line);
    assert(m !== null, line);
    const named = m[2].split(", ");
    assertEquals(named.length, 5, line);
    assertEquals(Number(m[1]), 5 + Number(m[3]), line);
    const down = dirs.filter((d) => !running.includes(d)).map((d) => basename(d));
    for (const n of named) assert(down.includes(n), `${n} in ${line}`);
    for (let i = 0; i < 3; i++) {
      const n = count(p.stderr(), short);
      signal(p.pid, "SIGALRM");
      await waitFor(`scan ${i + 1} reported`, () => count(p.stderr(), short) > n);
    }
    assertEquals(count(p.stderr(), "process cannot open more files"), 0, p.stderr().slice(0, 2000));
    // the services that run stay healthy: a restart is recorded in their status files
    const target = running[running.length - 1];
    const old = readStatus(target)!.pid;
    assertEquals((await run("/usr/bin/svc", ["-t", target])).code, 0);
    await waitFor("restart recorded", () => {
      const pid = readStatus(target)?.pid ?? 0;
      return pid !== 0 && pid !== old;
    });
    assert(!p.stderr().includes("status.new"), p.stderr().slice(0, 2000));
    // free descriptors: four running services leave the scan directory and are stopped
    Deno.mkdirSync(sb.path("gone"));
    const leaving = running.slice(1, 5);
    for (const d of leaving) {
      const moved = sb.path("gone", basename(d));
      Deno.renameSync(d, moved);
      await run("/usr/bin/svc", ["-dx", moved]);
      await waitFor(
        `${moved} stopped`,
        async () => (await run("/usr/bin/svok", [moved])).code !== 0,
      );
    }
    signal(p.pid, "SIGALRM");
    const staying = dirs.filter((d) => !leaving.includes(d));
    await waitFor("waiting services started", () => isUp().length >= running.length);
    assert(staying.filter((d) => (readStatus(d)?.pid ?? 0) > 0).length >= running.length);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
  });
});
