/**
 * Loggers inside the scanner, side by side with daemontools in one run:
 * 1. total PSS/RSS of a tree of N services whose log/run is the canonical
 *    `exec multilog t ./main` (dt: one svscan process; daemontools: svscan,
 *    supervise ×2N, multilog ×N); the services' own `sleep`s are not counted;
 * 2. throughput: one service writes LINES lines of 100 bytes into
 *    `multilog t s16777215 n20 ./main`; time from start until every line is in
 *    the log directory.
 *
 * Usage: deno run -A scripts/bench/inlog.ts [N...]   (default 50 500)
 *        deno run -A scripts/bench/inlog.ts --forms [N]   (default 50): from the
 *        bundle (dist/dt, `deno task bundle` first), the same tree with log/run
 *        naming multilog by bare name and by absolute path
 */
import { DT, memory, ROOT, row, until } from "./_lib.ts";

const FORMS = Deno.args[0] === "--forms";
const SIZES = FORMS ? [] : Deno.args.length ? Deno.args.map(Number) : [50, 500];
const LINES = 2_000_000;

function descendants(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const s = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      if (s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")) === "sleep") continue;
      const ppid = Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(e.name)]);
    } catch { /* gone */ }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]) ?? []));
  return out;
}

function pidOf(dir: string): number {
  try {
    return new DataView(Deno.readFileSync(`${dir}/supervise/status`).buffer).getUint32(12, true);
  } catch {
    return 0;
  }
}

function tree(n: number, run: string, logRun: string): string {
  const dir = Deno.makeTempDirSync({ prefix: "dt-bench-inlog-" });
  for (let i = 0; i < n; i++) {
    const s = `${dir}/svc${i}`;
    Deno.mkdirSync(`${s}/log`, { recursive: true });
    Deno.writeTextFileSync(`${s}/run`, `#!/bin/sh\n${run}\n`, { mode: 0o755 });
    Deno.writeTextFileSync(`${s}/log/run`, `#!/bin/sh\n${logRun}\n`, { mode: 0o755 });
  }
  return dir;
}

async function withScanner<T>(
  cmd: string[],
  dir: string,
  fn: (pid: number) => Promise<T>,
  path = "/usr/bin:/bin",
): Promise<T> {
  const p = new Deno.Command(cmd[0], {
    args: [...cmd.slice(1), dir],
    stdout: "null",
    stderr: "null",
    env: { PATH: path },
  }).spawn();
  try {
    return await fn(p.pid);
  } finally {
    for (const pid of descendants(p.pid).reverse()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    await p.status;
    for (const e of Deno.readDirSync(dir)) {
      // stray services (sleep) of this tree
      try {
        const pid = pidOf(`${dir}/${e.name}`);
        if (pid) Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    Deno.removeSync(dir, { recursive: true });
  }
}

async function treeMemory(
  cmd: string[],
  n: number,
  logRun = "exec multilog t ./main",
  path?: string,
) {
  const dir = tree(n, "exec sleep 100000", logRun);
  return await withScanner(cmd, dir, async (pid) => {
    await until(
      () => [...Array(n).keys()].every((i) => pidOf(`${dir}/svc${i}/log`) !== 0),
      120000,
      50,
    );
    await new Promise((r) => setTimeout(r, 2000));
    let rss = 0, pss = 0;
    const pids = descendants(pid);
    for (const p of pids) {
      try {
        const m = memory(p);
        rss += m.rss;
        pss += m.pss;
      } catch { /* gone */ }
    }
    return { procs: pids.length, rss, pss };
  }, path);
}

if (FORMS) {
  const n = Number(Deno.args[1] ?? 50);
  const exe = `${ROOT}/dist/dt`;
  const scratch = Deno.makeTempDirSync({ prefix: "dt-bench-forms-" });
  for (const p of ["bin/multilog", "bin/dt", "usr/local/bin/multilog"]) {
    Deno.mkdirSync(`${scratch}/${p.slice(0, p.lastIndexOf("/"))}`, { recursive: true });
    Deno.symlinkSync(exe, `${scratch}/${p}`);
  }
  row([`${n} services, dist/dt svscan`, "processes", "PSS", "RSS"]);
  for (
    const [label, logRun] of [
      ["exec multilog t ./main", "exec multilog t ./main"],
      ["exec /usr/local/bin/multilog t ./main", `exec ${scratch}/usr/local/bin/multilog t ./main`],
    ]
  ) {
    const m = await treeMemory([exe, "svscan"], n, logRun, `${scratch}/bin:/usr/bin:/bin`);
    row([label, m.procs, `${(m.pss / 1024).toFixed(1)} MiB`, `${(m.rss / 1024).toFixed(1)} MiB`]);
  }
  Deno.removeSync(scratch, { recursive: true });
  Deno.exit(0);
}

async function throughput(cmd: string[], input: string) {
  const dir = tree(1, `cat ${input}; exec sleep 100000`, "exec multilog t s16777215 n20 ./main");
  return await withScanner(cmd, dir, async () => {
    const t0 = performance.now();
    const main = `${dir}/svc0/log/main`;
    await until(
      () => {
        let size = 0;
        try {
          for (const e of Deno.readDirSync(main)) {
            if (e.name === "current" || e.name.startsWith("@")) {
              size += Deno.statSync(`${main}/${e.name}`).size;
            }
          }
        } catch { /* not yet */ }
        return size >= LINES * 126; // 100 bytes + newline + 25-byte stamp
      },
      600000,
      20,
    );
    const s = (performance.now() - t0) / 1000;
    let lines = 0;
    for (const e of Deno.readDirSync(main)) {
      if (e.name !== "current" && !e.name.startsWith("@")) continue;
      const b = Deno.readFileSync(`${main}/${e.name}`);
      for (const x of b) if (x === 10) lines++;
    }
    return { s, lines };
  });
}

const dt = [DT, "svscan"];
const dtools = ["/usr/bin/svscan"];
row(["tree (canonical log/run)", "daemontools", "dt (in-process)", "dt / daemontools"]);
for (const n of SIZES) {
  const a = await treeMemory(dtools, n);
  const b = await treeMemory(dt, n);
  row([`${n} services: processes`, a.procs, b.procs, ""]);
  row([
    `${n} services: PSS`,
    `${(a.pss / 1024).toFixed(1)} MiB`,
    `${(b.pss / 1024).toFixed(1)} MiB`,
    `${(b.pss / a.pss).toFixed(2)}x`,
  ]);
  row([
    `${n} services: RSS`,
    `${(a.rss / 1024).toFixed(1)} MiB`,
    `${(b.rss / 1024).toFixed(1)} MiB`,
    `${(b.rss / a.rss).toFixed(2)}x`,
  ]);
}
const input = Deno.makeTempFileSync({ prefix: "dt-bench-lines-" });
{
  const line = "x".repeat(92);
  const chunk: string[] = [];
  for (let i = 0; i < LINES; i++) chunk.push(`${String(i).padStart(7, "0")} ${line}`);
  Deno.writeTextFileSync(input, chunk.join("\n") + "\n");
}
const ta = await throughput(dtools, input);
const tb = await throughput(dt, input);
Deno.removeSync(input);
row([
  `${LINES} lines through the logger`,
  `${ta.s.toFixed(2)} s (${ta.lines})`,
  `${tb.s.toFixed(2)} s (${tb.lines})`,
  `${(ta.s / tb.s).toFixed(2)}x faster`,
]);
