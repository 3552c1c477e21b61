/**
 * The module graph as `deno info --json` gives it, reduced to the project's
 * own files: for the cycle check and for finding the library's modules.
 *
 * @module
 */
import { ROOT } from "../helpers/mod.ts";
import { dirname as dir } from "node:path";

/**
 * Project-relative path → the project-relative paths it imports (statically or
 * lazily, values or types: `import type` is an edge as well).
 */
export type Graph = Map<string, string[]>;

/**
 * Runs `deno info --json ENTRY` (ENTRY relative to `root`, the project's by
 * default) and returns the graph of the files below `root`.
 */
export async function moduleGraph(entry: string, root = ROOT): Promise<Graph> {
  const PREFIX = `file://${root}/`;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-config", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) throw new Error(`deno info ${entry}: ${new TextDecoder().decode(r.stderr)}`);
  const info = JSON.parse(new TextDecoder().decode(r.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
    }[];
  };
  const rel = (s: string) => s.startsWith(PREFIX) ? s.slice(PREFIX.length) : null;
  const g: Graph = new Map();
  for (const m of info.modules) {
    const from = rel(m.specifier);
    if (from === null) continue;
    // `import type` counts: a type is as much a dependency on its folder as a value
    const to = (m.dependencies ?? []).flatMap((d) =>
      [d.code, d.type].flatMap((x) => {
        const t = x === undefined ? null : rel(x.specifier);
        return t === null ? [] : [t];
      })
    );
    g.set(from, [...new Set(to)]);
  }
  return g;
}

/** Every cycle's first appearance as a path `a → b → … → a` (depth-first, one per back edge). */
export function cycles(g: Graph): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, "open");
    stack.push(n);
    for (const m of g.get(n) ?? []) {
      const s = state.get(m);
      if (s === "open") found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (s === undefined) visit(m);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of [...g.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

/** The graph of folders (`lib/svscan`, …): an edge wherever a file imports another folder's. */
export function folderGraph(g: Graph): Graph {
  const f: Graph = new Map();
  for (const [from, tos] of g) {
    const d = dir(from);
    const set = new Set(f.get(d) ?? []);
    for (const t of tos) if (dir(t) !== d) set.add(dir(t));
    f.set(d, [...set]);
  }
  return f;
}
