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
 * const engine = new MultilogEngine(parseScript(["t", "s1000000", "n20", "./main"]), {
 *   cwd: "/service/web/log",
 *   // setuidgid-style loggers: every file step taken with the account's rights
  account: { uid: 1001, gid: 1001, groups: [1001] },
 * });
 * await engine.open();
 * await engine.feed(new TextEncoder().encode("started\n"));
 * await engine.rotateNow(); // ALRM
 * await engine.close(); // TERM (after the current line) or end of input
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
