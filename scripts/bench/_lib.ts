/**
 * Small helpers shared by the benchmarks: timing, memory from /proc, polling.
 *
 * @module
 */

/** Project root. */
export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** dt's launcher, from the bundle (`deno task bundle`): what ships. */
export const DT = `${ROOT}/dist/dt`;

/** RSS and PSS of a process in KiB, from smaps_rollup. */
export function memory(pid: number): { rss: number; pss: number } {
  const t = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
  const get = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(t)?.[1] ?? 0);
  return { rss: get("Rss"), pss: get("Pss") };
}

/** Runs a command to completion, returning wall ms. */
export async function timeRun(cmd: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
  return performance.now() - t0;
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Polls fn every ms until truthy, up to timeout ms. */
export async function until<T>(fn: () => T, timeout = 10000, every = 1): Promise<T> {
  const end = performance.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (performance.now() > end) throw new Error("bench: timed out");
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Prints a table row. */
export function row(cells: (string | number)[]): void {
  console.log(cells.map((c) => String(c).padEnd(22)).join(""));
}
