/**
 * Every number dt takes from a service file or an option, as a table: 0, the
 * largest, one past it, over 2^31 ms, over 2^53, negative, a sign, blanks,
 * exponents, other digits, bytes that were not UTF-8. Each is a value in range
 * or null (refused), never a throw.
 */
import { assertEquals } from "../helpers/assert.ts";
import { MAX_MS, parseMsText, parseSecondsText } from "../../lib/common/durations.ts";
import {
  parseFd,
  parseMs,
  parseSignalFile,
  parseTimeout,
} from "../../lib/supervise/service_files.ts";
import { parseGrace } from "../../lib/proctree/grace.ts";
import { parseSvwait } from "../../lib/control/svwait.ts";
import { parseInitArgs } from "../../lib/init/args.ts";
import { isFailure } from "../../lib/common/failure.ts";

/** Bytes 0xff 0xfe as Deno's text decoding gives them (U+FFFD each). */
const NOT_UTF8 = new TextDecoder().decode(new Uint8Array([0x35, 0xff, 0xfe]));

/** Junk no parser may take. */
const JUNK = [
  "",
  "-1",
  "-0",
  "+5",
  " 5",
  "5 ",
  "\t5",
  "5\t",
  "1e3",
  "0x10",
  "1_000",
  "1,000",
  "٣", // ARABIC-INDIC DIGIT THREE
  "５", // FULLWIDTH DIGIT FIVE
  "NaN",
  "Infinity",
  NOT_UTF8,
  "\0",
];

Deno.test("milliseconds: 0 to ten digits, nothing else", () => {
  const table: [string, number | null][] = [
    ["0", 0],
    ["1", 1],
    ["0000000005", 5],
    ["2147483647", 2 ** 31 - 1],
    ["2147483648", 2 ** 31], // over a runtime timer: chained, not refused
    ["3000000000", 3_000_000_000],
    ["9999999999", MAX_MS],
    ["10000000000", null], // eleven digits
    ["9007199254740993", null], // over 2^53
    ["1" + "0".repeat(400), null], // Infinity as a float
    ["1.5", null],
    ...JUNK.map((j): [string, null] => [j, null]),
  ];
  for (const [text, want] of table) assertEquals(parseMsText(text), want, JSON.stringify(text));
});

Deno.test("seconds (dt init -t, DT_KILL_GRACE): ten digits, nine decimals, in ms", () => {
  const table: [string, number | null][] = [
    ["0", 0],
    ["8", 8000],
    ["2.5", 2500],
    ["0.0004", 0],
    ["0.0005", 1],
    ["0.123456789", 123],
    ["3000000", 3_000_000_000], // 35 days: a timer chained, not one fired at once
    ["9999999999", 9_999_999_999_000],
    ["9999999999.999999999", 9_999_999_999_999 + 1],
    ["10000000000", null],
    ["1.", null],
    [".5", null],
    ["1.0000000001", null], // ten decimals
    ["9007199254740993", null],
    ...JUNK.map((j): [string, null] => [j, null]),
  ];
  for (const [text, want] of table) {
    assertEquals(parseSecondsText(text), want, JSON.stringify(text));
    assertEquals(parseGrace(text), want, JSON.stringify(text));
  }
});

Deno.test("service files: the first line, exactly; timeouts' 0 is never", () => {
  const ms: [string, number | null][] = [
    ["5000", 5000],
    ["5000\n", 5000],
    ["5000\nanything after the first line", 5000],
    ["3000000000\n", 3_000_000_000],
    ["9999999999\n", MAX_MS],
    ["10000000000\n", null],
    ["5000\r\n", null],
    ["\n5000", null],
    ...JUNK.map((j): [string, null] => [j, null]),
    ...JUNK.filter((j) => j !== "").map((j): [string, null] => [`${j}\n`, null]),
  ];
  for (const [text, want] of ms) {
    assertEquals(parseMs(text), want, JSON.stringify(text));
    assertEquals(parseTimeout(text), want, JSON.stringify(text));
  }
  assertEquals(parseMs("0\n"), 0);
  assertEquals(parseTimeout("0\n"), Infinity);
  assertEquals(parseTimeout("0000\n"), Infinity);

  const fds: [string, number | null][] = [
    ["3\n", 3],
    ["9999", 9999],
    ["2", null],
    ["0", null],
    ["10000", null],
    ["-3", null],
    ["+3", null],
    [" 3", null],
    [NOT_UTF8, null],
  ];
  for (const [text, want] of fds) assertEquals(parseFd(text), want, JSON.stringify(text));

  const sigs: [string, number | null][] = [
    ["QUIT\n", 3],
    ["SIGQUIT", 3],
    ["quit", 3],
    ["9", 9],
    ["31", 31],
    ["0", null],
    ["32", null],
    ["99999999999999999999", null],
    [" QUIT", null],
    ["QUIT ", null],
    ["-9", null],
    ["+9", null],
    [NOT_UTF8, null],
    ["constructor", null],
    ["__proto__", null],
  ];
  for (const [text, want] of sigs) assertEquals(parseSignalFile(text), want, JSON.stringify(text));
});

Deno.test("options: svwait -t and dt init -t/-T take their range; junk is a usage error", () => {
  assertEquals((parseSvwait(["-t", "9999999999", "d"]) as { timeoutMs: number }).timeoutMs, MAX_MS);
  assertEquals((parseSvwait(["-t", "3000000000", "d"]) as { timeoutMs: number }).timeoutMs, 3e9);
  assertEquals((parseSvwait(["-t0", "d"]) as { timeoutMs: number }).timeoutMs, 0);
  for (const v of ["10000000000", "9007199254740993", ...JUNK]) {
    assertEquals(isFailure(parseSvwait(["-t", v, "d"])), true, JSON.stringify(v));
    assertEquals(isFailure(parseInitArgs(["-t", v, "p"])), true, `-t ${JSON.stringify(v)}`);
    assertEquals(isFailure(parseInitArgs(["-S", "s", "-T", v, "p"])), true, `-T ${v}`);
  }
  const init = (args: string[]) => {
    const r = parseInitArgs(args);
    if (isFailure(r)) throw new Error(r.lines.join("\n"));
    return r;
  };
  assertEquals(init(["-t", "3000000", "p"]).graceMs, 3_000_000_000);
  assertEquals(init(["--grace=0", "p"]).graceMs, 0);
  assertEquals(init(["-S", "s", "-T", "9999999999", "p"]).readyTimeoutMs, MAX_MS);
  assertEquals(init(["-S", "s", "-T", "0", "p"]).readyTimeoutMs, Infinity); // s6-svwait's -t 0
  assertEquals(parseInitArgs(["-T", "5", "p"]), {
    prog: "dt init",
    code: 100,
    lines: [
      "dt init: fatal: option -T needs -S",
      "dt init: usage: dt init [-clvw] [-r S:R]... [-e CODE]... [-t SECONDS] [-S DIR [-T MS]] " +
      "[--] PROG [ARG...]",
    ],
  });
});
