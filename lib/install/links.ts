/**
 * Links named after daemontools' programs, pointing at dt: making them,
 * refusing to replace what is not already a link to dt (unless forced), and
 * removing them again.
 *
 * @module
 */
import { DAEMONTOOLS_NAMES } from "../common/program_names.ts";

/** What happened to one name. */
export interface LinkResult {
  /** Program name. */
  name: string;
  /** linked, kept (already right), replaced, removed, absent, refused. */
  action: "linked" | "kept" | "replaced" | "removed" | "absent" | "refused";
  /** Why it was refused. */
  why?: string;
}

function pointsTo(path: string, target: string): boolean | null {
  try {
    if (!Deno.lstatSync(path).isSymlink) return false;
  } catch {
    return null; // absent
  }
  try {
    return Deno.realPathSync(path) === Deno.realPathSync(target);
  } catch {
    return false;
  }
}

/** Creates DIR/NAME → target for every daemontools program name. */
export function installLinks(dir: string, target: string, force = false): LinkResult[] {
  return DAEMONTOOLS_NAMES.map((name): LinkResult => {
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

/** Removes DIR/NAME for every program name that is a link to dt; leaves anything else. */
export function removeLinks(dir: string, target: string): LinkResult[] {
  return DAEMONTOOLS_NAMES.map((name): LinkResult => {
    const path = `${dir}/${name}`;
    const is = pointsTo(path, target);
    if (is === null) return { name, action: "absent" };
    if (is === false) return { name, action: "refused", why: "not a link to dt" };
    Deno.removeSync(path);
    return { name, action: "removed" };
  });
}
