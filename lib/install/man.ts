/**
 * dt's man pages (section 8), made from docs/ by scripts/man.ts at build time
 * and shipped beside the bundle (`man/man8/NAME.8`: dist/, the one file's
 * unpacked directory, the npm package): where they are, which page a program
 * has, and installing them into a man directory.
 *
 * @module
 */
import type { LinkResult } from "./links.ts";
import { isErrno } from "../common/errors.ts";

/** The first line of every page scripts/man.ts makes: how a page is known as dt's own. */
export const MAN_MARK = '.\\" dt: made from docs/ by scripts/man.ts';

/**
 * The directory holding the pages (`…/man/man8`): beside the running bundle
 * (dist/dt.js, the one file's dt.js), else a checkout's dist/ (cli.ts, once
 * `deno task bundle` has run). Null when there is none.
 */
export function manSource(main: string = Deno.mainModule): string | null {
  if (!main.startsWith("file:")) return null;
  const dir = new URL(".", main).pathname.replace(/\/$/, "");
  for (const d of [`${dir}/man/man8`, `${dir}/dist/man/man8`]) {
    try {
      if (Deno.statSync(d).isDirectory) return d;
    } catch { /* not here */ }
  }
  return null;
}

/** The page of a program: `svc` → `svc`, `init` → `dt-init`, `dt` → `dt`; null for none. */
export function pageOf(program: string, pages: readonly string[]): string | null {
  for (const p of [program, `dt-${program}`]) if (pages.includes(p)) return p;
  return null;
}

/** The pages in `src` (names without `.8`), sorted. */
export function pages(src: string): string[] {
  return [...Deno.readDirSync(src)].filter((e) => e.isFile && e.name.endsWith(".8"))
    .map((e) => e.name.slice(0, -2)).sort();
}

function same(path: string, bytes: Uint8Array): boolean {
  const have = Deno.readFileSync(path);
  return have.length === bytes.length && have.every((b, i) => b === bytes[i]);
}

function isOurs(path: string): boolean | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (isErrno(e, "ENOENT")) return null;
    return false;
  }
  return text.startsWith(MAN_MARK);
}

/**
 * Copies every page of `src` to MANDIR/man8/NAME.8 (made if missing). A file
 * there that is not one of dt's pages is left alone unless `force`.
 */
export function installMan(mandir: string, src: string, force = false): LinkResult[] {
  Deno.mkdirSync(`${mandir}/man8`, { recursive: true });
  return pages(src).map((name): LinkResult => {
    const path = `${mandir}/man8/${name}.8`;
    const ours = isOurs(path);
    if (ours === false && !force) {
      return {
        name: `man8/${name}.8`,
        action: "refused",
        why: "exists and is not dt's (use --force)",
      };
    }
    const text = Deno.readFileSync(`${src}/${name}.8`);
    if (ours === true && same(path, text)) return { name: `man8/${name}.8`, action: "kept" };
    // written beside and renamed: man never reads half a page
    const tmp = `${path}.dt-new`;
    Deno.writeFileSync(tmp, text, { mode: 0o644 });
    Deno.chmodSync(tmp, 0o644);
    Deno.renameSync(tmp, path);
    return { name: `man8/${name}.8`, action: ours === null ? "installed" : "replaced" };
  });
}

/** Removes MANDIR/man8/NAME.8 for each of dt's pages that is dt's. */
export function removeMan(mandir: string, src: string): LinkResult[] {
  return pages(src).map((name): LinkResult => {
    const path = `${mandir}/man8/${name}.8`;
    const ours = isOurs(path);
    if (ours === null) return { name: `man8/${name}.8`, action: "absent" };
    if (!ours) return { name: `man8/${name}.8`, action: "refused", why: "not dt's" };
    Deno.removeSync(path);
    return { name: `man8/${name}.8`, action: "removed" };
  });
}
