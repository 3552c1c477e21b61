/**
 * The loggers' file I/O through the process's io_uring (lib/sys/uring.ts,
 * lib/sys/offset_io.ts): requests of one turn are submitted together at its
 * end, so a descriptor closed in the same turn must not take a request with
 * it, nor hand it to the next file given its number; and each request gets
 * the kernel's own answer.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { withSandbox } from "../helpers/mod.ts";
import { close, O, open, pipe, writeSome } from "../../lib/sys/fd.ts";
import { fdRing, wantFdRing } from "../../lib/sys/uring.ts";
import {
  preadAsync,
  pwriteAsync,
  spliceToFileAsync,
  writeSomeAsync,
} from "../../lib/sys/offset_io.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

function ring() {
  wantFdRing(); // as the scanner does
  const r = fdRing();
  // the kernels dt supports have io_uring; a test machine without it cannot test this
  assert(r !== null, "io_uring is not usable here (kernel, sysctl or seccomp)");
  return r;
}

Deno.test("log I/O ring: a write queued before its descriptor is closed goes to that file, not to the next one given its number", async () => {
  ring();
  await withSandbox(async (sb) => {
    const flags = O.WRONLY | O.CREAT | O.APPEND | O.CLOEXEC;
    const a = open(sb.path("a"), flags, 0o644);
    const written = writeSomeAsync(a, enc.encode("line for a\n"));
    close(a);
    const b = open(sb.path("b"), flags, 0o644);
    try {
      assertEquals(b, a, "the next open reuses the number (the case this test is about)");
      assertEquals(await written, 11);
      assertEquals(Deno.readTextFileSync(sb.path("a")), "line for a\n");
      assertEquals(Deno.readTextFileSync(sb.path("b")), "");
    } finally {
      close(b);
    }
  });
});

Deno.test("log I/O ring: writes, pwrite, pread and splice get the kernel's answers", async () => {
  ring();
  await withSandbox(async (sb) => {
    const f = open(sb.path("f"), O.RDWR | O.CREAT | O.CLOEXEC, 0o644);
    const [r, w] = pipe(O.CLOEXEC | O.NONBLOCK);
    try {
      // in one turn: the ring submits them together, each in its own order
      const results = await Promise.all([
        writeSomeAsync(f, enc.encode("0123456789")),
        pwriteAsync(f, enc.encode("AB"), 20),
      ]);
      assertEquals(results, [10, 2]);
      const buf = new Uint8Array(22);
      assertEquals(await preadAsync(f, buf, 0), 22);
      assertEquals(buf.subarray(20), enc.encode("AB"));
      writeSome(w, enc.encode("piped"));
      assertEquals(await spliceToFileAsync(r, f, 30, 5), 5);
      assertEquals(dec.decode(Deno.readFileSync(sb.path("f")).subarray(30)), "piped");
      // an empty pipe with a writer: nothing to move, and no waiting for it
      assert(await spliceToFileAsync(r, f, 40, 5) < 0);
      // a descriptor that is not open: the kernel's EBADF
      assertEquals(await writeSomeAsync(9999, enc.encode("x")), -9);
      // a file opened read-only takes no write
      const ro = open(sb.path("f"), O.RDONLY | O.CLOEXEC);
      assertEquals(await writeSomeAsync(ro, enc.encode("x")), -9);
      close(ro);
    } finally {
      close(f);
      close(r);
      close(w);
    }
  });
});
