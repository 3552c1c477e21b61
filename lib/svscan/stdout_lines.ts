/**
 * Every service without a `log/` (and `dt init`'s PROG) on this process's
 * stdout, line by line, each line prefixed with its name (`web: …`):
 * `dt init --log-prefix`, `dt svscan --log-prefix`.
 *
 * - **Whole lines.** Each input is read by a {@link PipeReader} and framed
 *   by lib/logger/line_prefix.ts, which holds an unfinished line (at most
 *   16 KiB) until its end comes; {@link LineOutput} writes one framed buffer
 *   after another, so two services' halves never mix.
 * - **Backpressure as for the in-process loggers.** Bytes leave their pipe
 *   only once their lines are written to stdout (an unfinished line's start
 *   once the framer holds it: a scanner killed then loses that start, at
 *   most 16 KiB; a line's end comes later); while stdout takes nothing, the
 *   reader holds at most its share of the loggers' budget, stops reading,
 *   the pipe fills and the service blocks in write(2), as under daemontools
 *   when multilog cannot write. What is held is bounded: per input, one
 *   framed step of at most {@link STEP} bytes of input, plus the reader's
 *   share.
 * - **Never blocking the scanner.** The write to stdout happens on a worker
 *   thread (a blocking stdout holds that thread, not the event loop); fd 1
 *   is not made non-blocking (its open file is shared with the processes
 *   that inherited it). A stdout whose reader is gone (EPIPE) drops what
 *   comes, with one warning, as multilog's `e` ignores a failed stderr.
 *
 * @module
 */
import { concat } from "../common/bytes.ts";
import { ERRNO } from "../common/errno.ts";
import { reason, SysError } from "../common/errors.ts";
import { writeSomeAsync } from "../sys/offset_io.ts";
import { watchWritable } from "../sys/poller.ts";
import { PipeReader } from "../logger/pipe_reader.ts";
import { LinePrefixer } from "../logger/line_prefix.ts";

/** The most input framed at once (what one input may have queued for stdout, before the prefixes). */
const STEP = 64 << 10;
/** The most written to stdout in one write(2): several inputs' framed lines joined. */
const BATCH = 256 << 10;

const RESOLVED: Promise<void> = Promise.resolve();

/** Resolves once `fd` can take a write (or is in error); for a stdout someone made non-blocking. */
function onceWritable(fd: number): Promise<void> {
  return new Promise((resolve) => {
    const w = watchWritable(fd, () => {
      w.forget();
      resolve();
    });
    w.resume();
  });
}

/** Ordered, whole writes to one descriptor (stdout), off the JS thread; see the module doc. */
export class LineOutput {
  readonly #fd: number;
  readonly #warn: (line: string) => void;
  readonly #queue: { bytes: Uint8Array; done: () => void }[] = [];
  #writing = false;
  #broken = false;

  /**
   * Writes to `fd`; `warn` gets the one warning said when it breaks (the
   * text after `PROG: warning: `).
   */
  constructor(fd: number, warn: (text: string) => void) {
    this.#fd = fd;
    this.#warn = warn;
  }

  /** Queues `bytes` (whole lines); resolves once they are written (or dropped: stdout is gone). */
  write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0 || this.#broken) return RESOLVED;
    const p = new Promise<void>((done) => this.#queue.push({ bytes, done }));
    if (!this.#writing) {
      this.#writing = true;
      this.#loop().catch((e) => this.#warn(`unable to write to standard output: ${reason(e)}`));
    }
    return p;
  }

  /** Writes what is queued until nothing is; `#writing` is cleared in the same turn as the last look. */
  async #loop(): Promise<void> {
    try {
      while (this.#queue.length) {
        const batch: { bytes: Uint8Array; done: () => void }[] = [];
        let size = 0;
        while (
          this.#queue.length && (batch.length === 0 || size + this.#queue[0].bytes.length <= BATCH)
        ) {
          const q = this.#queue.shift()!;
          batch.push(q);
          size += q.bytes.length;
        }
        // framed lines are fresh arrays (concat): one is written as it is
        const buf = batch.length === 1
          ? batch[0].bytes as Uint8Array<ArrayBuffer>
          : concat(batch.map((q) => q.bytes));
        await this.#writeAll(buf);
        for (const q of batch) q.done();
      }
    } finally {
      this.#writing = false;
    }
  }

  async #writeAll(buf: Uint8Array<ArrayBuffer>): Promise<void> {
    let off = 0;
    while (off < buf.length && !this.#broken) {
      const r = await writeSomeAsync(this.#fd, buf.subarray(off));
      if (r > 0) off += r;
      else if (r === -ERRNO.EINTR) continue;
      else if (r === -ERRNO.EAGAIN) await onceWritable(this.#fd);
      else {
        this.#broken = true;
        this.#warn(
          `unable to write to standard output: ${
            reason(new SysError("write", -r))
          }; the services' lines are dropped`,
        );
        for (const q of this.#queue.splice(0)) q.done();
      }
    }
  }
}

/** A service's stdout under `--log-prefix`: the pipe the scanner holds, and its reader. */
export interface PrefixedOutput {
  /** `[read, write]`: the service writes into the write end. */
  readonly pipe: [number, number];
  /** What reads it onto the output. */
  readonly input: PrefixedInput;
}

/** `pipe` (made, or taken back from a dead scanner's keeper) read onto `output` as `name`'s lines. */
export function prefixOutput(
  pipe: [number, number],
  name: string,
  output: LineOutput,
): PrefixedOutput {
  return { pipe, input: new PrefixedInput(pipe[0], name, output) };
}

/** One pipe's lines, prefixed with `name`, on a {@link LineOutput}. */
export class PrefixedInput {
  readonly #reader: PipeReader;
  readonly #prefixer: LinePrefixer;
  readonly #out: LineOutput;
  readonly #ended = Promise.withResolvers<void>();

  /**
   * Reads `fd` (a pipe's read end, which stays the caller's) for `name`.
   * No fault to report: the output never fails a write (it drops them once
   * stdout is gone).
   */
  constructor(fd: number, name: string, out: LineOutput) {
    this.#prefixer = new LinePrefixer(name);
    this.#out = out;
    this.#reader = new PipeReader(fd, () => this.#ended.resolve());
    this.#reader.attach(
      (b) => this.#sink(b),
      () => this.#out.write(this.#prefixer.end()).then(() => this.#ended.resolve()),
    );
  }

  /** Resolves once the pipe ended (no writer left) and all of it is written, or on close. */
  get ended(): Promise<void> {
    return this.#ended.promise;
  }

  /** Frames at most {@link STEP} bytes (the rest goes back, in the pipe) and writes them. */
  #sink(b: Uint8Array): Promise<void> {
    let take = b;
    if (b.length > STEP) {
      const cut = b.lastIndexOf(10, STEP - 1) + 1;
      take = b.subarray(0, cut === 0 ? STEP : cut);
      this.#reader.unshift(b.subarray(take.length));
    }
    return this.#out.write(this.#prefixer.push(take));
  }

  /** Stops reading (the pipe is being closed); what was not written stays in the pipe. */
  close(): void {
    this.#reader.close();
    this.#ended.resolve();
  }
}
