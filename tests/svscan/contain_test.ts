/**
 * Faults stay in their service: a throw in one supervisor's poller, timer or
 * reaper callback, or a failing sink of a log pipe's reader, is reported with
 * the service's name; that supervisor is replaced by one that takes its
 * service over, and every other service goes on untouched.
 *
 * The scanner runs in this test's process (through mod.ts), with a message
 * sink that throws on chosen messages: the supervisor calls it from inside
 * its callbacks, as it would call a sink that fails for real.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { Scanner } from "../../mod.ts";
import { PipeReader } from "../../lib/logger/pipe_reader.ts";
import { close, pipe, writeAll } from "../../lib/sys/fd.ts";
import { up } from "./_svscan.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "scanner: a throw in one supervisor's poller, timer or reaper callback is contained",
  ...opts,
  fn: async () => {
    await withSandbox(async (sb) => {
      const good = sb.service("service/good", "exec sleep 1000");
      const bad = sb.service("service/bad", "exec sleep 1000", { down: true });
      Deno.chmodSync(`${bad}/run`, 0o644); // starting it fails: a message from inside a callback
      const lines: string[] = [];
      let armed = 0;
      const sc = new Scanner(sb.path("service"), {
        interval: 3_600_000,
        log: (l) => {
          lines.push(l);
          if (armed > 0 && l.includes(`unable to start ${bad}/run`)) {
            armed--;
            throw new Error("injected fault");
          }
        },
      });
      const reports = () =>
        lines.filter((l) => l.includes(`${bad}: internal error: injected fault`));
      try {
        sc.start();
        const goodPid = await up(good);
        const goodSv = sc.services.find((e) => e.name === "good")!.main;
        // the control FIFO's poller callback (svc -u starts at once and fails), then the
        // timer of the supervisor that replaced it (its retry a second later)
        armed = 2;
        assertEquals((await run("/usr/bin/svc", ["-u", bad])).code, 0);
        await waitFor("two faults reported", () => reports().length === 2);
        assertEquals(armed, 0);
        assert(
          lines.some((l) => l === `supervise: fatal: unable to start ${bad}/run: access denied`),
          "the replacement keeps retrying",
        );
        // the reaper's callback: the service makes its next start fail, then ends
        sb.service("service/bad", "chmod -x ./run; sleep 1.1; exit 1");
        const first = await up(bad);
        armed = 1;
        await waitFor("reaper fault reported", () => reports().length === 3);
        await waitFor("bad down", () => readStatus(bad)?.pid === 0);
        assertEquals(readStatus(bad)?.want, "u", "the wish survives the replacement");
        sb.service("service/bad", "exec sleep 1000");
        const again = await up(bad);
        assert(again !== first);
        // the other service never noticed
        assertEquals(readStatus(good)?.pid, goodPid);
        assertEquals(sc.services.find((e) => e.name === "good")!.main, goodSv);
        assertEquals((await run("/usr/bin/svc", ["-t", good])).code, 0);
        await waitFor("good restarted", () => {
          const p = readStatus(good)?.pid ?? 0;
          return p !== 0 && p !== goodPid;
        });
        // the replaced supervisor controls the service it took over
        assertEquals((await run("/usr/bin/svc", ["-d", bad])).code, 0);
        await waitFor("bad down by svc", () => readStatus(bad)?.pid === 0);
      } finally {
        await sc.shutdown(2000);
      }
    });
  },
});

Deno.test({
  name:
    "scanner: a supervisor that fails while its service runs hands the same pid to its successor",
  ...opts,
  fn: async () => {
    await withSandbox(async (sb) => {
      const svc = sb.service("service/web", "exec sleep 1000");
      const lines: string[] = [];
      let armed = false;
      const sc = new Scanner(sb.path("service"), {
        interval: 3_600_000,
        log: (l) => {
          lines.push(l);
          // `svc -u` on a service that is up writes the status: make that fail, then its report throw
          if (armed && l.includes("status.new")) {
            armed = false;
            throw new Error("injected fault");
          }
        },
      });
      try {
        sc.start();
        const pid = await up(svc);
        const when = Deno.readFileSync(`${svc}/supervise/status`).slice(0, 12);
        const first = sc.services[0].main;
        Deno.mkdirSync(`${svc}/supervise/status.new`); // the status write fails: a genuine error
        armed = true;
        assertEquals((await run("/usr/bin/svc", ["-u", svc])).code, 0);
        await waitFor(
          "fault reported",
          () => lines.some((l) => l.includes(`${svc}: internal error`)),
        );
        await waitFor("replaced", () => sc.services[0].main !== first && sc.services[0].main);
        Deno.removeSync(`${svc}/supervise/status.new`);
        assertEquals((await run("/usr/bin/svc", ["-p", svc])).code, 0);
        await waitFor("paused", () => readStatus(svc)?.paused);
        assertEquals(readStatus(svc)?.pid, pid, "same service, not a second copy");
        assertEquals(Deno.readFileSync(`${svc}/supervise/status`).slice(0, 12), when);
        assertEquals((await run("/usr/bin/svc", ["-cd", svc])).code, 0);
        await waitFor("down through the successor", () => readStatus(svc)?.pid === 0);
      } finally {
        await sc.shutdown(2000);
      }
    });
  },
});

Deno.test({
  name: "pipe reader: a sink that fails is reported, and the next sink gets every byte",
  ...opts,
  fn: async () => {
    const [r, w] = pipe();
    const faults: unknown[] = [];
    const reader = new PipeReader(r, (e) => faults.push(e));
    try {
      writeAll(w, new TextEncoder().encode("one\ntwo\n"));
      let calls = 0;
      reader.attach(() => {
        calls++;
        throw new Error("sink broke");
      }, () => {});
      await waitFor("fault reported", () => faults.length === 1);
      assertEquals(calls, 1);
      assertEquals((faults[0] as Error).message, "sink broke");
      writeAll(w, new TextEncoder().encode("three\n"));
      let got = "";
      reader.attach((b) => {
        got += new TextDecoder().decode(b);
        return Promise.resolve();
      }, () => {});
      await waitFor("every byte", () => got === "one\ntwo\nthree\n");
      // a sink whose promise rejects took its bytes: reported, nothing given twice
      reader.attach(() => Promise.reject(new Error("write failed")), () => {});
      writeAll(w, new TextEncoder().encode("four\n"));
      await waitFor("second fault", () => faults.length === 2);
    } finally {
      reader.close();
      close(r);
      close(w);
    }
  },
});
