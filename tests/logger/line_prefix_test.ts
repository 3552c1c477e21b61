/**
 * The framing of `--log-prefix` (lib/logger/line_prefix.ts): whole lines
 * only, each with the name, an unfinished line held (bounded) until its end,
 * a line over the bound cut in pieces that lose nothing.
 */
import { assertEquals } from "../helpers/assert.ts";
import { LinePrefixer, PREFIXED_LINE_MAX } from "../../lib/logger/line_prefix.ts";

const enc = new TextEncoder();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("line prefix: whole lines only, the unfinished one held until its end", () => {
  const p = new LinePrefixer("web");
  assertEquals(text(p.push(enc.encode("one\ntwo\nthr"))), "web: one\nweb: two\n");
  assertEquals(p.held, 3);
  assertEquals(text(p.push(enc.encode("ee"))), "");
  assertEquals(text(p.push(enc.encode("\n\nfour"))), "web: three\nweb: \n");
  assertEquals(text(p.end()), "web: four\n");
  assertEquals(text(p.end()), "");
});

Deno.test("line prefix: a line over 16 KiB is cut every 16 KiB, each piece a prefixed line, nothing lost", () => {
  assertEquals(PREFIXED_LINE_MAX, 16384);
  const p = new LinePrefixer("db");
  const line = "x".repeat(40000);
  // in pieces of any size
  let got = "";
  for (let i = 0; i < line.length; i += 3000) {
    got += text(p.push(enc.encode(line.slice(i, i + 3000))));
  }
  got += text(p.push(enc.encode("\nnext\n")));
  const lines = got.split("\n").slice(0, -1);
  assertEquals(lines.map((l) => l.length - 4), [16384, 16384, 40000 - 2 * 16384, 4]);
  assertEquals(lines.map((l) => l.slice(0, 4)), ["db: ", "db: ", "db: ", "db: "]);
  assertEquals(lines.slice(0, 3).map((l) => l.slice(4)).join(""), line);
  assertEquals(p.held, 0);
  // exactly the bound: one line, not cut
  assertEquals(text(p.push(enc.encode("y".repeat(16384) + "\n"))).length, 4 + 16384 + 1);
});

Deno.test("line prefix: a name that is not UTF-8 keeps its bytes", () => {
  const p = new LinePrefixer("a\udcffb");
  assertEquals([...p.push(enc.encode("z\n"))], [0x61, 0xff, 0x62, 0x3a, 0x20, 0x7a, 0x0a]);
});
