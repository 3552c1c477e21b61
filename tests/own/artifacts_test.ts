/**
 * The shipped forms of dt: the bundle (dist/dt.js), its launcher (dist/dt),
 * and the npm package installed from its tarball into a scratch prefix. Each
 * must run `svstat` on a live service, also under a program's name, and the
 * programs that start dt again (svscanboot its readproctitle, fghack after a
 * softlimit its `dt softlimit`) must find themselves in it.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { ROOT, run, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { children } from "../svscan/_svscan.ts";

const cmdline = (pid: number) => Deno.readTextFileSync(`/proc/${pid}/cmdline`);

/**
 * svscanboot started under its own name (a link to `exe`): its readproctitle
 * runs, so a service without a log, which writes to it, keeps running and its
 * output shows in the title; and it answers to `svscan DIR`.
 */
async function checkBoot(sb: Sandbox, exe: string, env: Record<string, string>) {
  const dir = sb.path("boot");
  const quiet = sb.service("boot/quiet", "echo said-by-quiet\nexec sleep 1000");
  Deno.symlinkSync(exe, sb.path("bin/svscanboot"));
  const boot = sb.start(sb.path("bin/svscanboot"), [dir], { env });
  const title = await waitFor("readproctitle", () => {
    return children(boot.pid).find((k) => k.cmd.startsWith("readproctitle service errors: ."));
  });
  const pid = await waitFor("quiet up", () => readStatus(quiet)?.pid);
  await waitFor("its output in the title", () => cmdline(title.pid).endsWith("said-by-quiet\n\0"));
  assertEquals(readStatus(quiet)?.pid, pid, "the same process, still up");
  assertEquals(cmdline(boot.pid), `svscan\0${dir}\0`);
  boot.kill("SIGTERM");
  assertEquals((await boot.status).code, 0);
}

/** A chain from the artefact whose fghack starts `dt softlimit` (the limits go to the child). */
async function checkFghack(sb: Sandbox, exe: string, env: Record<string, string>) {
  Deno.mkdirSync(sb.path("env"));
  const r = await run(exe, [
    "envdir",
    sb.path("env"),
    exe,
    "softlimit",
    "-d",
    "300000000",
    exe,
    "fghack",
    "sh",
    "-c",
    "ulimit -d",
  ], { env });
  assertEquals({ code: r.code, out: r.stdout, err: r.stderr }, {
    code: 0,
    out: "292968\n",
    err: "",
  });
}

async function checkExecutable(exe: string, extraEnv: Record<string, string> = {}) {
  await withSandbox(async (sb) => {
    const dir = sb.service("web", "exec sleep 1000");
    // a PATH with no deno on it: the launcher must bring its own
    const tools = sb.path("tools");
    Deno.mkdirSync(tools);
    for (const t of ["bash", "sh", "readlink", "sleep"]) {
      Deno.symlinkSync(`/usr/bin/${t}`, `${tools}/${t}`);
    }
    const env = { PATH: tools, HOME: sb.path("home"), ...extraEnv };
    const sv = sb.start(exe, ["supervise", dir], { env });
    const pid = await waitFor("up", () => readStatus(dir)?.pid);
    const st = await run(exe, ["svstat", dir], { env });
    assertStringIncludes(st.stdout, `${dir}: up (pid ${pid})`);
    Deno.mkdirSync(sb.path("bin"));
    Deno.symlinkSync(exe, sb.path("bin/svstat"));
    const byName = await run(sb.path("bin/svstat"), [dir], { env });
    assertEquals(
      byName.stdout,
      st.stdout.replace(/\d+ seconds/, byName.stdout.match(/\d+ seconds/)![0]),
    );
    await run(exe, ["svc", "-dx", dir], { env });
    assertEquals((await sv.status).code, 0);
    await checkFghack(sb, exe, env);
    await checkBoot(sb, exe, env);
  });
}

Deno.test("bundle: dist/dt.js and the dist/dt launcher run a live service", async () => {
  const b = await run(Deno.execPath(), ["run", "-A", `${ROOT}/scripts/bundle.ts`]);
  assertEquals(b.code, 0, b.stderr);
  const js = Deno.readTextFileSync(`${ROOT}/dist/dt.js`);
  assertEquals(/from\s+["']\.\.?\//.test(js), false);
  await checkExecutable(`${ROOT}/dist/dt`, { DT_DENO: Deno.execPath() });
});

/** A copy of the source tree (no dist/, tests/, .git) in a temporary dir, for builds that write dist/. */
async function sourceCopy(): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "dt-src-" });
  const skip = new Set(["dist", "node_modules", ".git", "tests"]);
  const parts = [...Deno.readDirSync(ROOT)].map((e) => e.name).filter((n) => !skip.has(n));
  const cp = await run("cp", ["-a", ...parts.map((n) => `${ROOT}/${n}`), dir]);
  assertEquals(cp.code, 0, cp.stderr);
  return dir;
}

Deno.test("npm: the packed tarball installs a working dt with only Node and npm", async () => {
  // built in a copy: the test leaves the source tree's dist/ alone
  const src = await sourceCopy();
  const prefix = Deno.makeTempDirSync({ prefix: "dt-npm-" });
  try {
    const p = await run(Deno.execPath(), ["run", "-A", `${src}/scripts/npm_pack.ts`]);
    assertEquals(p.code, 0, p.stderr);
    const tgz = p.stdout.trim().split("\n").pop()!;
    assertEquals(tgz.startsWith(`${src}/dist/`), true, tgz);
    const i = await run("npm", [
      "install",
      "-g",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      tgz,
    ]);
    assertEquals(i.code, 0, i.stderr);
    await checkExecutable(`${prefix}/bin/dt`);
    const v = await run(`${prefix}/bin/dt`, ["--version"]);
    assertEquals(v.stdout, "dt 0.1.0\n");
  } finally {
    Deno.removeSync(prefix, { recursive: true });
    Deno.removeSync(src, { recursive: true });
  }
});

Deno.test("bundle: builds on a fresh machine, with nothing in Deno's cache yet", async () => {
  // every bundle fetching esbuild at once into an empty cache failed copying it into place
  const src = await sourceCopy();
  const cache = Deno.makeTempDirSync({ prefix: "dt-deno-dir-" });
  try {
    const b = await run(Deno.execPath(), ["run", "-A", `${src}/scripts/bundle.ts`], {
      env: { DENO_DIR: cache },
    });
    assertEquals(b.code, 0, b.stderr);
    assertStringIncludes(b.stdout, "dist/dt.js");
    assertEquals(Deno.statSync(`${src}/dist/one/svstat.js`).isFile, true);
  } finally {
    Deno.removeSync(cache, { recursive: true });
    Deno.removeSync(src, { recursive: true });
  }
});
