/**
 * `multilog SCRIPT…`: reads a log on stdin and runs the script over each
 * line (select, stamp, print, keep status, append to rotated log
 * directories). ALRM rotates every non-empty `current` now; TERM ends after
 * the line being read (the rest stays in the pipe for the next reader);
 * end of input ends it too, with exit 0.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { fatal } from "../common/output.ts";
import { MultilogEngine } from "../multilog/engine.ts";
import { MultilogError } from "../multilog/errors.ts";
import { parseScript } from "../multilog/script.ts";
import { whenReadable } from "../sys/read_ready.ts";
import { readSome } from "../sys/fd.ts";
import { growPipe } from "../sys/pipesize.ts";
import { settle } from "../sys/settle.ts";

const PROG = "multilog";

/** Runs multilog; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const engine = new MultilogEngine(parseScript(args));
  let onTerm: () => void = () => {};
  let term = false;
  const terminated = new Promise<void>((r) => onTerm = r);
  const termListener = () => {
    term = true;
    onTerm();
  };
  const alrmListener = () => {
    engine.rotateNow().catch(() => {});
  };
  Deno.addSignalListener("SIGTERM", termListener);
  try {
    try {
      await engine.open();
    } catch (e) {
      if (e instanceof MultilogError) fatal(PROG, e.code, e.message);
      throw e;
    }
    Deno.addSignalListener("SIGALRM", alrmListener);
    growPipe(0, 1 << 20); // larger reads; more of the log waits in the kernel, not here
    settle(); // start-up: its garbage collected, its pages of the runtime given back
    const buf = new Uint8Array(1 << 17);
    const one = buf.subarray(0, 1);
    let ready: Promise<void> | null = null;
    for (;;) {
      if (term && engine.atLineStart) break;
      ready ??= whenReadable(0);
      if (!term) await Promise.race([ready, terminated]);
      if (term && engine.atLineStart) break;
      await ready;
      ready = null;
      // after TERM, one byte at a time: nothing past the line's end is taken
      const n = readSome(0, term ? one : buf);
      if (n === -ERRNO.EINTR || n === -ERRNO.EAGAIN) continue;
      if (n <= 0) break; // end of input (a read error ends it too, as in multilog)
      await engine.feed(buf.subarray(0, n));
    }
    await engine.close();
    return 0;
  } finally {
    Deno.removeSignalListener("SIGTERM", termListener);
    Deno.removeSignalListener("SIGALRM", alrmListener);
  }
}
