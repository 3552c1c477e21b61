/**
 * The test accounts' registry: an account made for the tests is there while
 * any holder holds it and gone after the last lets go, however many test
 * files (or processes) share it; one found already there is left.
 */
import { assert, assertEquals } from "./assert.ts";
import { holdAccount, REGISTRY } from "./accounts.ts";
import { ROOT, run, withSandbox } from "./mod.ts";

const NAME = "dtacctreg";

function exists(name: string): boolean {
  return new Deno.Command("id", { args: ["-u", name], stdout: "null", stderr: "null" })
    .outputSync().success;
}

Deno.test("test accounts: made for the first holder, removed after the last", () => {
  assert(!exists(NAME), `${NAME} is left over from an earlier run`);
  const a = holdAccount(NAME, `${NAME}x`);
  const b = holdAccount(NAME, `${NAME}x`);
  assert(exists(NAME));
  assertEquals(a.account.uid, b.account.uid);
  assertEquals(a.release(), "kept");
  assert(exists(NAME), "another holder still holds it");
  assertEquals(b.release(), "removed");
  assert(!exists(NAME));
  const g = new Deno.Command("getent", { args: ["group", `${NAME}x`], stdout: "null" })
    .outputSync();
  assert(!g.success, "the supplementary group made for it is gone too");
});

Deno.test("test accounts: a holder whose process is gone counts for nothing", () => {
  const a = holdAccount(NAME);
  // a run killed before its unload: a holder file of a pid above Linux's largest (2^22)
  const ghost = `${REGISTRY}/${NAME}/holder.${2 ** 22 + 7}.ghost`;
  Deno.writeTextFileSync(ghost, "");
  assertEquals(a.release(), "removed");
  assert(!exists(NAME));
});

Deno.test("test accounts: an account already there (not made by the tests) is left", () => {
  const r = new Deno.Command("useradd", {
    args: ["-M", "-U", "-s", "/usr/sbin/nologin", NAME],
    stderr: "piped",
  }).outputSync();
  assert(r.success, new TextDecoder().decode(r.stderr));
  try {
    const a = holdAccount(NAME);
    assertEquals(a.release(), "left");
    assert(exists(NAME));
  } finally {
    new Deno.Command("userdel", { args: [NAME] }).outputSync();
  }
});

Deno.test("test accounts: a test file's account is gone when deno test has run it", async () => {
  await withSandbox(async (sb) => {
    const file = sb.write(
      "uses_test.ts",
      `import { testAccount } from "${ROOT}/tests/helpers/accounts.ts";\n` +
        `const a = testAccount("${NAME}");\n` +
        `Deno.test("uses", () => { if (!(a.uid > 0)) throw new Error("no uid"); });\n`,
    );
    const r = await run(Deno.execPath(), ["test", "-A", "--quiet", "--no-config", file]);
    assertEquals(r.code, 0, r.stdout + r.stderr);
    assert(!exists(NAME), "removed at the end of the file");
  });
});
