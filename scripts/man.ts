/**
 * dt's man pages (section 8), made from docs/ (scripts/man/pages.ts says which
 * sections of which docs page make each): dist/man/man8/NAME.8. scripts/bundle.ts
 * runs it, so the bundle, the npm package and the one file ship them.
 *
 * Usage: deno run -A scripts/man.ts [OUTDIR]   (default dist/man/man8)
 */
import { PAGES } from "./man/pages.ts";
import { manPage } from "./man/page.ts";
import { SUMMARY } from "../lib/programs.ts";
import { DAEMONTOOLS_NAMES, OWN_NAMES } from "../lib/common/program_names.ts";
import { VERSION } from "../lib/common/version.ts";

const root = new URL("../", import.meta.url).pathname;

/** The pages' date: SOURCE_DATE_EPOCH, else the last commit's, else today's (YYYY-MM-DD). */
export function pageDate(): string {
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  if (epoch && /^\d+$/.test(epoch)) {
    return new Date(Number(epoch) * 1000).toISOString().slice(0, 10);
  }
  try {
    const r = new Deno.Command("git", {
      args: ["log", "-1", "--format=%cs"],
      cwd: root,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const d = new TextDecoder().decode(r.stdout).trim();
    if (r.success && /^\d{4}-\d\d-\d\d$/.test(d)) return d;
  } catch { /* no git */ }
  return new Date().toISOString().slice(0, 10);
}

/** Every page: name → man(7) source. */
export function makePages(date = pageDate()): Map<string, string> {
  const cache = new Map<string, string>();
  const doc = (p: string) => {
    if (!cache.has(p)) cache.set(p, Deno.readTextFileSync(`${root}${p}`));
    return cache.get(p)!;
  };
  const programs = [...DAEMONTOOLS_NAMES, ...OWN_NAMES];
  return new Map(
    PAGES.map((
      s,
    ) => [s.page, manPage(s, { doc, summary: SUMMARY, programs, version: VERSION, date })]),
  );
}

/** Writes every page to `out` (made if missing), replacing what was there. */
export function writePages(out = `${root}dist/man/man8`): number {
  Deno.mkdirSync(out, { recursive: true });
  for (const e of Deno.readDirSync(out)) {
    if (e.name.endsWith(".8")) Deno.removeSync(`${out}/${e.name}`);
  }
  const pages = makePages();
  for (const [name, text] of pages) Deno.writeTextFileSync(`${out}/${name}.8`, text);
  return pages.size;
}

if (import.meta.main) {
  console.log(`${writePages(Deno.args[0])} man pages`);
}
