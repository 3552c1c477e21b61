/**
 * The shipped forms of dt: the bundle (dist/dt.js), its launcher (dist/dt),
 * and the npm package installed from its tarball into a scratch prefix. Each
 * must run `svstat` on a live service, also under a program's name.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { ROOT, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";

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
