/**
 * A program started with its stdin on a FIFO the test holds open for reading
 * and writing (so nothing ever blocks): the test writes its input as it goes.
 */
import { mkfifo } from "../../lib/sys/fifo.ts";
import { close as closeFd, O, open as openFd, readSome } from "../../lib/sys/fd.ts";
import type { Proc, Sandbox } from "./mod.ts";

const dec = new TextDecoder();

export interface FifoRun {
  proc: Proc;
  /** Writes bytes into the FIFO (blocks while it is full: keep writes small). */
  write(text: string | Uint8Array): void;
  /** Writes bytes into the FIFO without blocking the test while the reader is stuck. */
  send(text: string): Promise<void>;
  /**
   * Closes the test's end: the reader sees end of input once the FIFO is
   * empty. Only once the reader has the FIFO open (it has read something):
   * a FIFO with no writer left blocks a reader that opens it later.
   */
  end(): void;
  /** Reads whatever is still in the FIFO (after the reader is gone). */
  leftover(): string;
}

/**
 * Starts `argv` in `cwd` with stdin from a new FIFO at `fifo`, which the
 * test holds open for reading and writing (so nothing ever blocks).
 */
export function startOnFifo(sb: Sandbox, argv: string[], cwd: string, fifo: string): FifoRun {
  mkfifo(fifo);
  const f = Deno.openSync(fifo, { read: true, write: true });
  const proc = sb.start("bash", ["-c", 'in=$1; shift; exec "$@" < "$in"', "bash", fifo, ...argv], {
    cwd,
  });
  let open = true;
  return {
    proc,
    write(text) {
      const b = typeof text === "string" ? new TextEncoder().encode(text) : text;
      let off = 0;
      while (off < b.length) off += f.writeSync(b.subarray(off));
    },
    async send(text) {
      const b = new TextEncoder().encode(text);
      let off = 0;
      while (off < b.length) off += await f.write(b.subarray(off));
    },
    end() {
      if (open) f.close();
      open = false;
    },
    leftover() {
      // non-blocking: what is in the pipe now
      const fd = openFd(fifo, O.RDONLY | O.NONBLOCK);
      const buf = new Uint8Array(1 << 16);
      let s = "";
      try {
        for (;;) {
          const n = readSome(fd, buf);
          if (n <= 0) break;
          s += dec.decode(buf.subarray(0, n));
        }
      } finally {
        closeFd(fd);
      }
      return s;
    },
  };
}
