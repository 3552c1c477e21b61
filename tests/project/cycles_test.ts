/**
 * Layering: no import cycle, between files or between folders, in what
 * `deno info --json` finds from mod.ts (the library) and cli.ts (the
 * programs, lazy imports included); and the library does not pull in the
 * programs.
 */
import { assertEquals } from "../helpers/assert.ts";
import { cycles, folderGraph, moduleGraph } from "./_graph.ts";

const show = (cs: string[][]) => cs.map((c) => c.join(" → "));

for (const entry of ["mod.ts", "cli.ts"]) {
  Deno.test(`layering: no import cycle from ${entry}, between files or folders`, async () => {
    const g = await moduleGraph(entry);
    assertEquals(show(cycles(g)), [], "file cycles");
    assertEquals(show(cycles(folderGraph(g))), [], "folder cycles");
  });
}

Deno.test("layering: the library (mod.ts) reaches no program module", async () => {
  const g = await moduleGraph("mod.ts");
  const programs = [...g.keys()].filter((f) => f === "lib/programs.ts" || f.startsWith("lib/cmd/"));
  assertEquals(programs, []);
});

Deno.test("layering: the cycle check sees a cycle", () => {
  const find = cycles;
  const g = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]]]);
  assertEquals(show(find(g)), ["a.ts → b.ts → c.ts → a.ts"]);
  assertEquals(show(find(folderGraph(new Map([["x/a.ts", ["y/b.ts"]], ["y/b.ts", ["x/c.ts"]]])))), [
    "x → y → x",
  ]);
});
