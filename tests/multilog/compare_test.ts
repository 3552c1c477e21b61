/**
 * dt multilog against daemontools' multilog: the same script on the same
 * input must leave the same files (names, modes, contents, file boundaries),
 * print the same, and exit the same, timestamps aside.
 */
import { withSandbox } from "../helpers/mod.ts";
import {
  assertEquals,
  assertSameRun,
  assortedInput,
  DJB,
  dtArgv,
  runBoth,
  runFromFile,
  snapshot,
} from "./helpers.ts";

const enc = new TextEncoder();

function numbered(n: number, width = 0): string {
  let s = "";
  for (let i = 1; i <= n; i++) s += `line ${String(i).padStart(width, "0")} of the log\n`;
  return s;
}

Deno.test("multilog: same files as daemontools for each script", async (t) => {
  await withSandbox(async (sb) => {
    const assorted = assortedInput(7, 2500, "a last line without newline");
    const cases: [string, string[], Uint8Array | string][] = [
      ["plain dir, defaults", ["./main"], numbered(2000)],
      ["t stamps every line", ["t", "./main"], numbered(500)],
      ["t only counts first", ["s4096", "t", "./main"], numbered(300)],
      ["word starting with t", ["tx", "./main"], numbered(10)],
      ["s4096 n3 rotation", ["t", "s4096", "n3", "./main"], numbered(3000)],
      ["s below minimum", ["s100", "n100", "./main"], numbered(1500)],
      ["s junk is the minimum", ["sabc", "n100", "./main"], numbered(1500)],
      ["s above maximum", ["s99999999", "./main"], numbered(100)],
      ["n below minimum", ["s4096", "n0", "./main"], numbered(2000)],
      ["assorted lengths, s4096", ["t", "s4096", "n1000", "./main"], assorted],
      ["assorted lengths, s5000", ["s5000", "n1000", "./main"], assorted],
      ["two dirs, own settings", ["t", "s4096", "n4", "./a", "s8192", "n3", "./b"], assorted],
      [
        "patterns select per dir",
        ["-*", "+*5*", "./fives", "-*7", "./not7", "+*", "-line 1*", "./rest"],
        numbered(1200),
      ],
      ["pattern sees the stamp", ["t", "-@*", "+*", "-@4*", "./main"], numbered(20)],
      [
        "star rules",
        ["-*", "+*b", "./star-b", "-*", "+a*c", "./a-c", "-*", "+*", "./all"],
        [
          "abcb",
          "ab",
          "acb",
          "abc",
          "ac",
          "a",
          "*b",
          "",
          "xxb",
        ].join("\n") + "\n",
      ],
      ["e to stderr", ["-*2*", "e", "./main"], numbered(50) + "x".repeat(300) + "\n"],
      ["e with stamps", ["t", "+*", "e"], "one\ntwo\n"],
      ["status files", ["=st0", "-*9*", "=st1", "./main"], numbered(99)],
      ["status of a long line", ["t", "=st"], "y".repeat(2500) + "\n"],
      ["unknown actions ignored", ["x", "?", "", "Zz", "./main"], numbered(5)],
      ["no script", [], numbered(5)],
      ["partial last line", ["t", "./main"], "one\ntwo\nthree, no newline"],
      ["partial long last line", ["./main"], "z".repeat(1500)],
      ["empty input", ["t", "./main"], ""],
      ["NUL and CR", ["./main"], "a\0b\r\n\r\n\0\n"],
      [
        "binary bytes",
        ["t", "-*\x01*", "./main"],
        new Uint8Array([1, 2, 255, 10, 200, 1, 10, 0, 10]),
      ],
      ["lines of megabytes", ["t", "s16777215", "./main"], "m".repeat(3_000_000) + "\nshort\n"],
      [
        "processor",
        ["t", "s4096", "n4", "!tr a-z A-Z; echo s >&5; cat <&4 >&5", "./main"],
        numbered(800),
      ],
      ["absolute dir", ["t", "ABS"], numbered(10)],
    ];
    let i = 0;
    for (const [name, script0, input] of cases) {
      await t.step(name, async () => {
        const id = `c${i++}`;
        if (script0.includes("ABS")) {
          // an absolute directory: each program gets its own
          const file = sb.path(`${id}.in`);
          Deno.writeTextFileSync(file, input as string);
          const dtAbs = sb.path(`${id}.dt-abs`), djbAbs = sb.path(`${id}.djb-abs`);
          const sub = (p: string) => script0.map((x) => x === "ABS" ? p : x);
          const dt = await runFromFile(dtArgv("multilog", ...sub(dtAbs)), sb.dir, file);
          const djb = await runFromFile([DJB.multilog, ...sub(djbAbs)], sb.dir, file);
          assertEquals([dt.code, dt.stderr], [djb.code, djb.stderr]);
          assertEquals(snapshot(dtAbs), snapshot(djbAbs));
          return;
        }
        const script = script0;
        const both = await runBoth(
          sb,
          id,
          script,
          typeof input === "string" ? enc.encode(input) : input,
        );
        assertSameRun(both, name);
      });
    }
  });
});

Deno.test("multilog: restarting on a directory left by daemontools (and the reverse)", async () => {
  await withSandbox(async (sb) => {
    const script = ["t", "s4096", "n5", "./main"];
    const first = await runBoth(sb, "r1", script, numbered(400));
    assertSameRun(first, "first run");
    // second run on the other's directory
    const input = sb.path("r2.in");
    Deno.writeTextFileSync(input, numbered(300));
    const a = await runFromFile(dtArgv("multilog", ...script), first.djbDir, input);
    const b = await runFromFile([DJB.multilog, ...script], first.dtDir, input);
    assertEquals([a.code, a.stderr], [0, ""]);
    assertEquals([b.code, b.stderr], [0, ""]);
    assertEquals(snapshot(`${first.djbDir}/main`), snapshot(`${first.dtDir}/main`));
  });
});
