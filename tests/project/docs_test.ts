/**
 * The README is the front door and docs/ the single source: the README stays
 * short and links every page, every relative link and anchor resolves, and no
 * paragraph is written in two places (README and a page, or two pages).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { ROOT } from "../helpers/mod.ts";

const read = (rel: string) => Deno.readTextFileSync(`${ROOT}/${rel}`);
const pages = [...Deno.readDirSync(`${ROOT}/docs`)].filter((e) => e.name.endsWith(".md"))
  .map((e) => `docs/${e.name}`).sort();
const FILES = ["README.md", ...pages];

/** Blank-line separated blocks (a fenced code block is one), whitespace collapsed. */
export function paragraphs(md: string): string[] {
  const out: string[] = [];
  let cur: string[] = [], fence = false;
  const flush = () => {
    if (cur.length) out.push(cur.join(" ").replace(/\s+/g, " ").trim());
    cur = [];
  };
  for (const line of md.split("\n")) {
    if (line.startsWith("```")) fence = !fence;
    if (!fence && line.trim() === "") flush();
    else cur.push(line);
  }
  flush();
  return out;
}

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

function anchors(md: string): Set<string> {
  const s = new Set<string>();
  let fence = false;
  for (const line of md.split("\n")) {
    if (line.startsWith("```")) fence = !fence;
    const m = !fence && /^#{1,6} (.*)$/.exec(line);
    if (m) s.add(slug(m[1]));
  }
  return s;
}

Deno.test("docs: the README is under 250 lines and links every page of docs/", () => {
  const readme = read("README.md");
  const n = readme.split("\n").length;
  assert(n < 250, `README.md has ${n} lines`);
  for (const p of pages) assert(readme.includes(`](${p})`), `README.md links ${p}`);
});

Deno.test("docs: every relative link and anchor resolves", () => {
  const bad: string[] = [];
  for (const f of FILES) {
    const text = read(f);
    const base = f.includes("/") ? f.slice(0, f.lastIndexOf("/") + 1) : "";
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split("#");
      const rel = path === "" ? f : new URL(path, `file:///${base}`).pathname.slice(1);
      let body: string;
      try {
        body = read(rel);
      } catch {
        bad.push(`${f}: ${target} (no such file)`);
        continue;
      }
      if (anchor && rel.endsWith(".md") && !anchors(body).has(anchor)) {
        bad.push(`${f}: ${target} (no such heading)`);
      }
    }
  }
  assertEquals(bad, []);
});

Deno.test("docs: no paragraph appears in two places", () => {
  const seen = new Map<string, string>();
  const twice: string[] = [];
  for (const f of FILES) {
    for (const p of new Set(paragraphs(read(f)))) {
      if (p.length < 40 || p.startsWith("#")) continue; // headings, fences, short lines
      const where = seen.get(p);
      if (where !== undefined && where !== f) twice.push(`${where} and ${f}: ${p.slice(0, 80)}…`);
      else seen.set(p, f);
    }
  }
  assertEquals(twice, []);
});

Deno.test("docs: the paragraph check sees a copy", () => {
  const a = paragraphs("# T\n\nOne paragraph that is long enough to count,\nover two lines.\n");
  const b = paragraphs("Intro.\n\nOne paragraph that is long enough to count, over two lines.\n");
  assertEquals(a[1], b[1]);
  assertEquals(paragraphs("```sh\na\n\nb\n```\n").length, 1, "a fence is one block");
});
