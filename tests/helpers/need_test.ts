/**
 * The missing-tool check: on a machine without tini, dumb-init or s6 (here a
 * PATH without them) a test that needs one fails with one line naming the
 * package, and the suite's runners check before they spawn.
 */
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { MissingTool, need, PACKAGES, run, withSandbox } from "./mod.ts";

Deno.test("need: a program on PATH gives its path; a missing one one line naming its package", async () => {
  // deno-lint-ignore require-await
  await withSandbox(async (sb) => {
    const bin = sb.path("bin");
    Deno.mkdirSync(bin);
    sb.write("bin/tini", "#!/bin/sh\n", true);
    assertEquals(need("tini", "tini", bin), `${bin}/tini`);
    const empty = sb.path("empty");
    Deno.mkdirSync(empty);
    for (const [prog, pkg] of [["tini", "tini"], ["dumb-init", "dumb-init"], ["s6-log", "s6"]]) {
      const e = assertThrows(() => need(prog, undefined, empty), MissingTool);
      assertEquals(
        e.message,
        `${prog} is not installed: apt-get install ${pkg} (or run: sudo scripts/setup.sh)`,
      );
      assertEquals(e.stack?.split("\n").length, 1, "one line, no stack");
      assertEquals((e as MissingTool).pkg, pkg);
    }
    // an absolute path: there or not; a file that is not executable does not count
    sb.write("plain", "");
    assertThrows(() => need(sb.path("plain"), "x"), MissingTool);
    assertThrows(() => need(sb.path("none/tini"), "tini"), MissingTool, "apt-get install tini");
    assertEquals(need("/bin/sh", "dash"), "/bin/sh");
  });
});

Deno.test("need: run() with a PATH that lacks a known tool fails before spawning", async () => {
  await withSandbox(async (sb) => {
    Deno.mkdirSync(sb.path("empty"));
    const e = await run("dumb-init", ["true"], { env: { PATH: sb.path("empty") } }).then(
      () => null,
      (e) => e,
    );
    assert(e instanceof MissingTool, `want MissingTool, got ${e}`);
    assertEquals(e.pkg, "dumb-init");
    // a program that is no tool of the table passes through to the spawn
    assertEquals((await run("true", [])).code, 0);
  });
});

Deno.test("need: every package the table names is one scripts/setup.sh installs (or a base package)", () => {
  const setup = Deno.readTextFileSync(new URL("../../scripts/setup.sh", import.meta.url));
  const base = new Set(["util-linux", "passwd"]);
  for (const pkg of new Set(Object.values(PACKAGES))) {
    if (base.has(pkg)) continue;
    assert(new RegExp(`^  "${pkg} `, "m").test(setup), `scripts/setup.sh installs ${pkg}`);
  }
});
