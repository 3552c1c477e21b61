/**
 * Writes N lines of exactly WIDTH bytes (newline included) to stdout: a
 * counter and filler, like a busy service's log. Usage: gen.ts N WIDTH
 *
 * @module
 */
const n = Number(Deno.args[0] ?? 2000000), width = Number(Deno.args[1] ?? 100);
const batch = 10000;
const buf = new Uint8Array(batch * width);
const enc = new TextEncoder();
for (let done = 0; done < n; done += batch) {
  const k = Math.min(batch, n - done);
  for (let i = 0; i < k; i++) {
    const head = enc.encode(`${String(done + i).padStart(9, "0")} service said something `);
    const line = buf.subarray(i * width, (i + 1) * width);
    line.fill(120);
    line.set(head.subarray(0, width - 1));
    line[width - 1] = 10;
  }
  let off = 0;
  const out = buf.subarray(0, k * width);
  while (off < out.length) off += Deno.stdout.writeSync(out.subarray(off));
}
