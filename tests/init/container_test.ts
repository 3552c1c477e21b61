/**
 * docs/containers.md's image, `docker run --user 12345 --read-only --tmpfs
 * /run` and pod spec, as written — as close as this machine allows (no
 * Docker, no Kubernetes): the Dockerfile's steps on a directory that stands
 * for the image (the one file copied, `--unpack`, `install-links`, the
 * services copied), then its entry point run as they would run it: the whole
 * file system read-only, a fresh tmpfs on /run (mode 1777 as Docker's
 * `--tmpfs`, 0777 as an `emptyDir`), uid 12345 in no group under
 * no_new_privs, as PID 1 of a PID namespace.
 */
import { need, run, withSandbox } from "../helpers/mod.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { copyInto, oneFile } from "../own/_onefile.ts";
import { UID } from "./_ro.ts";

for (const [runtime, mode] of [["docker --tmpfs /run", "1777"], ["emptyDir at /run", "0777"]]) {
  Deno.test(`docs/containers.md's image as uid ${UID}, read-only root, ${runtime}: services up, PROG reaches them, logs prefixed on stdout`, async () => {
    need("/usr/bin/setpriv", "util-linux");
    const file = await oneFile();
    await withSandbox(async (sb) => {
      Deno.chmodSync(sb.dir, 0o755);
      const img = sb.path("image");
      // COPY dt-linux-x64 /usr/local/bin/dt; RUN dt --unpack; RUN dt install-links /usr/local/bin
      const dt = copyInto(file, `${img}/usr/local/bin`, "dt");
      assertEquals((await run(dt, ["--unpack"])).code, 0);
      const links = await run(dt, ["install-links", `${img}/usr/local/bin`]);
      assertEquals(links.code, 0, links.stderr);
      // COPY services/ /etc/dt/services/
      const services = `${img}/etc/dt/services`;
      sb.write(
        "image/etc/dt/services/web/run",
        "#!/bin/sh\nexec 2>&1\necho web started\necho >&3\nexec sleep 1000\n",
        true,
      );
      sb.write("image/etc/dt/services/web/notification-fd", "3\n");
      sb.write("image/etc/dt/services/web/log/run", "#!/bin/sh\nexec multilog t ./main\n", true);
      sb.write(
        "image/etc/dt/services/cron/run",
        "#!/bin/sh\necho cron ready\nexec sleep 1000\n",
        true,
      );
      sb.write(
        "image/usr/local/bin/app",
        `#!/bin/sh
touch /written 2>/dev/null && echo "wrote to the image"
dt svwait -U -t 5000 "$DT_SERVICES/web" || exit 9
echo "services in $DT_SERVICES"
sleep 0.3
cat "$DT_SERVICES/web/log/main/current" | cut -d' ' -f2-
`,
        true,
      );
      // ENTRYPOINT ["/usr/local/bin/dt", "init", "-l", "-S", "/etc/dt/services", "--"]
      // CMD ["/usr/local/bin/app"]; docker run --user 12345 --read-only --tmpfs /run IMAGE
      const r = await run("unshare", [
        "--mount",
        "--pid",
        "--fork",
        "--mount-proc",
        "--kill-child",
        "sh",
        "-c",
        `set -e
mount --bind -o ro / /
mount -t tmpfs -o mode=${mode} tmpfs /run
exec setpriv --reuid ${UID} --regid ${UID} --clear-groups --no-new-privs "$@"`,
        "sh",
        dt,
        "init",
        "-l",
        "-S",
        services,
        "--",
        `${img}/usr/local/bin/app`,
      ], { env: { PATH: `${img}/usr/local/bin:/usr/bin:/bin`, HOME: "/" }, clearEnv: true });
      assertEquals(r.code, 0, r.stderr);
      assertEquals(r.stderr, "");
      const mirror = `/run/dt${services}`;
      const lines = r.stdout.split("\n").filter((l) => l !== "");
      assertStringIncludes(r.stdout, `app: services in ${mirror}\n`);
      assertStringIncludes(r.stdout, "app: web started\n");
      assertStringIncludes(r.stdout, "cron: cron ready\n");
      assertEquals(lines.filter((l) => !/^(app|cron): /.test(l)), []);
    });
  });
}
