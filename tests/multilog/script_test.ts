/** The pure parts: the script parser and daemontools' pattern match. */
import { match } from "../../lib/multilog/match.ts";
import { LIMITS, parseScript, scanUlong } from "../../lib/multilog/script.ts";
import { assertEquals } from "./helpers.ts";

const enc = new TextEncoder();
const m = (p: string, s: string) => match(enc.encode(p), enc.encode(s), enc.encode(s).length);

Deno.test("script: defaults, limits and order", () => {
  const s = parseScript(["t", "./a", "s1", "n1", "!proc", "./b", "s99999999", "n7", "/c"]);
  assertEquals(s.timestamp, true);
  assertEquals(s.dirs, [
    { path: "./a", size: LIMITS.defaultSize, num: LIMITS.defaultNum, processor: null },
    { path: "./b", size: LIMITS.minSize, num: LIMITS.minNum, processor: "proc" },
    { path: "/c", size: LIMITS.maxSize, num: 7, processor: "proc" },
  ]);
  assertEquals(s.inspectsLines, false);
});

Deno.test("script: t only as the first item; unknown items ignored", () => {
  assertEquals(parseScript(["./a", "t"]).timestamp, false);
  assertEquals(parseScript(["tomato", "./a"]).timestamp, true);
  const s = parseScript(["x", "", "?", "-*a*", "e", "=f", "./d"]);
  assertEquals(s.actions.map((a) => a.kind), ["deselect", "stderr", "status", "dir"]);
  assertEquals(s.statusFiles, ["f"]);
  assertEquals(s.inspectsLines, true);
});

Deno.test("script: numbers read like scan_ulong", () => {
  assertEquals(scanUlong("123abc"), 123n);
  assertEquals(scanUlong("abc"), 0n);
  assertEquals(scanUlong("18446744073709551617"), 1n); // wraps at 2^64
});

Deno.test("match: daemontools' star rules", () => {
  const cases: [string, string, boolean][] = [
    ["", "", true],
    ["", "a", false],
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["*", "", true],
    ["*", "anything", true],
    ["a*", "abc", true],
    ["*c", "abc", true],
    ["*b", "abcb", false], // * stops at the first b
    ["a*c", "abcbc", false],
    ["*err*", "an error here", true],
    ["*err*", "fine", false],
    ["**", "x", false], // the second * is the byte to stop at
    ["x**", "x*", true],
  ];
  for (const [p, s, want] of cases) assertEquals(m(p, s), want, `${p} ~ ${s}`);
});
