import { assertEquals } from "../helpers/assert.ts";
import { dt, withSandbox } from "../helpers/mod.ts";

Deno.test("dt init -S -T: PROG starts only once the service that declares readiness is ready", async () => {
  await withSandbox(async (sb) => {
    const svc = sb.path("svc");
    // ready 0.7 s after it starts; PROG checks the marker it writes just before
    sb.service("svc/db", `sleep 0.7; echo ok > ../../db-ready; echo >&3; exec sleep 100`);
    sb.write("svc/db/notification-fd", "3");
    sb.service("svc/plain", "exec sleep 100");
    const r = await dt([
      "init",
      "-S",
      svc,
      "-T",
      "10000",
      "--",
      "sh",
      "-c",
      `cat ${sb.path("db-ready")}`,
    ]);
    assertEquals([r.code, r.stdout], [0, "ok\n"]);
  });
});

Deno.test("dt init -S -T: names the services that were not ready, exits 111 without PROG", async () => {
  await withSandbox(async (sb) => {
    const svc = sb.path("svc");
    sb.service("svc/never", `exec sleep 100`);
    sb.write("svc/never/notification-fd", "3");
    const r = await dt(["init", "-t", "1", "-S", svc, "-T", "500", "--", "touch", sb.path("ran")]);
    assertEquals(r.code, 111);
    assertEquals(
      r.stderr.includes("dt init: fatal: services not ready after 500 ms: never (not ready)"),
      true,
      r.stderr,
    );
    let ran = true;
    try {
      Deno.statSync(sb.path("ran"));
    } catch {
      ran = false;
    }
    assertEquals(ran, false);
  });
});
