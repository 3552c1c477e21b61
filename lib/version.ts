/**
 * dt's version. The source is lib/common/version.ts (a leaf the programs can
 * import without reaching above lib/cmd); this module re-exports it for cli.ts.
 *
 * @module
 */
export { VERSION } from "./common/version.ts";
