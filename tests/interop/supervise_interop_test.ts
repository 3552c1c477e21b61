/**
 * dt and Debian's daemontools on the same service directories, both ways.
 * These run against the real binaries (CI installs them).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { dt, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { procState, readStatus, RECORDER } from "../supervise/_service.ts";

const norm = (s: string) => s.replace(/\d+ seconds/g, "N seconds").replace(/pid \d+/g, "pid P");

Deno.test("interop: daemontools' svc, svstat, svok drive and read dt supervise", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER, { down: true });
    const sv = sb.startDt(["supervise", dir]);
    await waitFor("status", () => readStatus(dir));
    assertEquals((await run("/usr/bin/svok", [dir])).code, 0);
    assertEquals(norm((await run("/usr/bin/svstat", [dir])).stdout), `${dir}: down N seconds\n`);
    await run("/usr/bin/svc", ["-u", dir]);
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    assertEquals((await run("/usr/bin/svstat", [dir])).stdout.includes(`up (pid ${pid})`), true);
    assertEquals(
      norm((await run("/usr/bin/svstat", [dir])).stdout),
      norm((await dt(["svstat", dir])).stdout),
    );
    await run("/usr/bin/svc", ["-p", dir]);
    await waitFor("paused", () => procState(pid) === "T");
    assertEquals(
      norm((await run("/usr/bin/svstat", [dir])).stdout),
      `${dir}: up (pid P) N seconds, normally down, paused\n`,
    );
    await run("/usr/bin/svc", ["-c", dir]);
    await waitFor("continued", () => procState(pid) !== "T");
    await run("/usr/bin/svc", ["-dx", dir]);
    assertEquals((await sv.status).code, 0);
    await waitFor("supervise gone", async () => (await run("/usr/bin/svok", [dir])).code === 100);
  });
});

Deno.test("interop: dt svc, svstat, svok drive and read daemontools' supervise", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", RECORDER);
    const sv = sb.start("/usr/bin/supervise", [dir]);
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    assertEquals((await dt(["svok", dir])).code, 0);
    assertEquals(norm((await dt(["svstat", dir])).stdout), `${dir}: up (pid P) N seconds\n`);
    await dt(["svc", "-h", dir]);
    await waitFor("HUP", () => {
      try {
        return Deno.readTextFileSync(sb.path("web/sigs")).includes("HUP");
      } catch {
        return false;
      }
    });
    await dt(["svc", "-d", dir]);
    await waitFor("down", () => readStatus(dir)?.pid === 0);
    assertEquals(
      norm((await dt(["svstat", dir])).stdout),
      norm((await run("/usr/bin/svstat", [dir])).stdout),
    );
    assertEquals(norm((await dt(["svstat", dir])).stdout), `${dir}: down N seconds, normally up\n`);
    assert(procState(pid) === null || procState(pid) === "Z");
    await dt(["svc", "-x", dir]);
    assertEquals((await sv.status).code, 0);
    assertEquals((await dt(["svok", dir])).code, 100);
    assertEquals((await dt(["svstat", dir])).stdout, `${dir}: supervise not running\n`);
  });
});

/** Drives a supervise (dt's or daemontools') through the same states, recording status bytes. */
async function statusTrail(dir: string, svc: (o: string) => Promise<unknown>): Promise<string[]> {
  const trail: string[] = [];
  const snap = () => {
    const b = Deno.readFileSync(`${dir}/supervise/status`);
    const pidZero = b[12] === 0 && b[13] === 0 && b[14] === 0 && b[15] === 0;
    trail.push(
      `len=${b.length} tai=${b[0].toString(16)}${b[1].toString(16)} pid0=${pidZero} p=${b[16]} w=${
        b[17]
      }`,
    );
  };
  await waitFor("first status", () => readStatus(dir));
  snap();
  for (
    const [opt, ready] of [
      ["-u", () => readStatus(dir)?.pid],
      ["-p", () => readStatus(dir)?.paused],
      ["-c", () => readStatus(dir)?.paused === false],
      ["-d", () => readStatus(dir)?.pid === 0],
      ["-o", () => readStatus(dir)?.want === null && readStatus(dir)?.pid],
      ["-d", () => readStatus(dir)?.pid === 0 && readStatus(dir)?.want === "d"],
    ] as [string, () => unknown][]
  ) {
    await svc(opt);
    await waitFor(`after ${opt}`, ready);
    snap();
  }
  await svc("-x");
  return trail;
}

Deno.test("interop: the status file is byte-compatible through up, pause, down, once", async () => {
  await withSandbox(async (sb) => {
    const a = sb.service("theirs", RECORDER, { down: true });
    const b = sb.service("ours", RECORDER, { down: true });
    const p1 = sb.start("/usr/bin/supervise", [a]);
    const theirs = await statusTrail(a, (o) => run("/usr/bin/svc", [o, a]));
    const p2 = sb.startDt(["supervise", b]);
    const ours = await statusTrail(b, (o) => dt(["svc", o, b]));
    assertEquals(ours, theirs);
    await p1.status;
    await p2.status;
    // and the TAI64N labels are read back by the other side within seconds of now
    const ta = readStatus(a)!.when.sec, tb = readStatus(b)!.when.sec;
    assert(Math.abs(ta - Date.now() / 1000) < 120 && Math.abs(tb - Date.now() / 1000) < 120);
  });
});

Deno.test("interop: svc, svstat, svok say the same as daemontools for bad input", async () => {
  await withSandbox(async (sb) => {
    const idle = sb.service("idle", "exec sleep 1000");
    Deno.mkdirSync(sb.path("idle/supervise"));
    const cases: [string, string[]][] = [
      ["svc", ["-u", sb.path("missing")]],
      ["svc", ["-u", idle]],
      ["svc", ["-Z", idle]],
      ["svc", []],
      ["svstat", [sb.path("missing"), idle, sb.service("nosv", "true")]],
      ["svstat", []],
      ["svok", []],
      ["svok", [sb.path("missing")]],
      ["svok", [idle]],
      ["svok", [sb.path("nosv")]],
      ["supervise", []],
    ];
    for (const [prog, args] of cases) {
      const theirs = await run(prog, args);
      const ours = await dt([prog, ...args]);
      assertEquals(
        { code: ours.code, out: ours.stdout, err: ours.stderr },
        { code: theirs.code, out: theirs.stdout, err: theirs.stderr },
        `${prog} ${args.join(" ")}`,
      );
    }
  });
});
