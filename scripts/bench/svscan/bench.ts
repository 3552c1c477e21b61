/**
 * svscan benchmarks, dt and daemontools in one run.
 *
 * 1. 50 services, each with `log/run` = `exec multilog t ./main`: total RSS and
 *    PSS of the supervision processes (dt: the svscan process and the multilog
 *    processes, dt's own multilog through a PATH symlink; daemontools: svscan,
 *    supervise ×100, multilog ×50). The services themselves (`sleep`) are not
 *    counted: they are the same on both sides.
 * 2. 500 services: time from start until every status file shows a pid,
 *    thread count of the dt process, CPU used while idle.
 *
 * Usage: deno run -A scripts/bench/svscan/bench.ts [IDLE_SECONDS]
 */
import { DT, memory, row, until } from "../_lib.ts";

const IDLE_S = Number(Deno.args[0] ?? 60);
const TICK = 100; // USER_HZ

function pidOf(dir: string): number {
  try {
    return new DataView(Deno.readFileSync(`${dir}/supervise/status`).buffer).getUint32(12, true);
  } catch {
    return 0;
  }
}

function table(): Map<number, { ppid: number; comm: string; cpu: number }> {
  const t = new Map<number, { ppid: number; comm: string; cpu: number }>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const s = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const comm = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      t.set(Number(e.name), { ppid: Number(f[1]), comm, cpu: Number(f[11]) + Number(f[12]) });
    } catch { /* gone */ }
  }
  return t;
}

/** root and every descendant except the services' own `sleep`s. */
function supervision(root: number): number[] {
  const t = table();
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    for (const [pid, p] of t) if (p.ppid === out[i] && p.comm !== "sleep") out.push(pid);
  }
  return out;
}

function threads(pid: number): number {
  return Number(/^Threads:\s+(\d+)/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`))![1]);
}

function cpuTicks(pids: number[]): number {
  const t = table();
  return pids.reduce((a, p) => a + (t.get(p)?.cpu ?? 0), 0);
}

function tree(n: number, logs: boolean): { dir: string; services: string[] } {
  const dir = Deno.makeTempDirSync({ prefix: "dt-bench-svscan-" });
  const services: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = `${dir}/s${i}`;
    Deno.mkdirSync(s);
    Deno.writeTextFileSync(`${s}/run`, "#!/bin/sh\nexec sleep 100000\n", { mode: 0o755 });
    services.push(s);
    if (logs) {
      Deno.mkdirSync(`${s}/log`);
      Deno.writeTextFileSync(`${s}/log/run`, "#!/bin/sh\nexec multilog t ./main\n", {
        mode: 0o755,
      });
      services.push(`${s}/log`);
    }
  }
  return { dir, services };
}

async function stop(proc: Deno.ChildProcess, kind: string, dir: string, services: string[]) {
  if (kind === "dt") {
    proc.kill("SIGTERM");
    await proc.status;
  } else {
    proc.kill("SIGKILL");
    await proc.status;
    await new Deno.Command("svc", { args: ["-dx", ...services] }).output();
    await until(() => services.every((s) => pidOf(s) === 0), 60000, 50).catch(() => {});
    await new Promise((r) => setTimeout(r, 1000));
  }
  Deno.removeSync(dir, { recursive: true });
}

function start(kind: string, dir: string, path: string): Deno.ChildProcess {
  const cmd = kind === "dt" ? DT : "/usr/bin/svscan";
  const args = kind === "dt" ? ["svscan", dir] : [dir];
  return new Deno.Command(cmd, {
    args,
    cwd: dir,
    env: { PATH: path },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function memoryRun(kind: string, path: string) {
  const { dir, services } = tree(50, true);
  const p = start(kind, dir, path);
  try {
    await until(() => services.every((s) => pidOf(s) > 0), 120000, 50);
    await new Promise((r) => setTimeout(r, 5000));
    const pids = supervision(p.pid);
    const t = table();
    let rss = 0, pss = 0, supRss = 0, supPss = 0;
    for (const pid of pids) {
      try {
        const m = memory(pid);
        rss += m.rss;
        pss += m.pss;
        if (!t.get(pid)?.comm.startsWith("multilog")) {
          supRss += m.rss;
          supPss += m.pss;
        }
      } catch { /* gone */ }
    }
    return { procs: pids.length, rss, pss, supRss, supPss, threads: threads(p.pid) };
  } finally {
    await stop(p, kind, dir, services);
  }
}

async function scaleRun(kind: string, path: string) {
  const { dir, services } = tree(500, false);
  const t0 = performance.now();
  const p = start(kind, dir, path);
  try {
    await until(() => services.every((s) => pidOf(s) > 0), 300000, 20);
    const upMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 3000));
    const pids = supervision(p.pid);
    const c0 = cpuTicks(pids);
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const idle = (cpuTicks(pids) - c0) / TICK;
    return { upMs, threads: threads(p.pid), idle, procs: pids.length };
  } finally {
    await stop(p, kind, dir, services);
  }
}

const mib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;
const bin = Deno.makeTempDirSync({ prefix: "dt-bench-bin-" });
Deno.symlinkSync(DT, `${bin}/multilog`);
const basePath = Deno.env.get("PATH") ?? "/usr/bin:/bin";

console.log("## 50 services, each with `exec multilog t ./main`");
console.log("(supervision = svscan, plus supervise for daemontools; loggers excluded)");
row(["", "processes", "total RSS", "total PSS", "supervision RSS", "supervision PSS"]);
for (
  const [label, kind, path] of [
    ["dt + dt multilog", "dt", `${bin}:${basePath}`],
    ["dt + Debian multilog", "dt", basePath],
    ["daemontools", "daemontools", basePath],
  ]
) {
  const m = await memoryRun(kind, path);
  row([label, m.procs, mib(m.rss), mib(m.pss), mib(m.supRss), mib(m.supPss)]);
}
console.log(`\n## 500 services (no loggers); idle CPU over ${IDLE_S} s`);
row(["", "all up after", "threads (svscan)", "idle CPU", "processes"]);
for (const kind of ["dt", "daemontools"]) {
  const r = await scaleRun(kind, basePath);
  row([kind, `${(r.upMs / 1000).toFixed(2)} s`, r.threads, `${r.idle.toFixed(2)} s`, r.procs]);
}
Deno.removeSync(bin, { recursive: true });
