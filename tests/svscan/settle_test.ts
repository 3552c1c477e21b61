/**
 * A scanner settles once its burst of new services is over: start-up's pages
 * of the `deno` executable leave its resident set (they stay in the page
 * cache), and it goes on supervising as before. The reference is a dt
 * program that never settles (tai64n); a scanner that did not settle (the
 * one over an empty directory, with no burst) stays near it.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, REF, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { cleanExeKiB, unsettled } from "../helpers/exe_pages.ts";
import {
  noteWork,
  onSettle,
  settle,
  settleAfterWork,
  Settler,
  WORK_BURST,
  workNoted,
} from "../../lib/sys/settle.ts";
import { restarted, signal, up } from "./_svscan.ts";
import { mkfifo } from "../../lib/sys/fifo.ts";
import { withFakeTimers } from "../helpers/fake_clock.ts";

Deno.test("svscan: after its burst it gives start-up's pages back, and supervises as before", async () => {
  await withSandbox(async (sb) => {
    const dirs = Array.from(
      { length: 20 },
      (_, i) => sb.service(`service/s${i}`, "exec sleep 1000"),
    );
    Deno.mkdirSync(sb.path("empty"));
    const busy = sb.start(LAUNCHER, ["svscan", sb.path("service")], { cwd: sb.dir });
    const idle = sb.start(LAUNCHER, ["svscan", sb.path("empty")], { cwd: sb.dir });
    const ref = await unsettled(sb);
    for (const d of dirs) await up(d);
    const settled = await waitFor("the busy scanner settled", () => {
      const mine = cleanExeKiB(busy.pid), other = cleanExeKiB(ref.proc.pid);
      return mine < other * 0.6 ? { mine, other } : null;
    });
    // no burst, no settle: the scanner over an empty directory kept more
    assert(cleanExeKiB(idle.pid) > settled.mine, JSON.stringify(settled));
    // what it unmapped comes back as it runs: svc, a restart, a new service
    const old = readStatus(dirs[0])!.pid;
    assertEquals((await run(`${REF}/svc`, ["-t", dirs[0]])).code, 0);
    await restarted(dirs[0], old);
    const st = await run(`${REF}/svstat`, [dirs[0]]);
    assert(/: up \(pid \d+\) \d+ seconds/.test(st.stdout), st.stdout);
    const later = sb.service("stage/late", "exec sleep 1000");
    Deno.renameSync(later, sb.path("service/late"));
    await up(sb.path("service/late"));
    ref.end();
    assertEquals((await ref.proc.status).code, 0);
    for (const p of [busy, idle]) signal(p.pid, "SIGTERM");
    assertEquals((await busy.status).code, 0);
    assertEquals((await idle.status).code, 0);
  });
});

/** KiB of `pid`'s anonymous memory, its proportional share (Pss_Anon). */
function anonKiB(pid: number): number {
  const m = /^Pss_Anon:\s+(\d+)/m.exec(Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`));
  return m ? Number(m[1]) : 0;
}

Deno.test("svscan: after a log flood through an in-process logger, its memory is given back", async () => {
  await withSandbox(async (sb) => {
    const line = "0123456789".repeat(7);
    const go = sb.path("go");
    mkfifo(go);
    // the flood starts when the test opens the FIFO: after the scanner's first settle
    const dir = sb.service(
      "service/f",
      `read x <${go}\nyes ${line} | head -c 67108864\nexec sleep 1000`,
    );
    sb.write("service/f/log/run", "#!/bin/sh\nexec multilog t s16777215 n20 ./main\n", true);
    const p = sb.start(LAUNCHER, ["svscan", sb.path("service")], { cwd: sb.dir });
    const ref = await unsettled(sb);
    await waitFor("the first settle", () => cleanExeKiB(p.pid) < cleanExeKiB(ref.proc.pid) * 0.6);
    const before = anonKiB(p.pid);
    const f = Deno.openSync(go, { write: true });
    f.writeSync(new TextEncoder().encode("go\n"));
    f.close();
    let peak = 0;
    const logged = () => {
      let n = 0;
      for (const e of Deno.readDirSync(`${dir}/log/main`)) {
        if (e.name === "current" || e.name.startsWith("@")) {
          n += Deno.statSync(`${dir}/log/main/${e.name}`).size;
        }
      }
      return n;
    };
    // 64 MiB of lines, each stamped (+26 bytes): all of it in the files
    const want = 67108864 / (line.length + 1) * (line.length + 27);
    await waitFor("the flood logged", () => {
      peak = Math.max(peak, anonKiB(p.pid));
      try {
        return logged() >= want - (line.length + 27);
      } catch {
        return false;
      }
    }, 60000);
    peak = Math.max(peak, anonKiB(p.pid));
    // at least half of what the flood added is given back (the peak depends on how far the
    // disk lagged behind the service: relative to it, not to the scanner's own size)
    let now = peak;
    const after = await waitFor("memory given back", () => {
      now = anonKiB(p.pid);
      return now < before + (peak - before) / 2 ? now : 0;
    }).catch((e) => {
      throw new Error(`${e.message}: ${before} KiB before, ${peak} at the peak, ${now} now`);
    });
    assert(after < peak, `${after} KiB after, ${peak} KiB at the peak`);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    ref.end();
    assertEquals((await ref.proc.status).code, 0);
  });
});

Deno.test("settle: the parts registered give back what a burst grew, until they are gone", () => {
  const gave: string[] = [];
  const undoA = onSettle(() => gave.push("a"));
  const undoB = onSettle(() => {
    throw new Error("a part that cannot give back");
  });
  const undoC = onSettle(() => gave.push("c"));
  settle();
  assertEquals(gave, ["a", "c"], "a part that throws stops none of the others");
  undoA();
  undoB();
  settle();
  assertEquals(gave, ["a", "c", "c"]);
  undoC();
  settle();
  assertEquals(gave, ["a", "c", "c"]);
});

Deno.test("Settler: settles once, after progress has stopped moving, and not while it moves", async () => {
  await withFakeTimers((clock) => {
    let progress = 0;
    const acts: number[] = [];
    const s = new Settler(20, () => acts.push(progress), () => progress);
    s.busy();
    // progress moves for a while: no settle meanwhile, however long that lasts
    for (let i = 0; i < 30; i++) {
      progress++;
      clock.tick(5);
      assertEquals(acts, [], `settled while progress moved (step ${i})`);
    }
    const last = progress;
    clock.tick(19); // the check due meanwhile saw progress moved since the one before: armed again
    assertEquals(acts, []);
    clock.tick(20); // the next finds it still: one settle
    assertEquals(acts, [last]);
    assertEquals(clock.timers.size, 0, "a settled process has nothing due");
    // progress without busy() (a service restarting) arms nothing
    progress++;
    clock.tick(60);
    assertEquals(acts, [last]);
    assertEquals(clock.timers.size, 0);
    s.stop();
  });
});

Deno.test("Settler: a burst of work (a log flood) arms it again once it is over", async () => {
  await withFakeTimers((clock) => {
    let acts = 0;
    const s = new Settler(20, () => acts++, workNoted);
    settleAfterWork(s);
    try {
      // less than a burst arms nothing
      noteWork(WORK_BURST / 2);
      assertEquals(clock.timers.size, 0);
      clock.tick(60);
      assertEquals(acts, 0);
      // a flood: settles once, after the work stopped, not while it went on
      for (let i = 0; i < 20; i++) {
        noteWork(WORK_BURST / 8);
        clock.tick(5);
        assertEquals(acts, 0, `settled during the flood (step ${i})`);
      }
      clock.tick(40);
      assertEquals(acts, 1, "settled after the flood");
      clock.tick(60);
      assertEquals(acts, 1);
      // counted from that settle: a little more work arms nothing
      noteWork(WORK_BURST / 2);
      assertEquals(clock.timers.size, 0);
      clock.tick(60);
      assertEquals(acts, 1);
    } finally {
      settleAfterWork(null);
      s.stop();
    }
  });
});
