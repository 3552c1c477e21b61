/**
 * kill -9 of the scanner costs nothing: services, process loggers and the
 * log pipes live on (a keeper process holds the pipes), and a new scanner
 * on the same directory adopts them — same pids, no second copy, no line
 * lost — instead of starting everything again.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { run, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { need } from "../helpers/need.ts";
import { readStatus } from "../supervise/_service.ts";
import { restarted, svscan, up } from "./_svscan.ts";

/** Numbered lines every 5 ms, for ever. */
const STEADY = 'n=0; while :; do n=$((n+1)); echo "line $n"; sleep 0.005; done';
/** Bursts of 50 numbered lines, the last number noted in ./sent, then a pause. */
const BURSTS =
  'n=0; while :; do for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50; do n=$((n+1)); echo "line $n"; done; echo $n > sent.new; mv sent.new sent; sleep 1; done';

function numbers(main: string): number[] {
  let names: string[];
  try {
    names = [...Deno.readDirSync(main)].map((e) => e.name);
  } catch {
    return [];
  }
  if (names.includes("previous")) return [];
  return names.filter((n) => n.startsWith("@")).sort().concat(["current"]).flatMap((n) => {
    try {
      return Deno.readTextFileSync(`${main}/${n}`).split("\n");
    } catch {
      return [];
    }
  }).filter((l) => l !== "").map((l) => Number(l.split(" ")[2]));
}

function consecutive(ns: number[], what: string): void {
  ns.forEach((n, i) => assertEquals(n, i + 1, `${what}: line ${i + 1}`));
}

/**
 * Every number from 1 on, none missing and none ahead of its turn; lines may
 * come again (a scanner killed between writing lines and taking them out of
 * the pipe logs them once more: at least once, never lost).
 */
/** Every number from 1 to the last, once each, in order. */
function exactlyOnce(ns: number[], what: string): void {
  noneLost(ns, what);
  const twice = ns.filter((n, i) => i > 0 && n <= ns[i - 1]);
  assertEquals(twice, [], `${what}: lines logged twice or out of order`);
}

function noneLost(ns: number[], what: string): void {
  let max = 0;
  for (const [i, n] of ns.entries()) {
    assert(
      n <= max + 1,
      `${what}: line ${max + 1} missing (${ns.slice(Math.max(0, i - 3), i + 3)})`,
    );
    max = Math.max(max, n);
  }
  assert(max > 0, `${what}: nothing logged`);
}
/**
 * Live processes whose cwd is exactly `dir` and whose command is `comm`,
 * leaving out those whose parent is one of them (a run script's fork on its
 * way to exec a command).
 */
function processesIn(dir: string, comm: string): number[] {
  const found = new Map<number, number>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${e.name}/comm`).trim() !== comm) continue;
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (f[0] === "Z") continue;
      if (Deno.readLinkSync(`/proc/${e.name}/cwd`) === dir) found.set(Number(e.name), Number(f[1]));
    } catch { /* gone */ }
  }
  return [...found].filter(([, ppid]) => !found.has(ppid)).map(([pid]) => pid);
}

function sent(dir: string): number {
  try {
    return Number(Deno.readTextFileSync(`${dir}/sent`));
  } catch {
    return 0;
  }
}

function tree(sb: Sandbox) {
  const inproc = [0, 1, 2, 3].map((i) => {
    const d = sb.service(`in${i}`, BURSTS);
    sb.write(`in${i}/log/run`, "#!/bin/sh\nexec multilog t ./main\n", true);
    return d;
  });
  const proc = [0, 1, 2].map((i) => {
    const d = sb.service(`proc${i}`, STEADY);
    // a line before the exec: not a canonical form, so the logger is a process
    sb.write(`proc${i}/log/run`, "#!/bin/sh\n: as a process\nexec multilog t ./main\n", true);
    return d;
  });
  const plain = [0, 1, 2].map((i) => sb.service(`plain${i}`, "exec sleep 1000"));
  return { inproc, proc, plain };
}

Deno.test("svscan: kill -9 of the scanner, a new scanner adopts every service, logger and pipe", async () => {
  await withSandbox(async (sb) => {
    const { inproc, proc, plain } = tree(sb);
    const env = { PATH: "/usr/bin:/bin" };
    const first = svscan(sb, [sb.dir], env);
    const pids = new Map<string, number>();
    for (const d of [...inproc, ...proc, ...plain]) pids.set(d, await up(d));
    for (const d of proc) pids.set(`${d}/log`, await up(`${d}/log`));
    for (const d of inproc) assertEquals(await up(`${d}/log`), first.pid);
    // the in-process loggers have logged what was sent (between bursts), the others go on
    await waitFor(
      "bursts logged",
      () => inproc.every((d) => sent(d) > 0 && numbers(`${d}/log/main`).at(-1) === sent(d)),
    );
    const keeper = processesIn(sb.dir, "sleep").filter((p) =>
      Deno.readTextFileSync(`/proc/${p}/cmdline`).startsWith("sleep\x002147483647")
    );
    assertEquals(keeper.length, 1, "one keeper holds the log pipes");
    first.kill("SIGKILL");
    await first.status;

    // meanwhile every service goes on, writing into pipes the keeper holds
    const before = proc.map((d) => numbers(`${d}/log/main`).at(-1) ?? 0);
    await waitFor(
      "the process loggers go on logging",
      () => proc.every((d, i) => (numbers(`${d}/log/main`).at(-1) ?? 0) > before[i]),
    );
    for (const [d, pid] of pids) assert(Deno.statSync(`/proc/${pid}`), `${d} survived`);

    const second = svscan(sb, [sb.dir], env);
    for (const d of inproc) {
      await waitFor(
        `${d}/log in the new scanner`,
        () => readStatus(`${d}/log`)?.pid === second.pid,
      );
    }
    // the same processes, watched, not started again: one of each
    for (const [d, pid] of pids) assertEquals(readStatus(d)?.pid, pid, `${d} adopted`);
    for (const d of [...inproc, ...proc]) assertEquals(processesIn(d, "run").length, 1, `one ${d}`);
    // multilog works in its log directory
    for (const d of proc) assertEquals(processesIn(`${d}/log/main`, "multilog").length, 1);
    for (const d of plain) assertEquals(processesIn(d, "sleep").length, 1, `one ${d}`);
    // the old keeper was ended once the new scanner held the pipes again
    await waitFor("the old keeper gone", () =>
      keeper.every((p) => {
        try {
          return Deno.readTextFileSync(`/proc/${p}/stat`).includes(") Z");
        } catch {
          return true;
        }
      }));
    // no gap in any log: what was written while no scanner ran came through the pipes
    await waitFor(
      "logging on",
      () =>
        proc.every((d, i) => (numbers(`${d}/log/main`).at(-1) ?? 0) > before[i] + 100) &&
        inproc.every((d) => (numbers(`${d}/log/main`).at(-1) ?? 0) > 100),
      30000,
    );
    await waitFor(
      "the next bursts logged",
      () => inproc.every((d) => numbers(`${d}/log/main`).at(-1) === sent(d) && sent(d) > 100),
    );
    for (const d of [...inproc, ...proc]) consecutive(numbers(`${d}/log/main`), d);
    // adopted services are controlled as before
    assertEquals((await run("/usr/bin/svc", ["-t", plain[0]])).code, 0);
    await restarted(plain[0], pids.get(plain[0])!);
    assertEquals((await run("/usr/bin/svc", ["-t", proc[0]])).code, 0);
    await restarted(proc[0], pids.get(proc[0])!);
    second.kill("SIGTERM");
    assertEquals((await second.status).code, 0);
  });
});

Deno.test("svscan: kill -9 while in-process loggers are writing: no line lost or logged twice", async () => {
  await withSandbox(async (sb) => {
    const dirs = [0, 1, 2, 3].map((i) => {
      const d = sb.service(`in${i}`, STEADY);
      sb.write(`in${i}/log/run`, "#!/bin/sh\nexec multilog t ./main\n", true);
      return d;
    });
    const env = { PATH: "/usr/bin:/bin" };
    /** A scanner whose in-process loggers have logged 20 more lines each. */
    const logging = async () => {
      const sc = svscan(sb, [sb.dir], env);
      for (const d of dirs) await waitFor(`${d}/log`, () => readStatus(`${d}/log`)?.pid === sc.pid);
      const last = () => dirs.map((d) => numbers(`${d}/log/main`).at(-1) ?? 0);
      const at = last();
      await waitFor("logging", () => last().every((n, i) => n > at[i] + 20));
      return sc;
    };
    for (let round = 0; round < 8; round++) {
      const sc = await logging();
      sc.kill("SIGKILL"); // in the middle of it
      await sc.status;
    }
    const last = await logging();
    for (const d of dirs) exactlyOnce(numbers(`${d}/log/main`), d);
    last.kill("SIGTERM");
    assertEquals((await last.status).code, 0);
  });
});

Deno.test("svscan: kill -9 between a write and its removal from the pipe logs no line twice", async () => {
  const strace = need("strace", "strace");
  await withSandbox(async (sb) => {
    const dirs = [0, 1].map((i) => {
      const d = sb.service(`in${i}`, STEADY);
      sb.write(`in${i}/log/run`, "#!/bin/sh\nexec multilog t ./main\n", true);
      return d;
    });
    const env = { PATH: "/usr/bin:/bin" };
    const last = () => dirs.map((d) => numbers(`${d}/log/main`).at(-1) ?? 0);
    const more = async (what: string, k: number) => {
      const at = last();
      await waitFor(what, () => last().every((n, i) => n > at[i] + k));
    };
    for (let round = 0; round < 6; round++) {
      const sc = svscan(sb, [sb.dir], env);
      for (const d of dirs) await waitFor(`${d}/log`, () => readStatus(`${d}/log`)?.pid === sc.pid);
      await more("logging", 5);
      // every read(2) of the scanner's main thread now waits 20 ms: a chunk's lines sit
      // written but still in the pipe for a good part of the time
      const tracer = sb.start(strace, [
        "-qq",
        "-p",
        String(sc.pid),
        "-o",
        "/dev/null",
        "-e",
        "trace=read",
        "-e",
        "inject=read:delay_enter=20000",
      ]);
      await more("logging while traced", 10);
      sc.kill("SIGKILL");
      await sc.status;
      await tracer.status;
    }
    const sc = svscan(sb, [sb.dir], env);
    await more("logging again", 20);
    for (const d of dirs) exactlyOnce(numbers(`${d}/log/main`), d);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});

Deno.test("svscan: the start of a line waits in the pipe for its end: kill -9 meanwhile loses none of it", async () => {
  await withSandbox(async (sb) => {
    // one write: a whole line, then the start of the next; the rest comes once ./go exists
    const d = sb.service(
      "half",
      "printf 'line one\\nthe first half '; while [ ! -e go ]; do sleep 0.05; done; " +
        "echo 'the second half'; exec sleep 1000",
    );
    sb.write("half/log/run", "#!/bin/sh\nexec multilog ./main\n", true);
    const env = { PATH: "/usr/bin:/bin" };
    /** Every file of the log, oldest first (the killed logger's `current` is kept as `@….u`). */
    const logged = () => {
      try {
        const names = [...Deno.readDirSync(`${d}/log/main`)].map((e) => e.name)
          .filter((n) => n.startsWith("@")).sort().concat(["current"]);
        return names.map((n) => Deno.readTextFileSync(`${d}/log/main/${n}`)).join("");
      } catch {
        return "";
      }
    };
    const first = svscan(sb, [sb.dir], env);
    await waitFor("the whole line logged", () => logged() === "line one\n");
    first.kill("SIGKILL");
    await first.status;
    Deno.writeTextFileSync(`${d}/go`, "");
    const second = svscan(sb, [sb.dir], env);
    await waitFor("the rest of the line logged", () => logged().includes("second half"));
    assertEquals(logged(), "line one\nthe first half the second half\n");
    second.kill("SIGTERM");
    assertEquals((await second.status).code, 0);
  });
});
