/**
 * The stdin-to-stdout loop of the tai64n filters: read what is there, pass
 * it through a transform, write it all before reading again (so nothing
 * waits in a buffer while input is idle).
 *
 * @module
 */
import { readWhenReady } from "../sys/read_ready.ts";
import { writeAll } from "../sys/fd.ts";
import { closedAtStart } from "../sys/launched.ts";

/** A byte-stream transform: chunks in, bytes out, and whatever is left at the end. */
export interface ByteFilter {
  transform(chunk: Uint8Array): Uint8Array;
  end?(): Uint8Array;
}

/**
 * Runs `filter` from fd `input` to fd `output` until end of input. Returns 0,
 * or 111 when reading or writing fails (daemontools' filters exit 111 silently).
 * An fd that was closed when dt started (Deno put /dev/null there) fails as
 * the closed fd would: at once for input, at the first write for output.
 */
export async function pump(filter: ByteFilter, input = 0, output = 1): Promise<number> {
  if (input <= 2 && closedAtStart(input)) return 111;
  if (output <= 2 && closedAtStart(output)) output = -1; // EBADF at the first write
  const buf = new Uint8Array(1 << 17);
  try {
    for (;;) {
      const n = await readWhenReady(input, buf);
      if (n === 0) break;
      const out = filter.transform(buf.subarray(0, n));
      if (out.length) writeAll(output, out as Uint8Array<ArrayBuffer>);
    }
    const rest = filter.end?.();
    if (rest?.length) writeAll(output, rest as Uint8Array<ArrayBuffer>);
    return 0;
  } catch {
    return 111;
  }
}
