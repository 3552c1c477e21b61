/**
 * Debian's layout: `update-service --add /etc/sv/web` makes `web/supervise`
 * and `web/log/supervise` symlinks to `/var/lib/supervise/web` and
 * `…/web.log`, which do not exist yet; Debian's supervise makes the link's
 * target (mode 0700) and goes on. dt, started through the launcher, does the same.
 */
import { assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, needDaemontools, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { up } from "./_svscan.ts";

/** `name` laid out as update-service does, its state kept under `lib` (which exists). */
function debianService(sb: Sandbox, name: string, lib: string): string {
  const dir = sb.service(`sv/${name}`, "exec 2>&1\nwhile :; do echo tick; sleep 1; done");
  sb.write(`sv/${name}/log/run`, "#!/bin/sh\nexec multilog t ./main\n", true);
  Deno.symlinkSync(`${lib}/${name}`, `${dir}/supervise`);
  Deno.symlinkSync(`${lib}/${name}.log`, `${dir}/log/supervise`);
  Deno.mkdirSync(sb.path("service"), { recursive: true });
  Deno.symlinkSync(dir, sb.path(`service/${name}`));
  return sb.path(`service/${name}`);
}

function mode(path: string): string {
  const st = Deno.statSync(path);
  return `${st.isDirectory ? "d" : "-"}${(st.mode! & 0o7777).toString(8)}`;
}

Deno.test("svscan: Debian's dangling supervise links get their directory, as Debian's supervise makes it", async () => {
  needDaemontools();
  await withSandbox(async (sb) => {
    // the reference: Debian's own supervise on the same layout
    const ref = sb.path("ref/lib");
    Deno.mkdirSync(ref, { recursive: true });
    const rdir = sb.service("ref/web", "exec sleep 1000");
    Deno.symlinkSync(`${ref}/web`, `${rdir}/supervise`);
    const djb = sb.start("/usr/bin/supervise", [rdir]);
    await waitFor("Debian's supervise up", () => {
      try {
        return Deno.statSync(`${ref}/web/status`).size === 18;
      } catch {
        return false;
      }
    });
    await new Deno.Command("/usr/bin/svc", { args: ["-dx", rdir] }).output();
    await djb.status;
    // dt, under svscan, through the launcher
    const lib = sb.path("var/lib/supervise");
    Deno.mkdirSync(lib, { recursive: true });
    const web = debianService(sb, "web", lib);
    const sc = sb.start(LAUNCHER, ["svscan", sb.path("service")], { cwd: sb.dir });
    await up(web);
    await up(`${web}/log`);
    assertEquals(mode(`${lib}/web`), mode(`${ref}/web`));
    assertEquals(mode(`${lib}/web.log`), "d700");
    await waitFor("the log written", () => {
      try {
        return Deno.readTextFileSync(`${web}/log/main/current`).includes(" tick\n");
      } catch {
        return false;
      }
    });
    const st = await new Deno.Command("/usr/bin/svstat", { args: [web, `${web}/log`] }).output();
    const lines = new TextDecoder().decode(st.stdout).split("\n").filter((l) => l);
    assertEquals(lines.length, 2);
    for (const l of lines) assertEquals(/: up \(pid \d+\) \d+ seconds$/.test(l), true, l);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});
