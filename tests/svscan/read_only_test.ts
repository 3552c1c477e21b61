/**
 * `dt svscan --read-only DIR` started by an account that cannot write DIR
 * (issue 28, item 1): the tree's state goes to a mirror in the runtime
 * directory, and a scanner started again on the same runtime directory
 * adopts what the last one left (same pid, no second start). Without the
 * flag, daemontools' behaviour: every service fails to take its lock.
 */
import { dt, LAUNCHER, waitFor, withSandbox } from "../helpers/mod.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { openToAll, UID } from "../init/_ro.ts";
import { readOr, running } from "../init/_lib.ts";

/** `dt svscan ARGS…` through the launcher as {@link UID} under no_new_privs. */
function asAccount(args: string[]): string[] {
  return [
    "setpriv",
    "--reuid",
    String(UID),
    "--regid",
    String(UID),
    "--clear-groups",
    "--no-new-privs",
    LAUNCHER,
    "svscan",
    ...args,
  ];
}

Deno.test(`dt svscan --read-only as uid ${UID} on root's tree: a mirror in DT_RUNTIME_DIR; kill -9 and a new scanner adopts`, async () => {
  await withSandbox(async (sb) => {
    const out = openToAll(sb);
    const tree = sb.path("svc");
    sb.write("svc/web/run", `#!/bin/sh\necho $$ >> ${out}/web.starts\nexec sleep 1000\n`, true);
    sb.write("svc/web/log/run", "#!/bin/sh\nexec multilog t ./main\n", true);
    const rt = sb.path("rt");
    Deno.mkdirSync(rt, { mode: 0o700 });
    Deno.chownSync(rt, UID, UID);
    const env = { DT_RUNTIME_DIR: rt };
    const web = `${rt}${tree}/web`;
    const status = async () => (await dt(["svstat", web])).stdout;
    const [cmd, ...args] = asAccount(["--read-only", tree]);
    const first = sb.start(cmd, args, { cwd: "/", env });
    const pid = await waitFor("web up", async () => /up \(pid (\d+)\)/.exec(await status())?.[1]);
    assertEquals(readOr(`${out}/web.starts`).trim(), pid);
    assertEquals(Deno.readLinkSync(`${web}/run`), `${tree}/web/run`);
    assertEquals((Deno.statSync(`${web}/supervise`)).uid, UID);
    first.kill("SIGKILL");
    await first.status;
    const second = sb.start(cmd, args, { cwd: "/", env });
    // the new scanner holds the lock: adopted, not started again
    await waitFor("adopted", async () => {
      const r = await new Deno.Command("flock", {
        args: ["-n", `${web}/supervise/lock`, "true"],
      }).output();
      return !r.success;
    });
    assertStringIncludes(await status(), `up (pid ${pid})`);
    assertEquals(readOr(`${out}/web.starts`).trim(), pid, "started once");
    second.kill("SIGTERM");
    assertEquals((await second.status).code, 0);
    await waitFor("web stopped", () => !running(Number(pid)));
  });
});

Deno.test(`dt svscan as uid ${UID} on root's tree, no flag: daemontools' failure, unchanged`, async () => {
  await withSandbox(async (sb) => {
    openToAll(sb);
    sb.write("svc/web/run", "#!/bin/sh\nexec sleep 1000\n", true);
    const [cmd, ...args] = asAccount([sb.path("svc")]);
    const p = sb.start(cmd, args, { cwd: "/" });
    await waitFor(
      "the lock refused",
      () => p.stderr().includes("supervise: fatal: unable to acquire web/supervise/lock: "),
    );
    p.kill("SIGTERM");
    await p.status;
  });
});
