/**
 * Many in-process loggers at once, as on a server: 50 services each writing
 * numbered lines, one write(2) a line, into `exec multilog t s4096 ./main`.
 * The scanner serves their pipes in batches (lib/sys/epoll_set.ts) and does
 * their writes, journal headers and splices together (lib/sys/uring.ts);
 * these tests check what that must not change: every line once across
 * kill -9 of the scanner, and a quiet service's control FIFO answered while
 * they all write.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { dt, need, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { svscan, up } from "../svscan/_svscan.ts";

const SERVICES = 50;

/**
 * Five numbered lines every 50 ms, one write each, until ./stop exists;
 * then the last number goes to ./sent, and it sleeps.
 */
const WRITER = 'exec perl -e \'$| = 1; my $n = 0; until (-e "stop") { ' +
  'for (1 .. 5) { $n++; print "line $n\\n" } select(undef, undef, undef, 0.05) } ' +
  'open(my $f, ">", "sent.new") or die; print $f $n; close $f; rename "sent.new", "sent"; ' +
  'exec "sleep", "1000"\'';

const ENV = { PATH: "/usr/bin:/bin" };

/** 50 writing services with in-process loggers; their directories. */
function tree(sb: Sandbox): string[] {
  const dirs: string[] = [];
  for (let i = 0; i < SERVICES; i++) {
    dirs.push(sb.service(`s${i}`, WRITER));
    sb.write(`s${i}/log/run`, "#!/bin/sh\nexec multilog t s4096 n1000 ./main\n", true);
  }
  return dirs;
}

/** The names in a log directory (none before it exists). */
function names(main: string): string[] {
  try {
    return [...Deno.readDirSync(main)].map((e) => e.name);
  } catch {
    return [];
  }
}

/** The number of the last line in `current` (0 while there is none). */
function lastInCurrent(main: string): number {
  try {
    const lines = Deno.readTextFileSync(`${main}/current`).split("\n");
    return Number(lines.at(-2)?.split(" ")[2] ?? 0);
  } catch {
    return 0;
  }
}

/** The numbers of the lines in every file of `main`, oldest file first. */
function numbers(main: string): number[] {
  const all = names(main);
  const files = all.filter((n) => /^@[0-9a-f]{24}\.[su]$/.test(n)).sort();
  for (const n of ["previous", "current"]) if (all.includes(n)) files.push(n);
  return files.flatMap((n) => Deno.readTextFileSync(`${main}/${n}`).split("\n"))
    .filter((l) => l !== "").map((l) => Number(l.split(" ")[2]));
}

/**
 * Resolves as soon as one of the logs is in the middle of a rotation (its
 * `previous` is there: polled every millisecond), or after `ms`.
 */
async function rotating(dirs: string[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const mains = dirs.map((d) => `${d}/log/main`);
  while (!mains.some((m) => names(m).includes("previous")) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Waits until every log has 50 lines more than it had. */
async function allLogging(dirs: string[]): Promise<void> {
  const at = dirs.map((d) => lastInCurrent(`${d}/log/main`));
  await waitFor(
    "every log growing",
    () => dirs.every((d, i) => lastInCurrent(`${d}/log/main`) > at[i] + 50),
    60000,
  );
}

Deno.test("50 in-process loggers: kill -9 of the scanner while all of them write, every line logged once", async () => {
  need("perl", "perl-base");
  await withSandbox(async (sb) => {
    const dirs = tree(sb);
    for (let round = 0; round < 4; round++) {
      const sc = svscan(sb, [sb.dir], ENV);
      await waitFor(
        "every logger in this scanner",
        () => dirs.every((d) => readStatus(`${d}/log`)?.pid === sc.pid),
        60000,
      );
      await allLogging(dirs);
      // in the middle of a rotation of one of them (its chunk is written, not yet taken out)
      await rotating(dirs, 5000);
      sc.kill("SIGKILL");
      await sc.status;
    }
    const sc = svscan(sb, [sb.dir], ENV);
    await waitFor(
      "every logger in the last scanner",
      () => dirs.every((d) => readStatus(`${d}/log`)?.pid === sc.pid),
      60000,
    );
    for (const d of dirs) Deno.writeTextFileSync(`${d}/stop`, "");
    const sent = await waitFor("every writer's last line", () => {
      const ns = dirs.map((d) => {
        try {
          return Number(Deno.readTextFileSync(`${d}/sent`));
        } catch {
          return 0;
        }
      });
      return ns.every((n) => n > 0) ? ns : null;
    }, 60000);
    const last = (main: string) => numbers(main).at(-1) ?? 0;
    await waitFor(
      "every line logged",
      () =>
        dirs.every((d, i) =>
          !names(`${d}/log/main`).includes("previous") && last(`${d}/log/main`) === sent[i]
        ),
      60000,
    );
    for (const [i, d] of dirs.entries()) {
      const ns = numbers(`${d}/log/main`);
      const seen = new Map<number, number>();
      for (const n of ns) seen.set(n, (seen.get(n) ?? 0) + 1);
      const twice = [...seen].filter(([, k]) => k > 1).map(([n]) => n);
      const lost: number[] = [];
      for (let n = 1; n <= sent[i]; n++) if (!seen.has(n)) lost.push(n);
      assertEquals(lost, [], `lines lost in s${i}`);
      assertEquals(twice, [], `lines logged twice in s${i}`);
      assert(ns.every((n, k) => k === 0 || n > ns[k - 1]), `lines in order in s${i}`);
    }
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});

Deno.test("50 in-process loggers writing: svc -t on a quiet service is acted on, again and again", async () => {
  need("perl", "perl-base");
  await withSandbox(async (sb) => {
    const dirs = tree(sb);
    const quiet = sb.service("quiet", "exec sleep 1000");
    const sc = svscan(sb, [sb.dir], ENV);
    try {
      let pid = await up(quiet, 60000);
      await allLogging(dirs);
      for (let i = 0; i < 5; i++) {
        assertEquals((await dt(["svc", "-t", quiet])).code, 0);
        // a generous deadline: what matters is that it is acted on while the loggers write
        pid = await waitFor("the quiet service restarted", () => {
          const p = readStatus(quiet)?.pid ?? 0;
          return p !== pid ? p : 0;
        }, 30000);
        // past supervise's one second between starts, so the next svc -t restarts it at once
        await new Promise((r) => setTimeout(r, 1100));
      }
      const st = await dt(["svstat", quiet]);
      assert(st.stdout.startsWith(`${quiet}: up (pid ${pid})`), st.stdout);
      await allLogging(dirs); // and the loggers went on
    } finally {
      sc.kill("SIGTERM");
      assertEquals((await sc.status).code, 0);
    }
  });
});
