/**
 * tai64n and tai64nlocal against daemontools' own, on the same bytes:
 * binary data, CR, NUL, very long lines, partial last lines, lines that are
 * not stamped.
 */
import { LAUNCHER, run } from "../helpers/mod.ts";
import { DJB, dtArgv, latin1, normStamps, runFromFile } from "../multilog/helpers.ts";
import { assertEquals } from "../multilog/helpers.ts";
import { MAX_RUN, StampLocalizer } from "../../lib/tai64n/localize.ts";
import { LineStamper } from "../../lib/tai64n/stamp_lines.ts";
import { TAI_EPOCH } from "../../lib/tai64n/codec.ts";

const enc = new TextEncoder();

async function both(
  prog: "tai64n" | "tai64nlocal",
  input: Uint8Array,
  env?: Record<string, string>,
) {
  // stdin from a file: output of any size, read while it is written
  const file = Deno.makeTempFileSync({ prefix: "dt-tai64n-" });
  try {
    Deno.writeFileSync(file, input);
    const envAll = env ? { ...Deno.env.toObject(), ...env } : undefined;
    const [a, b] = await Promise.all([
      runFromFile(dtArgv(prog), "/", file, envAll),
      runFromFile([DJB[prog]], "/", file, envAll),
    ]);
    return {
      dt: { code: a.code, out: a.stdout, stdout: latin1(a.stdout) },
      djb: { code: b.code, out: b.stdout, stdout: latin1(b.stdout) },
    };
  } finally {
    Deno.removeSync(file);
  }
}

const inputs: [string, Uint8Array][] = [
  ["lines", enc.encode("one\ntwo\n\nthree\n")],
  ["partial last line", enc.encode("one\ntwo, no newline")],
  ["empty", new Uint8Array(0)],
  ["only newlines", enc.encode("\n\n\n")],
  ["CR and NUL", enc.encode("a\r\nb\0c\n\0\n\r")],
  ["all byte values", Uint8Array.from({ length: 1024 }, (_, i) => i % 256)],
  ["a line of 3 MB", enc.encode("L".repeat(3_000_000) + "\nshort\n")],
  ["many short lines", enc.encode("x\n".repeat(100_000))],
];

Deno.test("tai64n: same bytes as daemontools' tai64n, stamps aside", async (t) => {
  for (const [name, input] of inputs) {
    await t.step(name, async () => {
      const r = await both("tai64n", input);
      assertEquals(r.dt.code, r.djb.code);
      assertEquals(normStamps(latin1(r.dt.out)), normStamps(latin1(r.djb.out)));
    });
  }
});

Deno.test("tai64n: stamps are @ + 24 lowercase hex, read from the clock, in order", async () => {
  const before = Date.now();
  const r = await run(dtArgv("tai64n")[0], dtArgv("tai64n").slice(1), {
    stdin: enc.encode("a\nb\nc\n"),
  });
  const after = Date.now();
  const lines = r.stdout.split("\n").filter((l) => l);
  assertEquals(lines.length, 3);
  let last = 0n;
  for (const l of lines) {
    const m = /^@([0-9a-f]{16})([0-9a-f]{8}) [abc]$/.exec(l);
    assertEquals(m !== null, true, l);
    const sec = BigInt("0x" + m![1]) - TAI_EPOCH, nano = parseInt(m![2], 16);
    assertEquals(nano % 1000, 500); // microseconds, as daemontools
    const ns = sec * 1_000_000_000n + BigInt(nano);
    assertEquals(ns >= last, true);
    last = ns;
    assertEquals(
      ns >= BigInt(before - 1000) * 1_000_000n && ns <= BigInt(after + 1000) * 1_000_000n,
      true,
    );
  }
});

function stamped(): Uint8Array {
  // fixed stamps across years, DST changes and odd nanoseconds, plus lines without one
  const secs = [0, 86399, 951782400, 1711846799, 1711846800, 1730000000, 1795531136, 4102444800];
  let s = "";
  secs.forEach((sec, i) => {
    const label = (TAI_EPOCH + BigInt(sec)).toString(16).padStart(16, "0");
    const nano = [0, 500, 999999999, 123456789][i % 4].toString(16).padStart(8, "0");
    s += `@${label}${nano} line ${i}\n`;
  });
  s += "no stamp\n@ not a stamp\nx@4000000069242a1c0a5b3c44 not at the start\n";
  s += "@4000000069242a1c0a5b3c44\n"; // stamp alone
  s += "@4000000069242a1c0a5b3c44\tTAB\n";
  return enc.encode(s);
}

Deno.test("tai64nlocal: same bytes as daemontools' tai64nlocal in several time zones", async (t) => {
  // daemontools crashes on "@ not a stamp"; compare it without that line, then check ours alone
  const input = stamped();
  const text = new TextDecoder().decode(input);
  const safe = enc.encode(text.replace("@ not a stamp\n", ""));
  for (const tz of ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]) {
    await t.step(tz, async () => {
      const r = await both("tai64nlocal", safe, { TZ: tz });
      assertEquals(r.djb.code, 0);
      assertEquals(r.dt.code, 0);
      assertEquals(r.dt.stdout, r.djb.stdout);
    });
  }
  await t.step("a line that only looks stamped passes through", async () => {
    const r = await run(dtArgv("tai64nlocal")[0], dtArgv("tai64nlocal").slice(1), {
      stdin: input,
      env: { TZ: "UTC" },
    });
    assertEquals(r.stdout.includes("\n@ not a stamp\n"), true);
  });
});

Deno.test("tai64nlocal: reads what tai64n writes, byte for byte as daemontools'", async () => {
  const stampedByDjb = await run(DJB.tai64n, [], { stdin: enc.encode("a\nb\n\0binary\xff\n") });
  const r = await both("tai64nlocal", stampedByDjb.out, { TZ: "UTC" });
  assertEquals(r.dt.stdout, r.djb.stdout);
});

/** Odd lines after `@`: long, short, not hex, no space, empty, not UTF-8. */
function oddStamps(): Uint8Array[] {
  const s = "4000000065543f10a0000000"; // 2023-11-15 03:46:14 UTC, 10 nanosecond digits
  const lines = [
    "@0400000006553f10a00000000 x", // 25 digits: the last 24
    "@" + "f".repeat(40) + s + " forty more in front",
    "@" + "0".repeat(1000) + s + " a thousand more",
    "@" + s + "x",
    "@" + s,
    "@" + s + "\t",
    "@" + s.slice(1) + " 23 digits",
    "@ not a stamp",
    "@",
    "@@" + s,
    "@" + s.toUpperCase() + " upper case",
    "@ffffffffffffffffffffffff huge",
    "@" + "4".repeat(30) + " too late a year",
    "x@" + s + " not at the start",
    "",
  ].map((l) => enc.encode(l + "\n"));
  lines.push(new Uint8Array([0x40, ...enc.encode(s), 0xff, 0xfe, 0x0a])); // not UTF-8
  lines.push(new Uint8Array([0x40, 0xc3, 0x28, 0x0a]));
  return lines;
}

Deno.test("tai64nlocal: odd stamps byte for byte as daemontools' (through the launcher)", async () => {
  // each line alone through daemontools' (it crashes on some); the ones it answers, together
  // through dt; the ones it crashes on pass through dt unchanged
  const answered: Uint8Array[] = [], crashed: Uint8Array[] = [];
  let want = "";
  for (const line of oddStamps()) {
    const r = await run(DJB.tai64nlocal, [], { stdin: line, env: { TZ: "UTC" } });
    if (r.signal === "SIGSEGV") crashed.push(line);
    else {
      assertEquals(r.code, 0, latin1(line));
      answered.push(line);
      want += latin1(r.out);
    }
  }
  assertEquals(answered.length >= 8 && crashed.length >= 5, true, "the corpus covers both");
  const ours = (input: Uint8Array[]) =>
    run(LAUNCHER, ["tai64nlocal"], { stdin: concat(...input), env: { TZ: "UTC" } });
  const a = await ours(answered);
  assertEquals({ code: a.code, out: latin1(a.out) }, { code: 0, out: want });
  const c = await ours(crashed);
  assertEquals({ code: c.code, out: latin1(c.out) }, { code: 0, out: latin1(concat(...crashed)) });
});

Deno.test("localize: lines split anywhere across chunks give the same result", () => {
  const input = stamped();
  const whole = new StampLocalizer();
  const expected = latin1(concat(whole.transform(input), whole.end()));
  for (const size of [1, 2, 7, 25, 26, 64]) {
    const f = new StampLocalizer();
    let got = "";
    for (let i = 0; i < input.length; i += size) {
      got += latin1(f.transform(input.subarray(i, i + size)));
    }
    got += latin1(f.end());
    assertEquals(got, expected, `chunks of ${size}`);
  }
});

Deno.test("localize: malformed stamps pass through; a stamp at end of input is kept", () => {
  const f = new StampLocalizer();
  const cases = [
    "@\n",
    "@4000000069242a1c0a5b3c4\n", // 23 digits
    "@4000000069242a1c0a5b3c44a\n", // 25 digits
    "@4000000069242A1C0a5b3c44 upper case\n",
    "@ffffffffffffffffffffffff huge\n",
    // a run longer than is held passes through, even where its last 24 digits are a date
    "@" + "0".repeat(MAX_RUN) + "4000000069242a1c0a5b3c44 long\n",
  ];
  for (const c of cases) assertEquals(latin1(f.transform(enc.encode(c))), c);
  const g = new StampLocalizer();
  const body = latin1(g.transform(enc.encode("@400000006924")));
  assertEquals(body + latin1(g.end()), "@400000006924");
});

Deno.test("stamp_lines: chunked input gets one stamp per line", () => {
  const f = new LineStamper();
  let out = "";
  for (const piece of ["ab", "c\nd", "\n", "", "e"]) out += latin1(f.transform(enc.encode(piece)));
  assertEquals(normStamps(out), "@STAMP abc\n@STAMP d\n@STAMP e");
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const c = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    c.set(p, off);
    off += p.length;
  }
  return c;
}
