/**
 * Layering: no import cycle, between files or between folders, in what
 * `deno info --json` finds from mod.ts (the library) and cli.ts (the
 * programs, lazy imports included); and the library does not pull in the
 * programs.
 */
import { assertEquals } from "../helpers/assert.ts";
import { withSandbox } from "../helpers/mod.ts";
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

Deno.test("layering: the graph has an edge for `import type` as for a value import", async () => {
  await withSandbox(async (sb) => {
    sb.write("high/t.ts", "export type T = number;\n");
    sb.write("high/v.ts", "export const v = 1;\n");
    sb.write(
      "low/a.ts",
      'import type { T } from "../high/t.ts";\nimport { v } from "../high/v.ts";\n' +
        "export const a: T = v;\n",
    );
    const g = await moduleGraph("low/a.ts", sb.dir);
    assertEquals(g.get("low/a.ts")?.toSorted(), ["high/t.ts", "high/v.ts"]);
    assertEquals(folderGraph(g).get("low"), ["high"]);
  });
});

/** docs/layout.md's table: folder → the folders it may import. */
function allowed(): Map<string, Set<string>> {
  const rows = Deno.readTextFileSync(new URL("../../docs/layout.md", import.meta.url)).split("\n")
    .filter((l) => l.startsWith("| `"));
  const table = new Map<string, Set<string>>();
  const folder = (cell: string) => cell.trim().replace(/^`|`$/g, "").replace(/\/$/, "");
  for (const row of rows) {
    const [, name, , may] = row.split("|");
    const from = folder(name);
    const to = may.trim() === "every folder above"
      ? [...table.keys()]
      : may.trim() === "nothing"
      ? []
      : may.split(",").map(folder);
    table.set(from, new Set(to));
  }
  return table;
}

Deno.test("layering: every folder imports only what docs/layout.md allows it", async () => {
  const rules = allowed();
  const bad: string[] = [];
  for (const entry of ["mod.ts", "cli.ts"]) {
    for (const [from, tos] of folderGraph(await moduleGraph(entry))) {
      const may = rules.get(from);
      if (may === undefined) {
        bad.push(`${from}: not in docs/layout.md`);
        continue;
      }
      for (const to of tos) if (!may.has(to)) bad.push(`${from} → ${to}`);
    }
  }
  assertEquals([...new Set(bad)], []);
});
