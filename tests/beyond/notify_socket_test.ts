/**
 * NOTIFY_SOCKET as users meet it, through the launcher: a service that drops
 * root reaches it; READY=1 counts only from the service's main process and
 * its descendants.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import {
  holds,
  LAUNCHER,
  linkPrograms,
  need,
  type Proc,
  run,
  type Sandbox,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";
import type { JsonStatus } from "../../lib/control/svstat_json.ts";
import { readStatus } from "../supervise/_service.ts";
import { Readiness } from "../../lib/supervise/readiness.ts";
import { ServiceDir } from "../../lib/supervise/service_dir.ts";
import { PLAIN } from "../../lib/supervise/service_files.ts";
import { readDatagrams } from "../../lib/sys/read_fd.ts";
import { inTreeOf } from "../../lib/proctree/lineage.ts";
import { statFields } from "../../lib/proctree/descendants.ts";
import { bindAbstractDatagram } from "../../lib/sys/unix_dgram.ts";

/** A systemd client in a few lines: `@NAME` is the abstract NAME (a leading NUL). */
const SEND = `import os, socket, sys
a = os.environ["NOTIFY_SOCKET"]
if a.startswith("@"): a = "\\0" + a[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for m in sys.argv[1:]: s.sendto(m.encode(), a)
print("sent", flush=True)
`;

/** Through the launcher, as users run it. */
const dtl = (args: string[], env?: Record<string, string>) => run(LAUNCHER, args, { env });

async function json(dir: string): Promise<JsonStatus> {
  return JSON.parse((await dtl(["svstat", "--json", dir])).stdout)[0];
}

/** A service `s` with notify-socket, its run script `run`, the sandbox open to other accounts. */
function notifyService(sb: Sandbox, run: string): { dir: string; env: Record<string, string> } {
  need("python3");
  Deno.chmodSync(sb.dir, 0o755); // only supervise/ (0700, dt's) stays closed to nobody
  const bin = linkPrograms(sb, ["setuidgid"]);
  sb.write("s/send.py", SEND);
  sb.write(
    "s/wait.py",
    // a descendant that stays while the main process (argv[1]) lives
    `import os, sys, time
main = sys.argv.pop(1)
exec(open("send.py").read())
while os.path.exists("/proc/" + main): time.sleep(0.05)
`,
  );
  const dir = sb.service("s", run);
  sb.write("s/notify-socket", "");
  return { dir, env: { PATH: `${bin}:${Deno.env.get("PATH")}` } };
}

/** The last STATUS= taken (status.json). */
function statusText(dir: string): string | null {
  return JSON.parse(Deno.readTextFileSync(`${dir}/supervise/status.json`)).status_text;
}

/** `svc -dx` through the launcher; the supervisor exits 0. */
async function stop(dir: string, sv: Proc): Promise<void> {
  assertEquals((await dtl(["svc", "-dx", dir])).code, 0);
  assertEquals((await sv.status).code, 0);
}

function uidOf(pid: number): number {
  const s = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^Uid:\s+(\d+)/m.exec(s)![1]);
}

Deno.test("NOTIFY_SOCKET: a service that drops root (setuidgid nobody) gets ready", async () => {
  await withSandbox(async (sb) => {
    const { dir, env } = notifyService(
      sb,
      `exec setuidgid nobody python3 -c "$(cat send.py)
import time; time.sleep(100)" "STATUS=serving as nobody" READY=1`,
    );
    const sv = sb.start(LAUNCHER, ["supervise", dir], { env });
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    const w = await dtl(["svwait", "-U", "-t", "10000", dir]);
    assertEquals(w.code, 0, `svwait: ${w.stderr} supervise: ${sv.stderr()}`);
    const j = await json(dir);
    assertEquals([j.state, j.pid, j.ready], ["up", pid, true]);
    assertEquals(uidOf(pid), 65534, "the service runs as nobody");
    assertEquals(statusText(dir), "serving as nobody");
    await stop(dir, sv);
  });
});

Deno.test("NOTIFY_SOCKET: READY=1 from an unrelated process is ignored, one warning", async () => {
  await withSandbox(async (sb) => {
    // the service says READY=1 itself only once ../go exists
    const { dir, env } = notifyService(
      sb,
      `while [ ! -e ../go ]; do sleep 0.05; done
exec python3 -c "$(cat send.py)
import time; time.sleep(100)" READY=1`,
    );
    const sv = sb.start(LAUNCHER, ["supervise", dir], { env });
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    const environ = await waitFor(
      "NOTIFY_SOCKET in the service's environment",
      () =>
        Deno.readTextFileSync(`/proc/${pid}/environ`).split("\0")
          .find((e) => e.startsWith("NOTIFY_SOCKET=")),
    );
    // root, not under the service: the socket takes its datagrams (no error), dt ignores them
    const stranger = await run(
      "python3",
      ["-c", SEND, "STATUS=hijacked", "READY=1", ...Array(50).fill("READY=1")],
      { env: { NOTIFY_SOCKET: environ.slice("NOTIFY_SOCKET=".length) } },
    );
    assertEquals([stranger.code, stranger.stdout, stranger.stderr], [0, "sent\n", ""]);
    await holds("not ready", async () => (await json(dir)).ready === false, 1500);
    assertMatch(environ, /^NOTIFY_SOCKET=@dt\/notify\//);
    await waitFor("the warning", () => sv.stderr().includes("notify: ignored"));
    const warnings = sv.stderr().split("\n").filter((l) => l.includes("notify: ignored"));
    assertEquals(warnings.length, 1, sv.stderr());
    assertMatch(
      warnings[0],
      new RegExp(
        `^supervise: warning: ${
          RegExp.escape(dir)
        }: notify: ignored a message from pid ${stranger.pid}:`,
      ),
    );
    // the same socket takes READY=1 from the service itself
    sb.write("go", "");
    assertEquals((await dtl(["svwait", "-U", "-t", "10000", dir])).code, 0);
    assertEquals((await json(dir)).ready, true);
    assertEquals(statusText(dir), null);
    await stop(dir, sv);
  });
});

Deno.test("NOTIFY_SOCKET: READY=1 from a descendant of ./run (as nobody) is taken", async () => {
  await withSandbox(async (sb) => {
    // a grandchild of the main process: run's child sh, then python as nobody
    const { dir, env } = notifyService(
      sb,
      `sh -c 'setuidgid nobody python3 wait.py "$0" READY=1; :' $$ &
exec sleep 100`,
    );
    const sv = sb.start(LAUNCHER, ["supervise", dir], { env });
    await waitFor("up", () => readStatus(dir)?.pid);
    const w = await dtl(["svwait", "-U", "-t", "10000", dir]);
    assertEquals(w.code, 0, `svwait: ${w.stderr} supervise: ${sv.stderr()}`);
    assertEquals((await json(dir)).ready, true);
    assertEquals(sv.stderr().includes("notify: ignored"), false, sv.stderr());
    await stop(dir, sv);
  });
});

Deno.test("NOTIFY_SOCKET: dt init -S starts PROG once a service running as nobody is ready", async () => {
  await withSandbox(async (sb) => {
    // ready a moment after the marker; PROG reads the marker
    const { env } = notifyService(
      sb,
      `sleep 0.3; echo ok > ../db-ready
exec setuidgid nobody python3 -c "$(cat send.py)
import time; time.sleep(100)" READY=1`,
    );
    Deno.mkdirSync(sb.path("svc"));
    Deno.renameSync(sb.path("s"), sb.path("svc/db"));
    const r = await run(
      LAUNCHER,
      ["init", "-S", sb.path("svc"), "-T", "10000", "--", "cat", sb.path("svc/db-ready")],
      { env },
    );
    // the service's "sent" shares the output: PROG's "ok" is what counts
    assertEquals([r.code, r.stdout.split("\n").includes("ok")], [0, true], r.stdout + r.stderr);
  });
});

/** A sender that waits for a line on stdin, then sends what a hostile or sloppy client might. */
const HOSTILE = `import array, os, socket, sys
a = os.environ["NOTIFY_SOCKET"]
if a.startswith("@"): a = "\\0" + a[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sys.stdin.readline()
s.sendto(b"READY=1\\n" + b"x" * 8000, a)
s.sendto(b"STATUS=\\xff\\xfe\\nREADY=1", a)
s.sendto(b"STATUS=nul\\0\\nREADY=1", a)
fd = os.open(sys.argv[1], os.O_RDONLY)
fds = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd, fd, fd]))]
s.sendmsg([b"STATUS=with fds"], fds, 0, a)
for i in range(200): s.sendto(b"STATUS=%d" % i, a)
s.sendto(b"READY=1", a)
print("sent", flush=True)
sys.stdin.readline()
`;

Deno.test("NOTIFY_SOCKET: huge, non-UTF-8, NUL, passed fds, a stranger's flood: ignored, nothing kept", async () => {
  need("python3");
  await withSandbox(async (sb) => {
    const marker = sb.write("marker", "");
    const held = ServiceDir.open(sb.dir);
    const ready = new Readiness({ ...PLAIN, notifySocket: true }, held);
    held.close(); // (the socket needs no supervise/)
    const env = { NOTIFY_SOCKET: ready.env!.slice("NOTIFY_SOCKET=".length) };
    const main = new Deno.Command("python3", {
      args: ["-c", HOSTILE, marker],
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const toMain = main.stdin.getWriter();
    const statuses: string[] = [], ignored: string[] = [];
    let readies = 0;
    try {
      ready.watch(main.pid, () => readies++, (t) => statuses.push(t), (l) => ignored.push(l));
      // a stranger (a sibling of the main process) floods READY=1: ignored, one line told
      const stranger = await run("python3", ["-c", SEND, ...Array(100).fill("READY=1")], { env });
      assertEquals([stranger.code, stranger.stdout], [0, "sent\n"]);
      await waitFor("the stranger's datagrams read", () => ignored.length);
      assertEquals(readies, 0);
      await toMain.write(new TextEncoder().encode("go\n"));
      await waitFor("READY=1 from the main process", () => readies).catch((e) => {
        throw new Error(`${e} ${JSON.stringify({ statuses: statuses.length, ignored })}`);
      });
      assertEquals(statuses, ["with fds", ...Array.from({ length: 200 }, (_, i) => `${i}`)]);
      assertEquals(readies, 1);
      assertEquals(ignored, [
        `notify: ignored a message from pid ${stranger.pid}: not the service's process or its descendant`,
      ]);
      // the descriptors the sender passed never reached this process
      const ours = [...Deno.readDirSync("/proc/self/fd")].map((e) => {
        try {
          return Deno.readLinkSync(`/proc/self/fd/${e.name}`);
        } catch {
          return "";
        }
      });
      assertEquals(ours.filter((t) => t === marker), []);
    } finally {
      ready.close();
      await toMain.close().catch(() => {});
      try {
        main.kill("SIGKILL");
      } catch { /* gone */ }
      await main.output().catch(() => {});
    }
  });
});

Deno.test("datagram reader: a flood is read a bounded number at a time, in order, all of it", async () => {
  need("python3");
  const name = `dt/test/${Deno.pid}/${Math.random()}`;
  const fd = bindAbstractDatagram(name);
  const got: string[] = [];
  let burst = 0, maxBurst = 0;
  const r = readDatagrams(fd, (d, from) => {
    if (burst++ === 0) queueMicrotask(() => burst = 0);
    maxBurst = Math.max(maxBurst, burst);
    got.push(`${new TextDecoder().decode(d)} ${from?.uid}`);
  }, { maxBytes: 64, perWake: 3 });
  try {
    // the kernel queues up to net.unix.max_dgram_qlen + 1 (11 by default) before a send waits
    const flood = Array.from({ length: 100 }, (_, i) => `m${i}`);
    const sender = await run("python3", ["-c", SEND, ...flood], {
      env: { NOTIFY_SOCKET: `@${name}` },
    });
    assertEquals([sender.code, sender.stderr], [0, ""]);
    await waitFor("all read", () => got.length === 100);
    assertEquals(got, flood.map((m) => `${m} 0`));
    assert(maxBurst <= 3, `${maxBurst} datagrams in one wake-up`);
  } finally {
    r.close();
  }
});

Deno.test("sender check: the main process and its descendants, also re-parented ones of its session", async () => {
  await withSandbox(async (sb) => {
    const pids: number[] = [];
    try {
      // main → sh (I) → sleep (G)
      const main = sb.start("sh", ["-c", `sh -c 'sleep 100; :' & echo $!; wait`]);
      const mid = Number(await waitFor("the middle pid", () => main.stdout().trim()));
      const g = await waitFor("the grandchild", () => {
        const c = Deno.readTextFileSync(`/proc/${mid}/task/${mid}/children`).trim();
        return c ? Number(c) : 0;
      });
      pids.push(g, mid);
      assertEquals(
        [main.pid, mid, g].map((p) => inTreeOf(p, main.pid)),
        [true, true, true],
      );
      assertEquals([inTreeOf(g, mid), inTreeOf(main.pid, mid), inTreeOf(main.pid, g)], [
        true,
        false,
        false,
      ]);
      assertEquals([Deno.pid, 1, 0, -1, 2 ** 22 + 1].map((p) => inTreeOf(p, main.pid)), [
        false,
        false,
        false,
        false,
        false,
      ]);
      // a session leader that is gone: its re-parented descendant still belongs
      const leader = await run("setsid", ["sh", "-c", "sleep 100 >/dev/null 2>&1 & echo $!"], {
        cwd: sb.dir,
      });
      const orphan = Number(leader.stdout.trim());
      pids.push(orphan);
      assertEquals(Number(statFields(orphan)![1]) === leader.pid, false);
      assertEquals(inTreeOf(orphan, leader.pid), true);
      assertEquals(inTreeOf(orphan, main.pid), false);
    } finally {
      for (const p of pids) {
        try {
          Deno.kill(p, "SIGKILL");
        } catch { /* gone */ }
      }
    }
  });
});
