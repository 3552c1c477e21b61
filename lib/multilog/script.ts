/**
 * multilog's script language, parsed as daemontools 0.76 reads it. Pure.
 *
 * daemontools accepts every script: an item is known by its first character
 * (`t` counts only as the first item), anything else is ignored, and sizes
 * are clamped (`s` to 4096…16777215, `n` to at least 2). So parsing cannot
 * fail; what can fail (a directory that cannot be made, a lock held
 * elsewhere) fails when the engine opens the script's files.
 *
 * @module
 */

/** One action, applied to each line in script order. */
export type Action =
  | { kind: "deselect"; pattern: Uint8Array }
  | { kind: "select"; pattern: Uint8Array }
  | { kind: "stderr" }
  | { kind: "status"; file: string }
  | { kind: "dir"; index: number };

/** A log directory with the settings in force where it appears in the script. */
export interface DirSpec {
  /** As written in the script (used in messages). */
  path: string;
  /** Largest size of `current` (`s`, default 99999). */
  size: number;
  /** Number of log files kept, current included (`n`, default 10). */
  num: number;
  /** Shell command run on each full log file (`!`), or null. */
  processor: string | null;
}

/** A parsed script. */
export interface ParsedScript {
  /** Stamp each line (`t` as the first item). */
  timestamp: boolean;
  /** Per-line actions, in order. */
  actions: Action[];
  /** Log directories, in order. */
  dirs: DirSpec[];
  /** Status files (`=FILE`), in order. */
  statusFiles: string[];
  /** True when some action looks at line contents (patterns, `e`, `=`). */
  inspectsLines: boolean;
}

/** Default and limits of daemontools 0.76. */
export const LIMITS = {
  defaultSize: 99999,
  minSize: 4096,
  maxSize: 16777215,
  defaultNum: 10,
  minNum: 2,
} as const;

const enc = new TextEncoder();

/** scan_ulong: the leading decimal digits, wrapping like a 64-bit unsigned long. */
export function scanUlong(s: string): bigint {
  let v = 0n;
  for (const c of s) {
    if (c < "0" || c > "9") break;
    v = BigInt.asUintN(64, v * 10n + BigInt(c.charCodeAt(0) - 48));
  }
  return v;
}

/**
 * Parses a multilog script (the program's arguments).
 *
 * @example
 * ```ts
 * const s = parseScript(["t", "s4096", "n3", "-*debug*", "./main"]);
 * s.dirs[0]; // { path: "./main", size: 4096, num: 3, processor: null }
 * ```
 */
export function parseScript(args: readonly string[]): ParsedScript {
  const actions: Action[] = [];
  const dirs: DirSpec[] = [];
  const statusFiles: string[] = [];
  let size: number = LIMITS.defaultSize, num: number = LIMITS.defaultNum;
  let processor: string | null = null;
  let inspects = false;
  for (const item of args) {
    const rest = item.slice(1);
    switch (item[0]) {
      case "-":
      case "+":
        inspects = true;
        actions.push({ kind: item[0] === "-" ? "deselect" : "select", pattern: enc.encode(rest) });
        break;
      case "e":
        inspects = true;
        actions.push({ kind: "stderr" });
        break;
      case "=":
        inspects = true;
        statusFiles.push(rest);
        actions.push({ kind: "status", file: rest });
        break;
      case "s": {
        const v = scanUlong(rest);
        size = Number(
          v < BigInt(LIMITS.minSize)
            ? LIMITS.minSize
            : v > BigInt(LIMITS.maxSize)
            ? LIMITS.maxSize
            : v,
        );
        break;
      }
      case "n": {
        const v = scanUlong(rest);
        num = v < BigInt(LIMITS.minNum) ? LIMITS.minNum : Number(v);
        break;
      }
      case "!":
        processor = rest;
        break;
      case ".":
      case "/":
        actions.push({ kind: "dir", index: dirs.length });
        dirs.push({ path: item, size, num, processor });
        break;
    }
  }
  return {
    timestamp: args.length > 0 && args[0][0] === "t",
    actions,
    dirs,
    statusFiles,
    inspectsLines: inspects,
  };
}
