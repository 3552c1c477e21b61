/**
 * multilog's log engine as a library: parse a script, open its log
 * directories, feed it bytes, rotate on demand, close. Many engines can run
 * in one process (no globals, no exits); errors come back as
 * {@link MultilogError}, warnings through the host's `warn`.
 *
 * @example
 * ```ts
 * import { MultilogEngine, parseScript } from "./mod.ts";
 *
 * const cwd = Deno.makeTempDirSync(); // a logger's directory: /service/web/log, say
 * const engine = new MultilogEngine(parseScript(["t", "s1000000", "n20", "./main"]), {
 *   cwd,
 *   // for a setuidgid-style logger, `account: { uid, gid, groups }` takes every
 *   // file step with the account's rights
 * });
 * await engine.open();
 * await engine.feed(new TextEncoder().encode("started\n"));
 * await engine.rotateNow(); // ALRM
 * await engine.close(); // TERM (after the current line) or end of input
 * const names = [...Deno.readDirSync(`${cwd}/main`)].map((e) => e.name);
 * if (!names.some((n) => n.startsWith("@"))) throw new Error("no rotated file");
 * Deno.removeSync(cwd, { recursive: true });
 * ```
 *
 * @module
 */
export {
  BACKLOG_MAX,
  type EngineOptions,
  LINE_MAX,
  MultilogEngine,
  STATUS_SIZE,
} from "./engine.ts";
export { MultilogError } from "./errors.ts";
export type { FsCredentials } from "./files.ts";
export { match } from "./match.ts";
export { type Action, type DirSpec, LIMITS, type ParsedScript, parseScript } from "./script.ts";
