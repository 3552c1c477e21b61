/**
 * The scanner reacts to the scan directory through inotify: the periodic
 * rescan is set to an hour here, so whatever happens below was seen through
 * the watch. Same rules as the rescan: a directory moved in, a symlink made,
 * `run` written after its directory, a `down` file, a log/ added later, a
 * service removed (its supervisor lives on until it exits; then forgotten).
 * Real services in a sandbox; the scanner runs in this test's process.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { Scanner } from "../../mod.ts";
import { fileLines, up } from "./_svscan.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const HOUR = 3_600_000;

Deno.test({
  name: "scanner watch: a dir moved in, a symlink made, run written later, a down file",
  ...opts,
  fn: async () => {
    await withSandbox(async (sb) => {
      Deno.mkdirSync(sb.path("service"));
      const sc = new Scanner(sb.path("service"), { interval: HOUR, log: () => {} });
      try {
        sc.start();
        // moved in, complete
        const staged = sb.service("stage/a", "exec sleep 1000");
        Deno.renameSync(staged, sb.path("service/a"));
        await up(sb.path("service/a"));
        // a symlink to a service directory elsewhere
        const b = sb.service("elsewhere/b", "exec sleep 1000");
        Deno.symlinkSync(b, sb.path("service/b"));
        await up(b);
        // a directory first, run written (executable) after it
        Deno.mkdirSync(sb.path("service/c"));
        await waitFor("c supervised", () => sc.services.some((e) => e.name === "c"));
        sb.service("service/c", "exec sleep 1000");
        await up(sb.path("service/c"));
        // a down file: supervised, not started
        const d = sb.service("stage/d", "exec sleep 1000", { down: true });
        Deno.renameSync(d, sb.path("service/d"));
        await waitFor("d supervised", () => readStatus(sb.path("service/d")) !== null);
        assertEquals(readStatus(sb.path("service/d"))?.pid, 0);
        assertEquals((await run("/usr/bin/svc", ["-u", sb.path("service/d")])).code, 0);
        await up(sb.path("service/d"));
      } finally {
        await sc.shutdown(2000);
      }
    });
  },
});

Deno.test({
  name: "scanner watch: a log/ added later gets its logger; a removed service is forgotten",
  ...opts,
  fn: async () => {
    await withSandbox(async (sb) => {
      const a = sb.service("service/a", "echo hello; exec sleep 1000");
      const gone = sb.service("service/gone", "exec sleep 1000");
      const sc = new Scanner(sb.path("service"), { interval: HOUR, log: () => {} });
      try {
        sc.start();
        const first = await up(a);
        await up(gone);
        // log/ made in a staging place and moved in whole, as a careful admin does
        sb.service("stage/log", "exec cat > ../out");
        Deno.renameSync(sb.path("stage/log"), `${a}/log`);
        await waitFor("a's logger up", () => readStatus(`${a}/log`)?.pid || 0);
        // the running service gets the pipe at its next start
        assertEquals((await run("/usr/bin/svc", ["-t", a])).code, 0);
        await waitFor("a restarted", () => (readStatus(a)?.pid ?? first) !== first);
        await waitFor(
          "a's output through its logger",
          () => fileLines(`${a}/out`).includes("hello"),
        );
        // removed: the supervisor keeps going until svc -x, then the service is forgotten
        Deno.renameSync(gone, sb.path("stage/gone"));
        const moved = sb.path("stage/gone");
        assert(sc.services.some((e) => e.name === "gone"), "still supervised after removal");
        assertEquals((await run("/usr/bin/svc", ["-dx", moved])).code, 0);
        await waitFor(
          "gone's supervisor exited",
          () => sc.services.find((e) => e.name === "gone")?.main == null,
        );
        // the next event in the directory rescans: the entry goes
        Deno.mkdirSync(sb.path("service/.touch"));
        await waitFor("gone forgotten", () => !sc.services.some((e) => e.name === "gone"));
      } finally {
        await sc.shutdown(2000);
      }
    });
  },
});
