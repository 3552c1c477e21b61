/**
 * A paused logger: `svc -p S/log` then `svc -h S/log`. multilog is stopped,
 * so the HUP waits; only `svc -c` lets it act (HUP ends multilog, and
 * supervise starts it again). The in-process logger does the same, side by
 * side with daemontools' svscan and multilog.
 */
import { assertEquals } from "../helpers/assert.ts";
import {
  LAUNCHER,
  needDaemontools,
  processesUnder,
  REF,
  run,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { format } from "../../lib/tai64n/codec.ts";

Deno.test({
  name: "in-process logger: a HUP while paused waits for svc -c, as for multilog",
  fn: async () => {
    needDaemontools();
    const seen: Record<string, string[]> = {};
    const forms: [string, string[]][] = [
      ["daemontools", [`${REF}/svscan`]],
      ["dt", [LAUNCHER, "svscan"]],
    ];
    for (const [label, argv] of forms) {
      await withSandbox(async (sb) => {
        const bin = sb.path("bin");
        Deno.mkdirSync(bin);
        Deno.symlinkSync(label === "dt" ? LAUNCHER : `${REF}/multilog`, `${bin}/multilog`);
        sb.service("s/web", "exec sleep 1000");
        sb.write("s/web/log/run", "#!/bin/sh\nexec multilog t ./main\n", true);
        const log = sb.path("s/web/log");
        const sv = sb.start(argv[0], [...argv.slice(1), sb.path("s")], {
          env: { PATH: `${bin}:/usr/bin:/bin` },
        });
        const svc = (opt: string) => run(`${REF}/svc`, [opt, log]);
        const first = await waitFor("logger up", () => {
          const st = readStatus(log);
          return st !== null && st.pid !== 0 ? st : null;
        });
        const trail: string[] = [];
        const same = () => {
          const st = readStatus(log);
          return st !== null && st.pid === first.pid && format(st.when) === format(first.when);
        };
        const note = (what: string) => {
          trail.push(
            `${what}: ${same() ? "same start" : "restarted"}, paused ${readStatus(log)!.paused}`,
          );
        };
        await svc("-p");
        await waitFor("paused", () => readStatus(log)?.paused);
        // a logger process must have stopped before the HUP (STOP and HUP pending together race)
        await waitFor("stopped", () => {
          const pid = readStatus(log)!.pid;
          if (pid === sv.pid) return true; // in the scanner: paused at once
          try {
            const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
            return stat.slice(stat.lastIndexOf(")") + 2).startsWith("T");
          } catch {
            return false;
          }
        });
        note("-p");
        await svc("-h");
        // a logger that acted on the HUP would end at once (its status shows pid 0 or a new
        // start within milliseconds): watch for that for a while, then take the status as it is
        await waitFor("a change after -h", () => !same(), 1500).catch(() => {});
        note("-h");
        await svc("-c");
        await waitFor("restarted after -c", () => {
          const st = readStatus(log);
          return st !== null && st.pid !== 0 && !same();
        });
        note("-c");
        seen[label] = trail;
        sv.kill("SIGTERM");
        await sv.status;
        await run(`${REF}/svc`, ["-dx", log, sb.path("s/web")]);
        await waitFor("supervisors gone", () => processesUnder(sb.dir).length === 0);
      });
    }
    assertEquals(seen.dt, seen.daemontools);
    assertEquals(seen.dt, [
      "-p: same start, paused true",
      "-h: same start, paused true",
      "-c: restarted, paused false",
    ]);
  },
});
