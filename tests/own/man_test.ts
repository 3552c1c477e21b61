/**
 * The man pages: one per program (daemontools' seventeen, dt's own four, and
 * dt), made from docs/ (every section a page takes is there, word for word),
 * clean under `mandoc -T lint` (nothing above style), rendered by `man -l`.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { need, ROOT, run, withSandbox } from "../helpers/mod.ts";
import { makePages } from "../../scripts/man.ts";
import { PAGES } from "../../scripts/man/pages.ts";
import { type Block, parse, preamble, section } from "../../scripts/man/markdown.ts";
import { DAEMONTOOLS_NAMES, OWN_NAMES } from "../../lib/common/program_names.ts";

const pages = makePages("2026-01-01");

Deno.test("man: a page for dt, each of daemontools' programs and each of dt's own", () => {
  const want = ["dt", ...DAEMONTOOLS_NAMES, ...OWN_NAMES.map((n) => `dt-${n}`)].sort();
  assertEquals([...pages.keys()].sort(), want);
});

/** The first paragraph of `blocks`, in a list item too. */
function firstPara(blocks: readonly Block[]): { text: string } | undefined {
  for (const b of blocks) {
    if (b.kind === "para") return b;
    if (b.kind === "list") {
      const p = firstPara(b.items[0] ?? []);
      if (p) return p;
    }
  }
  return undefined;
}

/** The words of a Markdown paragraph as a reader sees them. */
function words(md: string): string {
  return md.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/\*\*|`|(^|\s)_|_(\s|$)/g, "$1$2")
    .replace(/\s+/g, " ").trim();
}

Deno.test("man: every section a page takes from docs/ is in it, as docs/ says it", async () => {
  const mandoc = need("mandoc", "mandoc");
  await withSandbox(async (sb) => {
    for (const spec of PAGES) {
      const file = sb.write(`${spec.page}.8`, pages.get(spec.page)!);
      const r = await run(mandoc, ["-T", "ascii", "-O", "width=1000", file]);
      assertEquals(r.code, 0, r.stderr);
      // no wrapping, no hyphenation: a paragraph is one line
      // overstrike (a character, a backspace, the character again: bold) as plain text
      let plain = "";
      for (const ch of r.stdout) plain = ch === "\b" ? plain.slice(0, -1) : plain + ch;
      const text = plain.replace(/\s+/g, " ");
      for (const part of spec.parts) {
        const blocks = parse(Deno.readTextFileSync(`${ROOT}/${part.doc}`));
        const body = part.heading === undefined ? preamble(blocks) : section(blocks, part.heading);
        const first = firstPara(body);
        assert(first !== undefined, `${spec.page}: ${part.doc} ${part.heading ?? ""} has no text`);
        const start = words(first.text).split(" ").slice(0, 8).join(" ")
          .replace(
            /[—–…×→≤≥]/g,
            (c) =>
              ({ "—": "--", "–": "-", "…": "...", "×": "x", "→": "->", "≤": "<=", "≥": ">=" })[c]!,
          );
        assertStringIncludes(text, start, `${spec.page}: ${part.title}`);
      }
    }
  });
});

Deno.test("man: mandoc -T lint finds nothing above style level; man -l renders each page", async () => {
  const mandoc = need("mandoc", "mandoc");
  const man = need("man", "man-db");
  await withSandbox(async (sb) => {
    for (const [name, text] of pages) {
      const file = sb.write(`${name}.8`, text);
      const lint = await run(mandoc, ["-T", "lint", "-W", "warning", file]);
      assertEquals({ code: lint.code, out: lint.stdout, err: lint.stderr }, {
        code: 0,
        out: "",
        err: "",
      }, name);
      const shown = await run(man, ["-l", file], {
        env: { MANPAGER: "cat", PAGER: "cat", MANWIDTH: "80", LANG: "C.UTF-8" },
      });
      assertEquals(shown.code, 0, `${name}: ${shown.stderr}`);
      assertEquals(shown.stderr, "", name);
      assertStringIncludes(shown.stdout, "NAME");
      assert(new RegExp(`\\n {7}${name} +- `).test(shown.stdout), `${name}: ${shown.stdout}`);
      assertStringIncludes(shown.stdout, "SEE ALSO");
    }
  });
});

Deno.test("man: dt help PROGRAM prints the page the bundle ships; install-links --man installs them all", async () => {
  const b = await run(Deno.execPath(), ["run", "-A", `${ROOT}/scripts/bundle.ts`]);
  assertEquals(b.code, 0, b.stderr);
  const dt = `${ROOT}/dist/dt`;
  const env = { DT_DENO: Deno.execPath() };
  const h = await run(dt, ["help", "init"], { env });
  assertEquals(h.code, 0, h.stderr);
  assertStringIncludes(h.stdout, ".TH DT-INIT 8 ");
  const u = await run(dt, ["help", "nosuch"], { env });
  assertEquals([u.code, u.stderr], [
    100,
    "dt help: fatal: no manual page for nosuch (dt --help lists the programs)\n",
  ]);
  await withSandbox(async (sb) => {
    const man = sb.path("share/man");
    const i = await run(dt, ["install-links", "--man", man], { env });
    assertEquals(i.code, 0, i.stderr);
    assertEquals(i.stdout.split("\n").filter((l) => l.endsWith(": installed")).length, 22);
    const again = await run(dt, ["install-links", "--man", man], { env });
    assertEquals(again.stdout.split("\n").filter((l) => l.endsWith(": kept")).length, 22);
    // a page that is not dt's stays, unless --force
    Deno.writeTextFileSync(`${man}/man8/svc.8`, ".TH SVC 8\n");
    const r = await run(dt, ["install-links", "--man", man], { env });
    assertEquals(r.code, 111);
    assertStringIncludes(r.stderr, `${man}/man8/svc.8: exists and is not dt's (use --force)`);
    const rm = await run(dt, ["install-links", "--remove", "--man", man], { env });
    assertEquals([...Deno.readDirSync(`${man}/man8`)].map((e) => e.name), ["svc.8"], rm.stderr);
  });
});
