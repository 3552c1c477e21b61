/**
 * The line loop alone, without files: what each directory, status file and
 * `e` gets of the input, and where `current` is cut. The cut offsets are
 * daemontools' own: the sizes of the files /usr/bin/multilog 0.76 made of
 * the same input read from a file (written down here, so no file is needed).
 */
import { assertEquals } from "../helpers/assert.ts";
import { LINE_MAX, LineLoop, STATUS_SIZE } from "../../lib/multilog/line_loop.ts";
import { parseScript } from "../../lib/multilog/script.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (b: Uint8Array | null) => b === null ? null : dec.decode(b);

/** Stamps `@` and the count of stamps taken so far, in 24 hex digits. */
class CountingStamper {
  count = 0;
  write(out: Uint8Array, off: number): void {
    out.set(enc.encode("@" + (this.count++).toString(16).padStart(24, "0")), off);
  }
}
const stamp = (n: number) => "@" + n.toString(16).padStart(24, "0");

function loopOf(args: string[]): LineLoop {
  return new LineLoop(parseScript(args), new CountingStamper());
}

/** Each directory's staged text, then an empty staging area (as the engine takes it). */
function taken(loop: LineLoop): string[] {
  return loop.bufs.map((b) => {
    const batch = b.take();
    return batch === null ? "" : dec.decode(batch.bytes);
  });
}

/** The byte offsets of the cuts once `input` is fed in `chunk`-byte pieces, and what is left. */
function cutsOf(args: string[], input: Uint8Array, chunk = input.length): number[] {
  const loop = loopOf(args);
  for (let at = 0; at < input.length; at += chunk) {
    loop.consume(input.subarray(at, Math.min(input.length, at + chunk)));
  }
  loop.endOfInput();
  return [...loop.bufs[0].cuts, loop.bufs[0].len];
}

/** The sizes of the files between the cuts. */
const sizes = (cuts: number[]) => cuts.map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]));

Deno.test("line loop: lines go to the directories that select them, in script order", () => {
  const loop = loopOf(["./all", "-*", "+ok *", "-*skip*", "./ok", "+*", "-x*", "./notx"]);
  loop.consume(enc.encode("ok one\nxylophone\nok skip me\nplain\nok x\n"));
  assertEquals(taken(loop), [
    "ok one\nxylophone\nok skip me\nplain\nok x\n",
    "ok one\nok x\n",
    "ok one\nok skip me\nplain\nok x\n",
  ]);
  // no pattern: nothing is looked at; everything goes everywhere
  const plain = loopOf(["./a", "./b"]);
  plain.consume(enc.encode("a\nb\n"));
  assertEquals(taken(plain), ["a\nb\n", "a\nb\n"]);
});

Deno.test("line loop: each line stamped once with t, not at all without", () => {
  const t = loopOf(["t", "./main"]);
  t.consume(enc.encode("one\ntw"));
  assertEquals(t.atLineStart, false);
  t.consume(enc.encode("o\nthree\n"));
  assertEquals(t.atLineStart, true);
  assertEquals(taken(t), [`${stamp(0)} one\n${stamp(1)} two\n${stamp(2)} three\n`]);
  // stamped into #line and copied when there are several directories
  const two = loopOf(["t", "./a", "-* b", "./b"]);
  two.consume(enc.encode("a\nb\n"));
  assertEquals(taken(two), [`${stamp(0)} a\n${stamp(1)} b\n`, `${stamp(0)} a\n`]);
  // patterns see the stamp: `t` lines begin with @
  const seen = loopOf(["t", "-@*", "./main"]);
  seen.consume(enc.encode("a\n"));
  assertEquals(taken(seen), [""]);
  const none = loopOf(["./main", "t"]); // t only as the first item
  none.consume(enc.encode("one\ntwo\n"));
  assertEquals(taken(none), ["one\ntwo\n"]);
});

Deno.test("line loop: e prints the first 200 bytes of a longer line, and ...", () => {
  const loop = loopOf(["e", "-*", "+keep*", "e"]);
  const at200 = "keep" + "y".repeat(196), at201 = at200 + "z";
  loop.consume(enc.encode(`short\n${at200}\n${at201}\nkeep me\n`));
  const cut = `${at200}...\n`;
  // each line goes through both e's, in script order
  assertEquals(
    text(loop.takeStderr()),
    `short\n${at200}\n${at200}\n${cut}${cut}keep me\nkeep me\n`,
  );
  assertEquals(loop.takeStderr(), null);
  // with t, the 200 bytes count the stamp
  const t = loopOf(["t", "e"]);
  t.consume(enc.encode("x".repeat(300) + "\n"));
  assertEquals(text(t.takeStderr()), `${stamp(0)} ${"x".repeat(200 - 26)}...\n`);
});

Deno.test("line loop: = keeps the last selected line, newline-padded to 1001 bytes", () => {
  const loop = loopOf(["=all", "-*", "+up*", "=up"]);
  assertEquals(loop.takeStatus(), []);
  loop.consume(enc.encode("up 1\ndown\n"));
  const changed = loop.takeStatus();
  assertEquals(changed.map(([k]) => k), [0, 1]);
  assertEquals(changed.map(([, b]) => b.length), [STATUS_SIZE, STATUS_SIZE]);
  assertEquals(text(changed[0][1]), "down" + "\n".repeat(STATUS_SIZE - 4));
  assertEquals(text(changed[1][1]), "up 1" + "\n".repeat(STATUS_SIZE - 4));
  loop.consume(enc.encode("down again\n"));
  assertEquals(loop.takeStatus().map(([k]) => k), [0]); // only what changed
  assertEquals(text(loop.status[1]), "up 1" + "\n".repeat(STATUS_SIZE - 4));
  // a shorter line after a longer one leaves no trace of it
  loop.consume(enc.encode("x\n"));
  assertEquals(text(loop.status[0]), "x" + "\n".repeat(STATUS_SIZE - 1));
  // a long line: its first 1000 bytes and one newline
  loop.consume(enc.encode("L".repeat(1500) + "\n"));
  assertEquals(text(loop.status[0]), "L".repeat(LINE_MAX) + "\n");
});

Deno.test("line loop: past 1000 bytes a line passes unseen, whole", () => {
  const loop = loopOf(["./all", "-*x", "./notx"]);
  const x1000 = "a".repeat(999) + "x" + "b".repeat(500); // byte 1000 is x
  const x1201 = "a".repeat(1200) + "x"; // ends in x past what is looked at
  // fed in pieces, so the line is collected across calls and its tail streams past
  const input = enc.encode(`${x1000}\n${x1201}\nshort x\n`);
  for (let at = 0; at < input.length; at += 300) loop.consume(input.subarray(at, at + 300));
  assertEquals(taken(loop), [`${x1000}\n${x1201}\nshort x\n`, `${x1201}\n`]);
  // exactly 1000 bytes with its newline on the next call
  const edge = loopOf(["-*z", "./main"]);
  edge.consume(enc.encode("y".repeat(999) + "z"));
  assertEquals(edge.atLineStart, false);
  edge.consume(enc.encode("\nkept\n"));
  assertEquals(taken(edge), ["kept\n"]);
});

Deno.test("line loop: end of input gives a partial line its newline", () => {
  const loop = loopOf(["t", "./main"]);
  loop.consume(enc.encode("done\npart"));
  loop.endOfInput();
  assertEquals(taken(loop), [`${stamp(0)} done\n${stamp(1)} part\n`]);
  const long = loopOf(["./main"]);
  long.consume(enc.encode("q".repeat(1200)));
  long.endOfInput();
  assertEquals(taken(long), ["q".repeat(1200) + "\n"]);
});

Deno.test("line loop: current is cut where daemontools cuts it", () => {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const len = (i * 7919) % 1400; // 0 to 1399 bytes, some past 1000
    lines.push(
      Array.from({ length: len }, (_, k) => String.fromCharCode(97 + (i + k) % 26)).join(""),
    );
  }
  const input = enc.encode(lines.map((l) => l + "\n").join(""));
  assertEquals(input.length, 41890);
  const s4096 = [
    2718,
    2588,
    2459,
    2330,
    2201,
    2915,
    2914,
    2270,
    2845,
    2251,
    2930,
    2397,
    2268,
    2139,
    3118,
    2525,
    1022,
  ];
  assertEquals(sizes(cutsOf(["s4096", "./main"], input)), s4096);
  // reads of 1024 bytes (or any multiple) are the same reads
  assertEquals(sizes(cutsOf(["s4096", "./main"], input, 4096)), s4096);
  assertEquals(sizes(cutsOf(["s4096", "./main"], input, 1024)), s4096);
  assertEquals(sizes(cutsOf(["s5000", "./main"], input)), [
    3991,
    3774,
    3345,
    3258,
    3757,
    3241,
    3240,
    3815,
    3634,
    3170,
    3118,
    3547,
    0,
  ]);
  // stamps are 26 bytes more a line
  assertEquals(sizes(cutsOf(["t", "s4096", "./main"], input)), [
    2822,
    2666,
    2537,
    2408,
    2279,
    2150,
    2830,
    2846,
    2185,
    2819,
    2690,
    2561,
    2432,
    2303,
    2174,
    2870,
    2878,
    0,
  ]);
  // a line longer than the file is cut inside it
  const long = enc.encode(["a", "b", "c"].map((c) => c.repeat(6000) + "\n").join(""));
  assertEquals(sizes(cutsOf(["s4096", "./main"], long)), [4096, 4096, 3810, 4096, 1905]);
});

Deno.test("line loop: forceCut cuts after what is staged, unless current is empty", () => {
  const loop = loopOf(["./main"]);
  loop.forceCut();
  assertEquals(loop.bufs[0].cuts, []);
  assertEquals(loop.pending, false);
  loop.consume(enc.encode("one\n"));
  loop.forceCut();
  assertEquals(loop.bufs[0].cuts, [4]);
  assertEquals(loop.pending, true);
  loop.bufs[0].take();
  assertEquals(loop.pending, false);
  loop.forceCut(); // nothing since the last cut
  assertEquals(loop.bufs[0].cuts, []);
});
