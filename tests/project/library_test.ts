/**
 * The library surface (mod.ts): `deno doc --lint` clean, and every JSDoc
 * example in the modules it reaches type-checks and runs (`deno test --doc`);
 * an example that needs a live service is marked `ignore`.
 */
import { assertEquals } from "../helpers/assert.ts";
import { ROOT } from "../helpers/mod.ts";
import { moduleGraph } from "./_graph.ts";

const dec = new TextDecoder();

async function deno(args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

Deno.test("library: deno doc --lint mod.ts is clean", async () => {
  const r = await deno(["doc", "--lint", "mod.ts"]);
  assertEquals(r.code, 0, r.out);
});

Deno.test("library: the JSDoc examples of every module mod.ts reaches run under deno test --doc", async () => {
  const files = [...(await moduleGraph("mod.ts")).keys()].filter((f) =>
    Deno.readTextFileSync(`${ROOT}/${f}`).includes("```")
  ).sort();
  assertEquals(files.includes("mod.ts"), true);
  const r = await deno(["test", "-A", "--quiet", "--no-config", "--doc", ...files]);
  assertEquals(r.code, 0, r.out);
});
