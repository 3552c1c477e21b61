/**
 * No runtime timer in lib/ can be given more than 2^31−1 ms (or a negative or
 * NaN delay): the runtime would fire it after 1 ms and print its own
 * TimeoutOverflowWarning on stderr. A delay that comes from a user goes
 * through lib/common/long_timer.ts; every other `setTimeout`/`setInterval`
 * has a literal delay or is listed here with why its delay is bounded. A new
 * one fails this test until it is one or the other.
 */
import { assertEquals } from "../helpers/assert.ts";
import { ROOT } from "../helpers/mod.ts";

/** `file: delay expression` → why it stays under 2^31−1 ms and is never negative or NaN. */
const BOUNDED: Record<string, string> = {
  "lib/sys/settle.ts: this.#quietMs": "1000 by default; callers pass constants",
  "lib/init/run_init.ts: ms": "one of the literal list [0, 25, 100, 300, 1000] it loops over",
  "lib/svscan/scanner.ts: this.#interval": "SCAN_INTERVAL_MS (5 s), or a test's small value",
  "lib/control/svwait.ts: SETTLE_MS": "a constant, 2 s",
  "lib/control/await_supervisor.ts: RECHECK_MS": "a constant, 250 ms",
};

/** The text of the call's arguments from `open` (just after its parenthesis) to the matching one. */
function argsOf(text: string, open: number): string {
  let depth = 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (--depth === 0) return text.slice(open, i);
    }
  }
  return text.slice(open);
}

/** The last top-level argument of a call's argument text. */
function lastArg(args: string): string {
  let depth = 0, at = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) at = i + 1;
  }
  return args.slice(at).trim().replace(/,$/, "").trim();
}

function* tsFiles(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(`${ROOT}/${dir}`)) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory) yield* tsFiles(rel);
    else if (e.name.endsWith(".ts")) yield rel;
  }
}

Deno.test("timers: every runtime timer in lib/ has a delay known to fit, or goes through long_timer", () => {
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const file of tsFiles("lib")) {
    if (file === "lib/common/long_timer.ts") continue;
    const text = Deno.readTextFileSync(`${ROOT}/${file}`);
    for (const m of text.matchAll(/\bset(?:Timeout|Interval)\(/g)) {
      const before = text.slice(text.lastIndexOf("\n", m.index) + 1, m.index);
      if (/^\s*(\*|\/\/)/.test(before)) continue; // a comment
      const delay = lastArg(argsOf(text, m.index + m[0].length));
      if (/^\d+$/.test(delay) || /^1 << \d+$/.test(delay)) continue;
      const key = `${file}: ${delay}`;
      seen.add(key);
      if (!(key in BOUNDED)) unknown.push(key);
    }
  }
  assertEquals(unknown, [], "use setLongTimeout/sleep of lib/common/long_timer.ts, or list why");
  // the list has no stale entries either
  assertEquals(Object.keys(BOUNDED).filter((k) => !seen.has(k)), []);
});
