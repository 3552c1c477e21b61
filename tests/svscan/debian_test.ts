/**
 * Debian's layout: `update-service --add /etc/sv/web` makes `web/supervise`
 * and `web/log/supervise` symlinks to `/var/lib/supervise/web` and
 * `…/web.log`, which do not exist yet; Debian's supervise makes the link's
 * target (mode 0700) and goes on. dt, started through the launcher, does the same.
 */
import { assertEquals } from "../helpers/assert.ts";
import {
  LAUNCHER,
  need,
  needDaemontools,
  ROOT,
  type Sandbox,
  waitFor,
  withSandbox,
} from "../helpers/mod.ts";
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

/**
 * In mount and PID namespaces: the services' directory bound over Debian's
 * /etc/service, then `dist/dt svscanboot` with no argument, as Debian's boot
 * starts it; what pidof, svstat and readproctitle's title say.
 */
const BOOT = `
set -e
mount --make-rprivate /
mount --bind "$1" "$2"
set +e
DT=$3
"$DT" svscanboot &
for i in $(seq 400); do p=$(pidof svscan) && break; sleep 0.05; done
echo "pidof $([ -n "$p" ] && echo yes || echo no)"
up() { "$DT" svok "$2/$1" && "$DT" svstat "$2/$1" | grep -q ': up '; }
for i in $(seq 400); do up web "$2" && up db "$2" && up db/log "$2" && break; sleep 0.05; done
pid() { "$DT" svstat "$2/$1" | sed -n 's/.*(pid \\([0-9]*\\)).*/\\1/p'; }
w=$(pid web "$2")
echo "up $(pid web "$2" | grep -c .) $(pid db "$2" | grep -c .) $(pid db/log "$2" | grep -c .)"
t=$(pidof readproctitle)
for i in $(seq 200); do tr '\\0' ' ' </proc/$t/cmdline | grep -q 'web says hi' && break; sleep 0.05; done
echo "title $(tr '\\0' ' ' </proc/$t/cmdline | grep -q 'web says hi' && echo yes || echo no)"
sleep 1.5
echo "same $([ "$(pid web "$2")" = "$w" ] && echo yes || echo no)"
kill -TERM $p
for i in $(seq 200); do [ -d /proc/$p ] || break; sleep 0.05; done
`;

Deno.test("svscanboot: Debian's update-service layout comes up under dist/dt svscanboot with no argument", async () => {
  need("unshare", "util-linux");
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/scripts/bundle.ts`],
    stdout: "null",
    stderr: "piped",
  }).output();
  assertEquals(built.code, 0, new TextDecoder().decode(built.stderr));
  // svscanboot takes /service where it exists, else Debian's /etc/service
  const target = isDir("/service") ? "/service" : "/etc/service";
  const made = !isDir(target);
  if (made) Deno.mkdirSync(target); // a mount point only: the bind below is in a namespace
  try {
    await withSandbox(async (sb) => {
      const lib = sb.path("var/lib/supervise");
      Deno.mkdirSync(lib, { recursive: true });
      debianService(sb, "db", lib);
      // web has no log: its output goes to readproctitle's title, and it keeps running
      const web = sb.service("sv/web", "exec 2>&1\nwhile :; do echo web says hi; sleep 0.2; done");
      Deno.symlinkSync(`${lib}/web`, `${web}/supervise`);
      Deno.symlinkSync(web, sb.path("service/web"));
      const r = await new Deno.Command("unshare", {
        args: [
          "--mount",
          "--pid",
          "--fork",
          "--mount-proc",
          "sh",
          "-c",
          BOOT,
          "sh",
          sb.path("service"),
          target,
          `${ROOT}/dist/dt`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const out = new TextDecoder().decode(r.stdout);
      const why = out + new TextDecoder().decode(r.stderr);
      assertEquals(out, "pidof yes\nup 1 1 1\ntitle yes\nsame yes\n", why);
      assertEquals([mode(`${lib}/web`), mode(`${lib}/db`), mode(`${lib}/db.log`)], [
        "d700",
        "d700",
        "d700",
      ]);
    });
  } finally {
    if (made) Deno.removeSync(target);
  }
});

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
