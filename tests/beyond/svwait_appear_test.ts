/**
 * `dt svwait` on a directory whose supervisor has not appeared yet: within
 * its `-t` (forever without one) it waits for the supervisor, then for the
 * state. A run script that waits for another service of the same scanner
 * starts once, and a script that starts `dt svscan DIR &` can wait at once.
 * Without `-t`, a directory that does not exist at all fails as before.
 */
import { assertEquals } from "../helpers/assert.ts";
import {
  LAUNCHER,
  needDaemontools,
  REF,
  run,
  type Sandbox,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";
import { lines, readStatus } from "../supervise/_service.ts";
import { json } from "./_lib.ts";

/** True when process `pid` holds an inotify instance. */
function inotifyOpen(pid: number): boolean {
  for (const e of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      if (Deno.readLinkSync(`/proc/${pid}/fd/${e.name}`) === "anon_inode:inotify") return true;
    } catch { /* closed meanwhile */ }
  }
  return false;
}

/** A service that says it is ready (notification-fd 3) after `delay` seconds. */
const READY_AFTER = (delay: number) => `sleep ${delay}\necho >&3\nexec sleep 1000`;

/** `sv/aNNN` for NNN in [from, to) that just run, and `sv/NAME` ready after `delay` s; the scan dir. */
function tree(sb: Sandbox, from: number, to: number, name: string, delay: number): string {
  for (let i = from; i < to; i++) {
    sb.service(`sv/a${String(i).padStart(3, "0")}`, "exec sleep 1000");
  }
  sb.service(`sv/${name}`, READY_AFTER(delay));
  sb.write(`sv/${name}/notification-fd`, "3\n");
  return sb.path("sv");
}

Deno.test("svwait: a run script waiting for the last of 300 services starts once, 10 scanner starts of 10", async () => {
  await withSandbox(async (sb) => {
    const dir = tree(sb, 2, 300, "a300", 1);
    sb.service(
      "sv/a001",
      `echo run >> ../../a001.runs\n${LAUNCHER} svwait -U -t 5000 ../a300 || exit 1\n` +
        `echo started >> ../../a001.runs\nexec sleep 1000`,
    );
    for (let n = 0; n < 10; n++) {
      Deno.writeTextFileSync(sb.path("a001.runs"), "");
      // half the starts find the supervise/ directories of the last one, half find none
      if (n % 2 === 1) {
        for (const e of Deno.readDirSync(dir)) {
          Deno.removeSync(`${dir}/${e.name}/supervise`, { recursive: true });
        }
      }
      const scanner = sb.start(LAUNCHER, ["svscan", dir], { stdio: "null" });
      await waitFor("a001 started", () => lines(sb, "a001.runs").includes("started"), 30000);
      assertEquals(lines(sb, "a001.runs"), ["run", "started"], `scanner start ${n + 1}`);
      const j = await json(`${dir}/a300`);
      assertEquals(j.ready, true, JSON.stringify(j));
      scanner.kill("SIGTERM");
      assertEquals((await scanner.status).code, 0);
    }
  });
});

Deno.test("svwait: `dt svscan DIR & dt svwait -U -t 8000 DIR/db` returns 0 once db is ready", async () => {
  await withSandbox(async (sb) => {
    // the scanner reaches db last (in name order)
    const dir = tree(sb, 0, 100, "db", 0.5);
    const script = `${LAUNCHER} svscan "$1" >/dev/null 2>&1 & ` +
      `${LAUNCHER} svwait -U -t 8000 "$1/db"; echo "svwait $?"; ` +
      `${LAUNCHER} svstat --json "$1/db"; kill $!; wait $!`;
    const r = await run("sh", ["-c", script, "sh", dir]);
    assertEquals(r.stderr, "");
    const first = r.stdout.slice(0, r.stdout.indexOf("\n"));
    const status = r.stdout.slice(first.length + 1);
    assertEquals(first, "svwait 0");
    assertEquals(JSON.parse(status)[0].ready, true, status);
  });
});

Deno.test("svwait: waits for daemontools' supervise to appear; a missing directory without -t fails at once", async () => {
  needDaemontools();
  await withSandbox(async (sb) => {
    const dir = sb.service("s", "exec sleep 1000");
    const waiter = sb.start(LAUNCHER, ["svwait", "-u", "-t", "10000", dir]);
    let ended: number | null = null;
    waiter.status.then((s) => ended = s.code);
    // supervise is started once the waiter waits (it watches with inotify) or has given up
    await waitFor("waiter waiting", () => ended !== null || inotifyOpen(waiter.pid));
    const sv = sb.start(`${REF}/supervise`, [dir], { stdio: "null" });
    assertEquals({ code: (await waiter.status).code, err: waiter.stderr() }, { code: 0, err: "" });
    assertEquals(readStatus(dir)?.pid !== undefined, true);
    // no -t: a directory that does not exist is an error at once, as before
    const none = await run(LAUNCHER, ["svwait", sb.path("nowhere")]);
    assertEquals({ code: none.code, err: none.stderr }, {
      code: 111,
      err: `dt svwait: fatal: unable to subscribe to ${sb.path("nowhere")}: file does not exist\n`,
    });
    // with -t, one that never gets a supervisor is a timeout
    const late = await run(LAUNCHER, ["svwait", "-t", "300", sb.path("nowhere")]);
    assertEquals({ code: late.code, err: late.stderr }, { code: 99, err: "" });
    await run(`${REF}/svc`, ["-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});
