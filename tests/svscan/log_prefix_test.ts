/**
 * `dt svscan --log-prefix`: the stdout of each service without a `log/` on
 * svscan's stdout, prefixed with its name; a service with a log keeps it.
 * Without the flag, daemontools' behaviour: the service writes to svscan's
 * stdout as it is.
 */
import { LAUNCHER, waitFor, withSandbox } from "../helpers/mod.ts";
import { assertEquals } from "../helpers/assert.ts";

const SERVICES = (
  sb: {
    service(rel: string, run: string): string;
    write(r: string, t: string, e?: boolean): string;
  },
) => {
  sb.service(
    "svc/web",
    'echo hello; printf "part"; sleep 0.2; echo "ial"; exec sleep 1000',
  );
  sb.service("svc/db", 'echo "from db"; exec sleep 1000');
  sb.write("svc/db/log/run", "#!/bin/sh\nexec cat > /dev/null\n", true);
};

Deno.test("dt svscan --log-prefix: services without a log on stdout, prefixed, whole lines", async () => {
  await withSandbox(async (sb) => {
    SERVICES(sb);
    const p = sb.start(LAUNCHER, ["svscan", "--log-prefix", sb.path("svc")]);
    await waitFor("web's lines", () => p.stdout().includes("web: partial\n"));
    p.kill("SIGTERM");
    assertEquals((await p.status).code, 0);
    await p.drained();
    const lines = p.stdout().split("\n").filter((l) => l !== "");
    assertEquals(lines.map((l) => l), ["web: hello", "web: partial"]);
  });
});

Deno.test("dt svscan without --log-prefix: a service's stdout is svscan's, as it is", async () => {
  await withSandbox(async (sb) => {
    SERVICES(sb);
    const p = sb.start(LAUNCHER, ["svscan", sb.path("svc")]);
    await waitFor("web's lines", () => p.stdout().includes("partial\n"));
    p.kill("SIGTERM");
    await p.status;
    assertEquals(p.stdout(), "hello\npartial\n");
  });
});
