/**
 * supervise, svc and svstat side by side with daemontools in one run:
 * restart latency (kill -9 → new pid in the status file), svc -t round trip,
 * svstat wall time, memory of one supervise process.
 *
 * Usage: deno run -A scripts/bench/supervise.ts [RESULTS]
 * With RESULTS, also appends `SUITE KEY VALUE` lines to that file (scripts/bench/all.sh).
 */
import { DT, median, memory, row, timeRun, until } from "./_lib.ts";

function pidOf(dir: string): number {
  try {
    return new DataView(Deno.readFileSync(`${dir}/supervise/status`).buffer).getUint32(12, true);
  } catch {
    return 0;
  }
}

async function measure(name: string, supervise: string[], svc: string[], svstat: string[]) {
  const dir = Deno.makeTempDirSync({ prefix: `dt-bench-${name}-` });
  Deno.writeTextFileSync(`${dir}/run`, "#!/bin/sh\nexec sleep 1000\n");
  Deno.chmodSync(`${dir}/run`, 0o755);
  const sv = new Deno.Command(supervise[0], {
    args: [...supervise.slice(1), dir],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await until(() => pidOf(dir), 10000);
    await new Promise((r) => setTimeout(r, 1500));
    const restart: number[] = [];
    for (let i = 0; i < 10; i++) {
      const old = pidOf(dir);
      const t0 = performance.now();
      Deno.kill(old, "SIGKILL");
      await until(() => pidOf(dir) && pidOf(dir) !== old);
      restart.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1100));
    }
    const rt: number[] = [];
    for (let i = 0; i < 8; i++) {
      const old = pidOf(dir);
      const t0 = performance.now();
      await timeRun(svc[0], [...svc.slice(1), "-t", dir]);
      await until(() => pidOf(dir) && pidOf(dir) !== old);
      rt.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1100));
    }
    const st: number[] = [];
    for (let i = 0; i < 15; i++) st.push(await timeRun(svstat[0], [...svstat.slice(1), dir]));
    const mem = memory(sv.pid);
    await timeRun(svc[0], [...svc.slice(1), "-dx", dir]);
    await sv.status;
    return { restart: median(restart), rt: median(rt), svstat: median(st), ...mem };
  } finally {
    try {
      sv.kill("SIGKILL");
    } catch { /* ended */ }
    Deno.removeSync(dir, { recursive: true });
  }
}

const theirs = await measure("dtools", ["/usr/bin/supervise"], ["/usr/bin/svc"], [
  "/usr/bin/svstat",
]);
const ours = await measure("dt", [DT, "supervise"], [DT, "svc"], [DT, "svstat"]);
row(["measure (median)", "daemontools", "dt", "dt/daemontools"]);
const r = (a: number, b: number) => (b / a).toFixed(2) + "x";
row([
  "restart after kill -9",
  theirs.restart.toFixed(2) + " ms",
  ours.restart.toFixed(2) + " ms",
  r(theirs.restart, ours.restart),
]);
row([
  "svc -t round trip",
  theirs.rt.toFixed(1) + " ms",
  ours.rt.toFixed(1) + " ms",
  r(theirs.rt, ours.rt),
]);
row([
  "svstat wall time",
  theirs.svstat.toFixed(1) + " ms",
  ours.svstat.toFixed(1) + " ms",
  r(theirs.svstat, ours.svstat),
]);
row(["supervise RSS", theirs.rss + " KiB", ours.rss + " KiB", r(theirs.rss, ours.rss)]);
row(["supervise PSS", theirs.pss + " KiB", ours.pss + " KiB", r(theirs.pss, ours.pss)]);

const results = Deno.args[0];
if (results) {
  const kv = (k: string, t: number, o: number) =>
    `daemontools ${k} ${t.toFixed(2)}\ndt ${k} ${o.toFixed(2)}\n`;
  Deno.writeTextFileSync(
    results,
    kv("restart_ms", theirs.restart, ours.restart) + kv("svc_t_ms", theirs.rt, ours.rt),
    { append: true },
  );
}
