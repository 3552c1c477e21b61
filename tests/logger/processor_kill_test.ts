/**
 * Exactly once with a `!processor`: the scanner killed -9 again and again
 * while an in-process logger rotates `current` through a processor
 * (`multilog t s4096 '!cat' ./main`), and every numbered line the service
 * wrote is in the log files once — none lost, none twice.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { withSandbox } from "../helpers/mod.ts";
import { waitFor } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { svscan } from "../svscan/_svscan.ts";

/**
 * Bursts of numbered lines (one write each), quick enough that the pipe holds
 * several while a rotation runs the processor; it stops once ./stop exists
 * and notes its last number in ./sent.
 */
const WRITER = "n=0; while [ ! -e stop ]; do for i in 1 2 3 4 5 6 7 8 9 10; do n=$((n+1)); " +
  'echo "line $n"; done; sleep 0.01; done; echo $n > sent.new; mv sent.new sent; exec sleep 1000';

/** The numbers of the lines in every log file of `main`, oldest file first. */
function numbers(main: string): number[] {
  const names = [...Deno.readDirSync(main)].map((e) => e.name);
  const files = names.filter((n) => /^@[0-9a-f]{24}\.[su]$/.test(n)).sort();
  for (const n of ["previous", "processed", "current"]) if (names.includes(n)) files.push(n);
  return files.flatMap((n) => Deno.readTextFileSync(`${main}/${n}`).split("\n"))
    .filter((l) => l !== "").map((l) => Number(l.split(" ")[2]));
}

/** The names in `main` now (none when it is not there yet). */
function names(main: string): string[] {
  try {
    return [...Deno.readDirSync(main)].map((e) => e.name);
  } catch {
    return [];
  }
}

/** True while a rotation is under way in `main` (the processor's files are there). */
function rotating(main: string): boolean {
  const n = names(main);
  return n.includes("previous") || n.includes("processed");
}

/**
 * The two moments of a rotation to kill at: while the processor runs
 * (`previous` is there), and once `previous` is removed and `processed` not
 * yet renamed (the chunk whose lines went to `previous` may still be in the
 * pipe: its file is gone, and its inode free for the next file).
 */
const MOMENTS: ((n: string[]) => boolean)[] = [
  (n) => n.includes("previous"),
  (n) => n.includes("processed") && !n.includes("previous"),
];

/** Resolves as soon as `main` is at `moment` (polled every millisecond), or after `ms`. */
async function reaching(main: string, moment: (n: string[]) => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!moment(names(main)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

function lastLogged(main: string): number {
  try {
    return Math.max(0, ...numbers(main));
  } catch {
    return 0;
  }
}

Deno.test("in-process logger with a processor: kill -9 during rotations logs every line exactly once", async () => {
  await withSandbox(async (sb) => {
    const svc = sb.service("chatty", WRITER);
    sb.write("chatty/log/run", "#!/bin/sh\nexec multilog t s4096 n1000 '!cat' ./main\n", true);
    const main = `${svc}/log/main`;
    const env = { PATH: "/usr/bin:/bin" };
    for (let round = 0; round < 10; round++) {
      const sc = svscan(sb, [sb.dir], env);
      await waitFor("the logger in this scanner", () => readStatus(`${svc}/log`)?.pid === sc.pid);
      const at = lastLogged(main);
      await waitFor("logging", () => lastLogged(main) > at + 150, 30000);
      // kill it in the middle of a rotation when one comes soon (else wherever it is)
      await reaching(main, MOMENTS[round % 2], 5000);
      sc.kill("SIGKILL");
      await sc.status;
    }
    const sc = svscan(sb, [sb.dir], env);
    Deno.writeTextFileSync(`${svc}/stop`, "");
    const sent = await waitFor("the writer's last line", () => {
      try {
        return Number(Deno.readTextFileSync(`${svc}/sent`));
      } catch {
        return 0;
      }
    });
    await waitFor("every line logged", () => !rotating(main) && lastLogged(main) === sent, 30000);
    const ns = numbers(main);
    const seen = new Map<number, number>();
    for (const n of ns) seen.set(n, (seen.get(n) ?? 0) + 1);
    const twice = [...seen].filter(([, k]) => k > 1).map(([n]) => n);
    const lost: number[] = [];
    for (let n = 1; n <= sent; n++) if (!seen.has(n)) lost.push(n);
    assertEquals(lost, [], "lines lost");
    assertEquals(twice, [], "lines logged twice");
    assert(ns.every((n, i) => i === 0 || n > ns[i - 1]), "lines in order");
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});
