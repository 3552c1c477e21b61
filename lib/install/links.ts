/**
 * Links named after daemontools' programs, and `dt` itself, pointing at dt:
 * making them, refusing to replace what is not already a link to dt (unless
 * forced), and removing them again.
 *
 * @module
 */
import { DAEMONTOOLS_NAMES } from "../common/program_names.ts";

/**
 * The names linked: `dt` (run scripts call `dt svwait`; under svscanboot's PATH
 * it must be found like the others) and daemontools' seventeen.
 */
const LINK_NAMES: readonly string[] = ["dt", ...DAEMONTOOLS_NAMES];

/** What happened to one name. */
export interface LinkResult {
  /** Program name. */
  name: string;
  /** linked, installed (a file written), kept (already right), replaced, removed, absent, refused. */
  action: "linked" | "installed" | "kept" | "replaced" | "removed" | "absent" | "refused";
  /** Why it was refused. */
  why?: string;
}

/** Whether `path` is dt: a link to `target` or `target` itself (true), something else, or absent (null). */
function pointsTo(path: string, target: string): boolean | null {
  try {
    Deno.lstatSync(path);
  } catch {
    return null; // absent
  }
  try {
    // a link to dt, or dt itself (the one file installed as DIR/dt)
    return Deno.realPathSync(path) === Deno.realPathSync(target);
  } catch {
    return false;
  }
}

function isLink(path: string): boolean {
  try {
    return Deno.lstatSync(path).isSymlink;
  } catch {
    return false;
  }
}

/** Creates DIR/NAME → target for `dt` and every daemontools program name. */
export function installLinks(dir: string, target: string, force = false): LinkResult[] {
  return LINK_NAMES.map((name): LinkResult => {
    const path = `${dir}/${name}`;
    const is = pointsTo(path, target);
    if (is === true) return { name, action: "kept" };
    if (is === false && !force) {
      return { name, action: "refused", why: "exists and is not a link to dt (use --force)" };
    }
    if (is === false) Deno.removeSync(path);
    Deno.symlinkSync(target, path);
    return { name, action: is === false ? "replaced" : "linked" };
  });
}

/** Removes DIR/NAME for every name that is a link to dt; leaves anything else, and dt itself. */
export function removeLinks(dir: string, target: string): LinkResult[] {
  return LINK_NAMES.map((name): LinkResult => {
    const path = `${dir}/${name}`;
    const is = pointsTo(path, target);
    if (is === null) return { name, action: "absent" };
    if (is === false) return { name, action: "refused", why: "not a link to dt" };
    if (!isLink(path)) return { name, action: "kept" }; // dt itself
    Deno.removeSync(path);
    return { name, action: "removed" };
  });
}
