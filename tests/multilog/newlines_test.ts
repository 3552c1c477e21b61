/** The newline index: every offset, whatever the alignment of the chunk. */
import { newlines } from "../../lib/multilog/newlines.ts";
import { assertEquals } from "./helpers.ts";

function naive(b: Uint8Array): number[] {
  const out: number[] = [];
  b.forEach((c, i) => c === 10 && out.push(i));
  return out;
}

Deno.test("newlines: every offset, at any alignment and length, growing the index", () => {
  const buf = new Uint8Array(300);
  let seed = 7;
  for (let i = 0; i < buf.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = seed % 5 === 0 ? 10 : (seed >> 8) & 0xff;
  }
  buf.fill(10, 100, 140); // a run of newlines
  for (let off = 0; off < 8; off++) {
    for (const len of [0, 1, 3, 4, 5, 7, 9, 64, 150, 300 - off]) {
      const chunk = buf.subarray(off, off + len);
      const r = newlines(chunk, new Int32Array(1));
      assertEquals([...r.at.subarray(0, r.count)], naive(chunk));
    }
  }
});

Deno.test("newlines: chunks of newlines only, from an index of one entry", () => {
  const buf = new Uint8Array(80).fill(10);
  for (let off = 0; off < 8; off++) {
    for (let len = 0; len <= 72; len++) {
      const chunk = buf.subarray(off, off + len);
      const r = newlines(chunk, new Int32Array(1));
      assertEquals([...r.at.subarray(0, r.count)], naive(chunk));
    }
  }
});
