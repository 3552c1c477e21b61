/** The pure parts: the script parser and daemontools' pattern match. */
import { match } from "../../lib/multilog/match.ts";
import { parseScript, scanUlong } from "../../lib/multilog/script.ts";
import { assertEquals } from "./helpers.ts";

const enc = new TextEncoder();
const m = (p: string, s: string) => match(enc.encode(p), enc.encode(s), enc.encode(s).length);

// daemontools 0.76's multilog.c, written out: size 99999 and num 10 unless set; `s` is held
// between 4096 and 16777215, `n` at 2 or more
Deno.test("script: defaults, limits and order", () => {
  const s = parseScript(["t", "./a", "s1", "n1", "!proc", "./b", "s99999999", "n7", "/c"]);
  assertEquals(s.timestamp, true);
  assertEquals(s.dirs, [
    { path: "./a", size: 99999, num: 10, processor: null },
    { path: "./b", size: 4096, num: 2, processor: "proc" },
    { path: "/c", size: 16777215, num: 7, processor: "proc" },
  ]);
  assertEquals(s.inspectsLines, false);
});

Deno.test("script: s and n at their bounds", () => {
  const one = (...items: string[]) => {
    const d = parseScript([...items, "./d"]).dirs[0];
    return [d.size, d.num];
  };
  assertEquals(one("s4095", "n0"), [4096, 2]);
  assertEquals(one("s4096", "n2"), [4096, 2]);
  assertEquals(one("s4097", "n3"), [4097, 3]);
  assertEquals(one("s16777215"), [16777215, 10]);
  assertEquals(one("s16777216"), [16777215, 10]);
  assertEquals(one("s", "n"), [4096, 2]); // no digits: 0
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
