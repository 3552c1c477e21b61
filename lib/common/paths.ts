/**
 * The two path operations dt spells out itself rather than take from
 * `node:path`: loading `node:path` adds ~5 ms to the start of a program (a
 * third of `svok`'s), and its `join` and `resolve` normalise lexically (`a/..`
 * dropped whatever `a` links to; `./x` shown as `x`), where dt hands the
 * kernel, and echoes in messages, the path as the user spelled it. Tests and
 * scripts use `node:path`.
 *
 * @example
 * ```ts
 * import { basename, inDir } from "./paths.ts";
 * basename("/usr/bin/svc"); // "svc"
 * inDir(".", "svc");        // "svc"
 * inDir("/service", "svc"); // "/service/svc"
 * ```
 *
 * @module
 */

/** What follows the last `/` of `path` (all of it when it has none). */
export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** `name` inside `dir`, as the user spelled `dir` (`.`: the name alone, as daemontools shows it). */
export function inDir(dir: string, name: string): string {
  return dir === "." ? name : `${dir}/${name}`;
}
