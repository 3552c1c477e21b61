import { assert, assertEquals } from "../helpers/assert.ts";
import { dt, waitFor, withSandbox } from "../helpers/mod.ts";
import { lines, procState, readStatus } from "../supervise/_service.ts";
import { json } from "./_lib.ts";

const FINISH = `#!/bin/sh\necho "$1 $2" >> ../finished\n`;

Deno.test("finish: gets EXITCODE SIGNAL for a normal exit, an exit code and a signal", async () => {
  await withSandbox(async (sb) => {
    // each run: first exit 0, then exit 3, then wait to be killed
    const dir = sb.service(
      "s",
      `n=$(cat ../n 2>/dev/null || echo 0); echo $((n+1)) > ../n\n` +
        `[ $n = 0 ] && exit 0; [ $n = 1 ] && exit 3; exec sleep 100`,
    );
    sb.write("s/finish", FINISH, true);
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("two finishes", () => lines(sb, "finished").length >= 2);
    const pid = await waitFor(
      "third run",
      () => lines(sb, "n")[0] === "3" ? readStatus(dir)?.pid : 0,
    );
    const j = await json(dir);
    assertEquals([j.state, j.last_exit, j.restarts], ["up", { code: 3, signal: null }, 2]);
    Deno.kill(pid, "SIGKILL");
    await waitFor("third finish", () => lines(sb, "finished").length >= 3);
    assertEquals(lines(sb, "finished").slice(0, 3), ["0 0", "3 0", "-1 9"]);
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("finish: killed after timeout-finish; shown as finishing meanwhile; -D waits for it", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("s", "exec sleep 100");
    sb.write("s/finish", `#!/bin/sh\necho $$ > ../finish.pid\nexec sleep 100\n`, true);
    sb.write("s/timeout-finish", "700\n");
    const sv = sb.startDt(["supervise", dir]);
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    await dt(["svc", "-d", dir]);
    const fpid = Number(await waitFor("finish runs", () => lines(sb, "finish.pid")[0]));
    // the status files are renamed in place off the JS thread: finish may write its pid first
    const j = await waitFor("status.json says finishing", async () => {
      const j = await json(dir);
      return j.state === "finishing" ? j : null;
    });
    assertEquals([j.state, j.pid, j.want, j.last_exit], ["finishing", fpid, "down", {
      code: null,
      signal: 15,
    }]);
    // (status.json is renamed before the 18-byte status)
    await waitFor(
      "svstat says down",
      async () => (await dt(["svstat", dir])).stdout.includes(": down "),
    );
    assertEquals((await dt(["svwait", "-d", "-t", "100", dir])).code, 0);
    const w = await dt(["svwait", "-D", "-t", "5000", dir]);
    assertEquals(w.code, 0);
    assertEquals(procState(fpid), null);
    assertEquals(procState(pid), null);
    assertEquals((await json(dir)).state, "down");
    await dt(["svc", "-x", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("down-signal: svc -d sends it instead of TERM (then CONT)", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service(
      "s",
      `trap 'echo QUIT >> sigs; exit 0' QUIT\ntrap '' TERM\necho up > started\nwhile :; do sleep 0.1; done`,
    );
    sb.write("s/down-signal", "QUIT\n");
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("up", () => lines(sb, "s/started").length);
    await dt(["svc", "-d", dir]);
    assertEquals((await dt(["svwait", "-d", "-t", "5000", dir])).code, 0);
    assertEquals(lines(sb, "s/sigs"), ["QUIT"]);
    await dt(["svc", "-x", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("timeout-kill: a service that ignores TERM gets KILL", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("s", `trap '' TERM\necho up > started\nwhile :; do sleep 0.1; done`);
    sb.write("s/timeout-kill", "500\n");
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("up", () => lines(sb, "s/started").length);
    await dt(["svc", "-d", dir]);
    assertEquals((await dt(["svwait", "-D", "-t", "5000", dir])).code, 0);
    assertEquals((await json(dir)).last_exit, { code: null, signal: 9 });
    await dt(["svc", "-x", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("readiness by notification-fd: -U waits for the newline; resets on restart", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("s", `[ -e ../go ] || sleep 0.5\necho >&3\nexec sleep 100`);
    sb.write("s/notification-fd", "3\n");
    const sv = sb.startDt(["supervise", dir]);
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    assertEquals((await json(dir)).ready, false);
    assertEquals((await dt(["svwait", "-U", "-t", "5000", dir])).code, 0);
    const j = await json(dir);
    assertEquals([j.state, j.ready, typeof j.ready_seconds], ["up", true, "number"]);
    // restart: not ready again until it says so (it waits 0.5 s)
    Deno.kill(pid, "SIGKILL");
    const pid2 = await waitFor("restarted", () => {
      const p = readStatus(dir)?.pid;
      return p && p !== pid ? p : 0;
    });
    assert(pid2);
    const j2 = await json(dir);
    if (j2.ready === false) assertEquals(j2.ready_seconds, null);
    assertEquals((await dt(["svwait", "-U", "-t", "5000", dir])).code, 0);
    assertEquals((await json(dir)).restarts, 1);
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("readiness by NOTIFY_SOCKET: READY=1 (after WATCHDOG=1, STATUS=) marks it ready", async () => {
  await withSandbox(async (sb) => {
    const daemon = `use Socket;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
(my $at = $ENV{NOTIFY_SOCKET}) =~ s/^\\@/\\0/;
my $to = pack_sockaddr_un($at);
select(undef, undef, undef, 0.3);
send($s, "WATCHDOG=1", 0, $to);
send($s, "STATUS=warming up\\nMAINPID=$$", 0, $to);
send($s, "READY=1", 0, $to) or die "send: $!";
sleep 100;`;
    sb.write("s/daemon.pl", daemon);
    const dir = sb.service("s", "exec perl ./daemon.pl");
    sb.write("s/notify-socket", "");
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("up", () => readStatus(dir)?.pid);
    assertEquals((await dt(["svwait", "-U", "-t", "5000", dir])).code, 0);
    assertEquals((await json(dir)).ready, true);
    await dt(["svc", "-dx", dir]);
    assertEquals((await sv.status).code, 0);
  });
});

Deno.test("svwait: -u, -d, -t (99), -o, -a, usage (100), not supervised (111)", async () => {
  await withSandbox(async (sb) => {
    const a = sb.service("a", "exec sleep 100");
    const b = sb.service("b", "exec sleep 100", { down: true });
    const sa = sb.startDt(["supervise", a]);
    const sbv = sb.startDt(["supervise", b]);
    await waitFor("a up", () => readStatus(a)?.pid);
    await waitFor("b status", () => readStatus(b));
    assertEquals((await dt(["svwait", "-u", "-t", "300", a, b])).code, 99);
    assertEquals((await dt(["svwait", "-u", "-o", "-t", "3000", a, b])).code, 0);
    assertEquals((await dt(["svwait", "-d", "-t", "3000", b])).code, 0);
    // a waiter started before the change sees it through the events
    const w = dt(["svwait", "-u", "-a", "-t", "10000", a, b]);
    await waitFor("waiter subscribed", () => [...Deno.readDirSync(`${b}/supervise/event`)].length);
    await dt(["svc", "-u", b]);
    assertEquals((await w).code, 0);
    const bad = await dt(["svwait", "-q", a]);
    assertEquals(bad.code, 100);
    assertEquals(
      bad.stderr.split("\n")[1],
      "dt svwait: usage: dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR...",
    );
    const none = await dt(["svwait", sb.path("nowhere")]);
    assertEquals(none.code, 111);
    assertEquals(none.stderr.startsWith("dt svwait: fatal: unable to subscribe to"), true);
    // the waiters left no FIFO behind
    assertEquals([...Deno.readDirSync(`${b}/supervise/event`)].length, 0);
    await dt(["svc", "-dx", a, b]);
    assertEquals((await sa.status).code, 0);
    assertEquals((await sbv.status).code, 0);
  });
});

Deno.test("svstat --json: up, down, errors in daemontools' words; plain svstat unchanged", async () => {
  await withSandbox(async (sb) => {
    const a = sb.service("a", "exec sleep 100");
    const b = sb.service("b", "exec sleep 100", { down: true });
    const sa = sb.startDt(["supervise", a]);
    const sbv = sb.startDt(["supervise", b]);
    const pid = await waitFor("a up", () => readStatus(a)?.pid);
    await waitFor("b status", () => readStatus(b));
    const r = await dt(["svstat", "--json", a, b, sb.path("nowhere")]);
    const all = JSON.parse(r.stdout);
    assertEquals(Object.keys(all[0]), [
      "dir",
      "state",
      "pid",
      "seconds",
      "normally",
      "paused",
      "want",
      "ready",
      "ready_seconds",
      "last_exit",
      "restarts",
      "left_down",
    ]);
    assertEquals([all[0].state, all[0].pid, all[0].normally, all[0].want, all[0].ready], [
      "up",
      pid,
      "up",
      "up",
      null,
    ]);
    assertEquals([all[1].state, all[1].pid, all[1].normally, all[1].want], [
      "down",
      null,
      "down",
      "down",
    ]);
    assertEquals(all[2], {
      dir: sb.path("nowhere"),
      error: "unable to chdir: file does not exist",
    });
    await dt(["svc", "-p", a]);
    await waitFor("paused", async () => (await json(a)).paused);
    const text = await dt(["svstat", a, b]);
    assertEquals(
      text.stdout.split("\n")[1],
      `${b}: down ${text.stdout.split("\n")[1].split(" ")[2]} seconds`,
    );
    await dt(["svc", "-dx", a, b]);
    assertEquals((await sa.status).code, 0);
    assertEquals((await sbv.status).code, 0);
    assertEquals(
      JSON.parse((await dt(["svstat", "--json", a])).stdout)[0].error,
      "supervise not running",
    );
  });
});
