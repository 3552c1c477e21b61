import { assertEquals } from "../helpers/assert.ts";
import { dt, need, waitFor, withSandbox } from "../helpers/mod.ts";
import { lines, readStatus } from "../supervise/_service.ts";
import { alive } from "../../lib/sys/signal.ts";
import { svscan } from "../svscan/_svscan.ts";

const gone = (pids: number[]) => pids.every((p) => !alive(p));

Deno.test("kill-tree: svc -k ends the workers too; leftovers of an exit get TERM, then KILL", async () => {
  await withSandbox(async (sb) => {
    // a master that forks two workers (one ignores TERM); with ../quit it exits, leaving them
    sb.service(
      "s",
      `(trap '' TERM; while :; do sleep 0.2; done) &\necho $! >> ../workers\n` +
        `sleep 100 &\necho $! >> ../workers\n[ -e ../quit ] && exit 0\nexec sleep 100`,
    );
    sb.write("s/kill-tree", "");
    sb.write("s/timeout-kill", "500");
    const p = svscan(sb, []);
    const dir = sb.path("s");
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    const first = (await waitFor("workers", () =>
      lines(sb, "workers").length >= 2 ? lines(sb, "workers") : null))
      .map(Number);
    await dt(["svc", "-k", dir]);
    await waitFor("old tree gone", () =>
      gone([pid, ...first]));
    Deno.writeTextFileSync(sb.path("quit"), "");
    // the next run exits at once, leaving its workers: TERM, and KILL for the one that ignores it
    const second = (await waitFor("workers 2", () =>
      lines(sb, "workers").length >= 4 ? lines(sb, "workers") : null))
      .slice(2, 4).map(Number);
    // (KILL after timeout-kill's default 2 s: a deadline, not a duration asserted)
    await waitFor("leftovers ended", () =>
      gone(second));
    await dt(["svc", "-d", dir]);
    p.kill("SIGTERM");
    assertEquals((await p.status).code, 0);
  });
});

const NGINX = "/usr/sbin/nginx";

async function serving(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    await r.body?.cancel();
    return r.status === 200;
  } catch {
    return false;
  }
}

/** Children of `pid`, from /proc. */
function kids(pid: number): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const s = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      if (Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(e.name));
    } catch { /* gone */ }
  }
  return out;
}

Deno.test({
  name:
    "kill-tree: nginx master and workers, svc -k → a new master serving within 3 s, none of the old tree left",
  fn: async () => {
    need(NGINX, "nginx");
    await withSandbox(async (sb) => {
      const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (l.addr as Deno.NetAddr).port;
      l.close();
      const pre = sb.path("ng");
      Deno.mkdirSync(`${pre}/logs`, { recursive: true });
      sb.write("ng/html/index.html", "hello\n");
      sb.write(
        "ng/nginx.conf",
        `daemon off; master_process on; worker_processes 2; user root;
pid ${pre}/nginx.pid; error_log stderr;
events { worker_connections 64; }
http { access_log off; client_body_temp_path ${pre}/cb; proxy_temp_path ${pre}/px;
  fastcgi_temp_path ${pre}/fc; uwsgi_temp_path ${pre}/uw; scgi_temp_path ${pre}/sc;
  server { listen 127.0.0.1:${port}; root ${pre}/html; } }
`,
      );
      sb.service("web", `exec ${NGINX} -p ${pre} -c ${pre}/nginx.conf -e stderr 2>/dev/null`);
      sb.write("web/kill-tree", "");
      const p = svscan(sb, []);
      const dir = sb.path("web");
      const master = await waitFor("up", () => readStatus(dir)?.pid);
      await waitFor("serving", () => serving(port));
      const workers = await waitFor(
        "workers",
        () => kids(master).length >= 2 ? kids(master) : null,
      );
      await dt(["svc", "-k", dir]);
      const t0 = Date.now();
      await waitFor("new master serving", async () => {
        const q = readStatus(dir)?.pid;
        return q && q !== master && await serving(port);
      });
      console.log(`nginx: new master serving ${Date.now() - t0} ms after svc -k`);
      assertEquals(gone([master, ...workers]), true);
      await dt(["svc", "-d", dir]);
      await waitFor("down", () => readStatus(dir)?.pid === 0);
      p.kill("SIGTERM");
      assertEquals((await p.status).code, 0);
    });
  },
});
