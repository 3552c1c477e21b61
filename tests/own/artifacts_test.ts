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

Deno.test("npm: the packed tarball installs a working dt with only Node and npm", async () => {
  const p = await run(Deno.execPath(), ["run", "-A", `${ROOT}/scripts/npm_pack.ts`]);
  assertEquals(p.code, 0, p.stderr);
  const tgz = p.stdout.trim().split("\n").pop()!;
  const prefix = Deno.makeTempDirSync({ prefix: "dt-npm-" });
  try {
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
  }
});
