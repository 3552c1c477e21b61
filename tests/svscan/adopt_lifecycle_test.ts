/**
 * A dead scanner costs nothing, lifecycle included: the scanner (through the
 * launcher, as users start it) is killed -9 at a chosen moment and a new one
 * started; the new one adopts the service with everything its supervisor
 * knew of it — finish, down-signal, timeout-kill, kill-tree and its session,
 * readiness (pending or reached), the notify socket — and a finish under way.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { LAUNCHER, need, type Proc, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { lines, readStatus } from "../supervise/_service.ts";
import { endKeepers, up } from "./_svscan.ts";

function scanner(sb: Sandbox): Proc {
  return sb.start(LAUNCHER, ["svscan", sb.path("sv")], {
    cwd: sb.dir,
    env: { PATH: "/usr/bin:/bin" },
  });
}

/**
 * Kills the scanner -9 (its keeper and services live on), starts a new one,
 * and waits until it supervises every service of `dirs` (svok).
 */
async function again(sb: Sandbox, sc: Proc, ...dirs: string[]): Promise<Proc> {
  sc.kill("SIGKILL");
  await sc.status;
  const next = scanner(sb);
  for (const d of dirs) {
    await waitFor(`${d} supervised again`, async () => {
      const r = await new Deno.Command("/usr/bin/svok", { args: [d] }).output();
      return r.code === 0;
    });
  }
  return next;
}

/** Ends the last scanner in order, then the keepers earlier ones left. */
async function end(sb: Sandbox, sc: Proc): Promise<void> {
  sc.kill("SIGTERM");
  assertEquals((await sc.status).code, 0);
  endKeepers(sb);
}

async function json(dir: string): Promise<Record<string, unknown>> {
  const r = await new Deno.Command(LAUNCHER, { args: ["svstat", "--json", dir], stdout: "piped" })
    .output();
  return JSON.parse(new TextDecoder().decode(r.stdout))[0];
}

function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).includes(") Z ");
  } catch {
    return false;
  }
}

Deno.test("adoption: finish runs once per end of ./run, across kills of the scanner while ./run runs", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("sv/s", "echo start >> ../../starts\nsleep 0.7\nexit 7");
    sb.write("sv/s/finish", '#!/bin/sh\necho "$1 $2" >> ../../finishes\n', true);
    let sc = scanner(sb);
    for (let k = 0; k < 5; k++) {
      const n = lines(sb, "starts").length;
      await waitFor(`start ${n + 1}`, () => lines(sb, "starts").length > n && readStatus(dir)?.pid);
      sc = await again(sb, sc);
    }
    const n = lines(sb, "starts").length;
    await waitFor("one more start", () => lines(sb, "starts").length > n + 1);
    await end(sb, sc);
    const starts = lines(sb, "starts").length, finishes = lines(sb, "finishes");
    assertEquals(finishes.length, starts, `finish once per end: ${finishes.join(", ")}`);
    // runit's arguments: the exit code and 0; -1 and the signal (the last, stopped by TERM);
    // -1 0 for an end while no scanner ran (how it ended is not known)
    for (const f of finishes) assertMatch(f, /^(7 0|-1 15|-1 0)$/);
    assert(finishes.filter((f) => f === "7 0").length >= 3, finishes.join(", "));
  });
});

Deno.test("adoption: down-signal and timeout-kill survive the scanner", async () => {
  await withSandbox(async (sb) => {
    const quit = sb.service(
      "sv/quit",
      "trap '' TERM\ntrap 'echo quit >> ../../got; exit 0' QUIT\nwhile :; do sleep 0.1; done",
    );
    sb.write("sv/quit/down-signal", "QUIT\n");
    const deaf = sb.service("sv/deaf", "trap '' TERM QUIT\nwhile :; do sleep 0.1; done");
    sb.write("sv/deaf/timeout-kill", "500\n");
    let sc = scanner(sb);
    const [pq, pd] = [await up(quit), await up(deaf)];
    sc = await again(sb, sc, quit, deaf);
    await new Deno.Command("/usr/bin/svc", { args: ["-d", quit, deaf] }).output();
    await waitFor("quit stopped by QUIT", () => lines(sb, "got").includes("quit"));
    await waitFor(
      "deaf KILLed after timeout-kill",
      () => !alive(pd) && readStatus(deaf)?.pid === 0,
    );
    assert(!alive(pq));
    await end(sb, sc);
  });
});

Deno.test("adoption: svc -d ends the whole tree of an adopted kill-tree service", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("sv/t", "sleep 1000 &\necho $! > ../../child\nsleep 1000 &\nwait");
    sb.write("sv/t/kill-tree", "");
    let sc = scanner(sb);
    const pid = await up(dir);
    const child = Number(await waitFor("the child", () => lines(sb, "child")[0]));
    sc = await again(sb, sc, dir);
    assertEquals(readStatus(dir)?.pid, pid);
    await new Deno.Command("/usr/bin/svc", { args: ["-d", dir] }).output();
    await waitFor("the tree ended", () => !alive(pid) && !alive(child));
    await end(sb, sc);
  });
});

Deno.test("adoption: no ./run starts while the ./finish a killed scanner started still runs", async () => {
  await withSandbox(async (sb) => {
    sb.service("sv/f", "echo run >> ../../log\nexit 0");
    sb.write(
      "sv/f/finish",
      "#!/bin/sh\necho finish-start >> ../../log\nsleep 2\necho finish-end >> ../../log\n",
      true,
    );
    let sc = scanner(sb);
    // under way, and on record (as a supervise's fork comes a moment before its status)
    await waitFor("finish under way", async () =>
      lines(sb, "log").includes("finish-start") &&
      /"finish_pid":[1-9]/.test(
        await Deno.readTextFile(`${sb.path("sv/f")}/supervise/status.json`),
      ));
    sc = await again(sb, sc);
    await waitFor("finish done", () => lines(sb, "log").includes("finish-end"));
    await waitFor("the next run", () => lines(sb, "log").length >= 4);
    const log = lines(sb, "log");
    assertEquals(log.slice(0, 4), ["run", "finish-start", "finish-end", "run"]);
    await end(sb, sc);
  });
});

Deno.test("adoption: readiness pending through notification-fd survives the scanner, and ready stays ready", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("sv/n", "echo run >> ../../log\nsleep 2\necho >&3\nexec sleep 1000");
    sb.write("sv/n/notification-fd", "3\n");
    let sc = scanner(sb);
    await waitFor("run, on record", () => lines(sb, "log").includes("run") && readStatus(dir)?.pid);
    sc = await again(sb, sc); // during the wait
    await waitFor("ready", async () => (await json(dir)).ready === true, 20000);
    sc = await again(sb, sc, dir); // after it
    assertEquals((await json(dir)).ready, true);
    assertEquals(lines(sb, "log"), ["run"], "started once");
    await end(sb, sc);
  });
});

Deno.test("adoption: a NOTIFY_SOCKET service says READY=1 to the scanner after the one that started it", async () => {
  need("python3");
  await withSandbox(async (sb) => {
    const send = "import os,socket,time\ntime.sleep(2)\na=os.environ['NOTIFY_SOCKET']\n" +
      "a='\\0'+a[1:] if a[0]=='@' else a\n" +
      "socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM).sendto(b'READY=1',a)\ntime.sleep(1000)\n";
    sb.write("send.py", send);
    const dir = sb.service("sv/py", `echo run >> ../../log\nexec python3 ${sb.path("send.py")}`);
    sb.write("sv/py/notify-socket", "");
    let sc = scanner(sb);
    await waitFor("run, on record", () => lines(sb, "log").includes("run") && readStatus(dir)?.pid);
    sc = await again(sb, sc);
    await waitFor("ready", async () => (await json(dir)).ready === true, 20000);
    assertEquals(lines(sb, "log"), ["run"], "started once");
    await end(sb, sc);
  });
});
