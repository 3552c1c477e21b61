/**
 * dt init for containers as they are run today (issue 28, item 1): any uid,
 * a read-only image. The service tree is bind-mounted read-only, /run is a
 * fresh tmpfs, and dt runs as uid 12345 in no group under no_new_privs
 * (`docker run --user 12345 --read-only --tmpfs /run`, the pod spec of
 * docs/containers.md): the services' state goes to a mirror in /run/dt, PROG
 * reaches them through `$DT_SERVICES`, and nothing is written outside the
 * runtime directory and /tmp.
 */
import { LAUNCHER, ROOT, waitFor, withSandbox } from "../helpers/mod.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { MODES, readOr } from "./_lib.ts";
import { dtPid, openToAll, roCommand, UID, writtenOutside } from "./_ro.ts";

/** A service that logs its start, declares readiness on fd 3, and records its TERM in `order`. */
function readyService(name: string, out: string): string {
  return `#!/bin/sh
exec 2>&1
trap 'echo "${name} got TERM"; echo ${name} >> ${out}/order; exit 0' TERM
echo "${name} start $$" >> ${out}/${name}.starts
echo "${name} starting"
sleep 0.3
echo >&3
while :; do sleep 0.05; done
`;
}

for (const mode of MODES) {
  Deno.test(`dt init -S, read-only tree, uid ${UID}, tmpfs /run (${mode}): services ready before PROG, svc -t by DT_SERVICES, logs, orderly end, nothing written outside /run/dt and /tmp`, async () => {
    await withSandbox(async (sb) => {
      const out = openToAll(sb);
      const tree = sb.path("svc");
      for (const name of ["a", "b"]) {
        sb.write(`svc/${name}/run`, readyService(name, out), true);
        sb.write(`svc/${name}/notification-fd`, "3\n");
      }
      // a's log in the runtime directory (./main); b's where its script says (absolute)
      sb.write("svc/a/log/run", "#!/bin/sh\nexec multilog t ./main\n", true);
      sb.write("svc/b/log/run", `#!/bin/sh\nexec multilog t ${out}/b-main\n`, true);
      Deno.mkdirSync(sb.path("svc/a/log/main")); // shipped in the image, empty: not used
      const prog = `trap 'echo prog >> ${out}/order; exit 0' TERM
${LAUNCHER} svstat --json "$DT_SERVICES/a" "$DT_SERVICES/b" > ${out}/svstat.json
echo "$DT_SERVICES" > ${out}/services
${LAUNCHER} svc -t "$DT_SERVICES/a"
while [ "$(wc -l < ${out}/a.starts)" -lt 2 ]; do sleep 0.05; done
: > ${out}/order # what svc -t made a say: the end's order is what follows
echo > ${out}/prog.ready
while :; do sleep 0.05; done`;
      const marker = `${out}/marker`;
      Deno.writeTextFileSync(marker, "");
      const [cmd, ...args] = roCommand(mode, { readOnly: [tree] }, [
        "init",
        "-v",
        "-T",
        "30000",
        "-S",
        tree,
        "--",
        "sh",
        "-c",
        prog,
      ]);
      const proc = sb.start(cmd, args, { cwd: "/" });
      await waitFor("PROG restarted a", () => readOr(`${out}/prog.ready`), 30000);
      const pid = dtPid(mode, proc.pid);
      assert(pid > 0);
      const mirror = `/run/dt${tree}`;

      // up and ready before PROG started, reached by the mirrored path
      assertEquals(readOr(`${out}/services`).trim(), mirror);
      const st = JSON.parse(readOr(`${out}/svstat.json`));
      assertEquals(st.map((s: { state: string; ready: boolean }) => [s.state, s.ready]), [
        ["up", true],
        ["up", true],
      ], readOr(`${out}/svstat.json`));
      assertEquals(readOr(`${out}/a.starts`).trim().split("\n").length, 2, "svc -t restarted a");
      assertStringIncludes(proc.stderr(), `DT_SERVICES=${mirror}`);

      // the loggers write: a's in the runtime directory, b's where its script says
      const root = `/proc/${pid}/root`;
      await waitFor(
        "a's log",
        () => readOr(`${root}${mirror}/a/log/main/current`).includes("a starting"),
      );
      await waitFor("b's log", () => readOr(`${out}/b-main/current`).includes("b starting"));
      assertEquals([...Deno.readDirSync(sb.path("svc/a/log/main"))].length, 0);
      const mirrored = Deno.readLinkSync(`${root}${mirror}/a/run`);
      assertEquals(mirrored, `${tree}/a/run`);
      // in /run, only the runtime directory is new
      const run = new Deno.Command("find", {
        args: [
          `${root}/run`,
          "-mindepth",
          "1",
          "-path",
          `${root}/run/dt`,
          "-prune",
          "-o",
          "-print",
        ],
        stdout: "piped",
      }).outputSync();
      assertEquals(new TextDecoder().decode(run.stdout), "");

      Deno.kill(pid, "SIGTERM");
      const status = await proc.status;
      assertEquals(status.code, 0, proc.stderr());
      const order = readOr(`${out}/order`).trim().split("\n");
      assertEquals(order[0], "prog", order.join(" "));
      assertEquals(order.slice(1).sort(), ["a", "b"]);
      // loggers last: b's logger wrote what b said on its way out
      assertStringIncludes(readOr(`${out}/b-main/current`), "b got TERM");
      assertEquals(await writtenOutside(marker), []);
      assert(!proc.stderr().includes("not up"), proc.stderr());
    });
  });
}

Deno.test(`dt init -S as uid ${UID} where /run is root's: /tmp/dt-UID; one another account made first is refused`, async () => {
  await withSandbox(async (sb) => {
    const out = openToAll(sb);
    sb.write("svc/a/run", `#!/bin/sh\necho up > /tmp/sbx/out/a.up\nexec sleep 1000\n`, true);
    Deno.mkdirSync(sb.path("newtmp"));
    // /run stays the host's (root's, 0755): /run/dt cannot be made. /tmp is a fresh tmpfs
    // (as a pod's), with the sandbox bound in at /tmp/sbx and its tree read-only
    const setup = (extra: string) => ({
      readOnly: [],
      tmpfsRun: false,
      extra: `mount -t tmpfs -o mode=1777 tmpfs '${sb.path("newtmp")}'
mkdir '${sb.path("newtmp/sbx")}'
mount --bind '${sb.dir}' '${sb.path("newtmp/sbx")}'
mount --bind -o ro '${sb.path("newtmp/sbx/svc")}' '${sb.path("newtmp/sbx/svc")}'
${keepCheckout(sb.path("newtmp"))}
mount --move '${sb.path("newtmp")}' /tmp
${extra}`,
    });
    const run = async (extra: string, prog: string[]) => {
      const [cmd, ...args] = roCommand("sub", setup(extra), [
        "init",
        "-S",
        "/tmp/sbx/svc",
        "--",
        ...prog,
      ]);
      const r = await new Deno.Command(cmd, {
        args,
        env: { XDG_RUNTIME_DIR: "", DT_RUNTIME_DIR: "" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
    };
    const ok = await run("", ["sh", "-c", `echo "$DT_SERVICES" > /tmp/sbx/out/services`]);
    assertEquals(ok.code, 0, ok.stderr);
    assertEquals(readOr(`${out}/services`).trim(), `/tmp/dt-${UID}/tmp/sbx/svc`);
    assertEquals(readOr(`${out}/a.up`).trim(), "up");
    // another account made /tmp/dt-12345 first: never used
    const taken = await run(`mkdir -m 0700 /tmp/dt-${UID} && chown 4242 /tmp/dt-${UID}`, ["true"]);
    assertEquals(taken.code, 111, taken.stderr);
    assertStringIncludes(
      taken.stderr,
      "dt init: fatal: unable to find a runtime directory (/run/dt: ",
    );
    assertStringIncludes(taken.stderr, `/tmp/dt-${UID}: owned by uid 4242, not ${UID})`);
  });
});

/**
 * The shell lines that keep dt's checkout in sight when a fresh tmpfs at
 * `newTmp` is about to become /tmp: a checkout under /tmp (a CI's clone) is
 * bound in at its own path; elsewhere, nothing.
 */
function keepCheckout(newTmp: string): string {
  if (!ROOT.startsWith("/tmp/")) return "";
  const at = `${newTmp}/${ROOT.slice("/tmp/".length)}`;
  return `mkdir -p '${at}'\nmount --bind '${ROOT}' '${at}'`;
}
