/**
 * A log directory's staging area (lib/multilog/dirbuffer.ts) as a scanner
 * with hundreds of loggers needs it: small while batches are small, grown for
 * a backlog or a flood, and given back once batches are small again; and
 * during a flood, one staging area reused batch after batch (no new one per
 * batch); what a flood grew given back when the process settles.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { DirBuffer } from "../../lib/multilog/dirbuffer.ts";

/** Stages `n` bytes of lines (one flush), takes them as a batch, and gives the batch back. */
function batch(b: DirBuffer, n: number): void {
  b.reserve(n);
  b.out.fill(10, b.len, b.len + n);
  b.len += n;
  b.flush();
  const taken = b.take();
  assert(taken !== null);
  assertEquals(taken.bytes.length, n);
  b.release(taken);
}

Deno.test("DirBuffer: a staging area grown by a backlog is given back once batches are small again", () => {
  const b = new DirBuffer(99999);
  const small = b.out.length;
  assert(small <= 8192, `starts small (${small} bytes)`);
  batch(b, 1000);
  batch(b, 40000); // a backlog at start-up: a second's lines of a busy service
  assert(b.out.length >= 40000 || b.out.length === small);
  for (let i = 0; i < 60; i++) batch(b, 700); // then a line or ten at a time
  // neither of the two staging areas (the one filled, the one written) is the large one now
  const sizes = [];
  for (let i = 0; i < 4; i++) {
    batch(b, 700);
    sizes.push(b.out.length);
  }
  assertEquals(sizes, [small, small, small, small]);
});

Deno.test("DirBuffer: during a flood, the two staging areas are reused batch after batch", () => {
  const b = new DirBuffer(16777215);
  batch(b, 200000);
  batch(b, 200000);
  const areas = new Set<ArrayBufferLike>([b.out.buffer]);
  for (let i = 0; i < 50; i++) {
    batch(b, 150000 + (i % 5) * 10000);
    areas.add(b.out.buffer);
  }
  assert(areas.size <= 2, `${areas.size} staging areas for 50 batches`);
});

Deno.test("DirBuffer: what a flood grew is given back when the process settles, no batch after it needed", () => {
  const b = new DirBuffer(16777215);
  const small = b.out.length;
  for (let i = 0; i < 10; i++) batch(b, 1 << 20); // a flood, then nothing more
  assert(b.out.length >= 1 << 20, "a flood's staging area is kept for the batches that follow");
  // a batch is being written when the settle comes: it is not kept as the spare afterwards
  b.reserve(1 << 20);
  b.out.fill(10, 0, 1 << 20);
  b.len = 1 << 20;
  b.flush();
  const inFlight = b.take()!;
  b.shrink();
  assertEquals(b.out.length, small);
  b.release(inFlight);
  batch(b, 700);
  assertEquals(b.out.length, small, "neither the flood's area nor the one in flight came back");
  // something staged is kept, whatever its size
  b.reserve(100000);
  b.out.fill(10, 0, 100000);
  b.len = 100000;
  b.shrink();
  assertEquals(b.len, 100000);
  assert(b.out.length >= 100000);
});
