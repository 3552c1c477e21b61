/**
 * The scanner's orderly end: every service down, loggers last, the pipes
 * closed so each logger drains what is left.
 *
 * @module
 */
import { sleep, waitAll } from "../common/long_timer.ts";
import { close } from "../sys/fd.ts";
import { SIG, signalIfThere } from "../sys/signal.ts";
import { descendants } from "../proctree/descendants.ts";
import { closeLogInput, type Entry } from "./entry.ts";
import type { PipeKeeper } from "./pipe_keeper.ts";

/** Options for {@link Scanner.shutdown}. */
export interface ShutdownOptions {
  /** Also TERM (then KILL) processes below this one that no supervisor owns (init, subreaper). */
  strays?: boolean;
  /** Pids that are not strays although no supervisor owns them (svscanboot's readproctitle). */
  keep?: readonly number[];
}

/**
 * Stops every service of `entries` as `svc -dx` would (TERM, then CONT), main
 * services first; with `strays`, every process below this one that no
 * supervisor owns (orphans, leftovers of a service) gets TERM and CONT at the
 * same time. When they are all gone, or `graceMs` has passed, what is left
 * gets KILL. Then the loggers: their pipes' write ends are closed (the
 * keeper's too), so a logger reads what is left, sees EOF and ends; one that
 * does not is stopped as `svc -dx`, and KILLed after the grace (at least one
 * more second). Resolves when every supervisor has exited, with the pipes,
 * readers and feeders of `entries` closed.
 */
export async function stopServices(
  entries: readonly Entry[],
  keeper: PipeKeeper,
  graceMs: number,
  opts: ShutdownOptions,
): Promise<void> {
  const deadline = Date.now() + graceMs;
  const mains = entries.flatMap((e) => e.main ? [e.main] : []);
  const logs = entries.flatMap((e) => e.log ? [e.log] : []);
  const keep = new Set([...(opts.keep ?? []), keeper.pid]);
  const owned = () => {
    const s = new Set(keep);
    for (const sv of [...mains, ...logs]) if (sv.pid) s.add(sv.pid);
    return s;
  };
  const signalled = new Set<number>();
  const termStrays = (): number => {
    if (!opts.strays) return 0;
    const found = descendants(Deno.pid, owned());
    for (const p of found) {
      if (signalled.has(p)) continue;
      signalled.add(p);
      signalIfThere(p, SIG.TERM);
      signalIfThere(p, SIG.CONT);
    }
    return found.length;
  };
  for (const sv of mains) sv.control("dx");
  termStrays();
  while (Date.now() < deadline) {
    const left = termStrays() + mains.filter((sv) => sv.running).length;
    if (left === 0) break;
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
  }
  for (const sv of mains) if (sv.pid) sv.control("k");
  if (opts.strays) { for (const p of descendants(Deno.pid, owned())) signalIfThere(p, SIG.KILL); }
  await waitAll(mains.map((s) => s.done), Date.now() + 1000);
  // loggers last: no writer left but the scanner's own end; close it and let them drain
  for (const sv of logs) sv.control("x");
  // no writer left but the keeper's end and this one: close both, so loggers see the end
  keeper.stop(entries.map((e) => e.name));
  for (const e of entries) {
    if (e.pipe) close(e.pipe[1]);
    if (e.out) close(e.out.pipe[1]); // (--log-prefix) the reader writes what is left, then ends
  }
  const outs = entries.flatMap((e) => e.out ? [e.out.input.ended] : []);
  const logDeadline = Math.max(deadline, Date.now() + 1000);
  await waitAll([...logs.map((s) => s.done), ...outs], logDeadline);
  for (const sv of logs) sv.control("dx");
  await waitAll(logs.map((s) => s.done), Math.max(logDeadline, Date.now() + 1000));
  for (const sv of logs) if (sv.pid) sv.control("k");
  await waitAll(logs.map((s) => s.done), Date.now() + 1000);
  for (const e of entries) closeLogInput(e, false); // (write ends closed above)
}
