/**
 * A fresh pipe for a process logger that takes over from the in-process one
 * while bytes were read ahead: the process reads this pipe, and the scanner
 * feeds it — what was read ahead first, then what the service writes next,
 * as the pipe reader's sink. So the handoff never reorders, and never
 * blocks: writes are nonblocking, and a full pipe only holds the sink's
 * promise (the poller says when it can take more) while the pipe reader,
 * bounded, stops reading the service's pipe, which then fills and blocks
 * the service exactly as under daemontools.
 *
 * When the process logger ends with the feeder empty, the scanner gives the
 * next one the service's pipe itself, and the feeder goes away.
 *
 * @module
 */
import { concat } from "../common/bytes.ts";
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { close, pipe, readSome, setNonblock, writeSome } from "../sys/fd.ts";
import { pipeUnread } from "../sys/pipesize.ts";
import { type Watched, watchWritable } from "../sys/poller.ts";

/** Feeds a new pipe without blocking; see the module doc. */
export class PipeFeeder {
  /** The read end, for the process logger's stdin (blocking, as a process expects). */
  readonly input: number;
  readonly #out: number;
  readonly #watch: Watched;
  #chunk: Uint8Array<ArrayBuffer> | null = null;
  #off = 0;
  #settle: ((e?: unknown) => void) | null = null;
  #ending = false;
  #closed = false;

  /** Makes the pipe (two descriptors). Throws {@link SysError} (EMFILE…) with nothing left open. */
  constructor() {
    const [r, w] = pipe();
    try {
      setNonblock(w, true); // the write end is the scanner's alone
      this.#watch = watchWritable(w, () => this.#flush());
    } catch (e) {
      close(r);
      close(w);
      throw e;
    }
    this.input = r;
    this.#out = w;
  }

  /** A pipe reader's sink: resolves when all of `b` is in the pipe. */
  readonly sink = (b: Uint8Array): Promise<void> => {
    if (this.#closed || this.#ending) throw new Error("feeder closed");
    if (this.#chunk !== null) throw new Error("feeder busy");
    this.#chunk = b as Uint8Array<ArrayBuffer>;
    this.#off = 0;
    const p = new Promise<void>((resolve, reject) => {
      this.#settle = (e) => e === undefined ? resolve() : reject(e);
    });
    this.#flush();
    return p;
  };

  /** True when every byte given was written and the process read it all. */
  get empty(): boolean {
    return this.#chunk === null && pipeUnread(this.input) === 0;
  }

  #flush(): void {
    const b = this.#chunk;
    if (b === null || this.#closed) return this.#watch.pause();
    while (this.#off < b.length) {
      const r = writeSome(this.#out, b.subarray(this.#off));
      if (r > 0) {
        this.#off += r;
        continue;
      }
      if (r === -ERRNO.EINTR) continue; // EINTR
      if (r === -ERRNO.EAGAIN) return this.#watch.resume(); // full: the poller says when it is not
      // no EPIPE can come (the read end is held here): anything else fails the sink
      return this.#done(new SysError("write", -r));
    }
    this.#done();
  }

  #done(err?: unknown): void {
    this.#watch.pause();
    this.#chunk = null;
    const settle = this.#settle;
    this.#settle = null;
    settle?.(err);
    if (this.#ending) this.#closeOut();
  }

  /**
   * Stops feeding and takes back what the process did not read: the bytes
   * still in the pipe, then the unwritten rest of the chunk in flight (whose
   * sink promise resolves). Closes the pipe. Never blocks.
   */
  take(): Uint8Array {
    const parts: Uint8Array[] = [];
    if (!this.#closed) {
      // the read end is given up here: make it nonblocking (no new descriptor needed)
      setNonblock(this.input, true);
      const buf = new Uint8Array(1 << 16);
      for (;;) {
        const n = readSome(this.input, buf);
        if (n <= 0) break;
        parts.push(buf.slice(0, n));
      }
      if (this.#chunk !== null) parts.push(this.#chunk.slice(this.#off));
    }
    this.#chunk = null;
    const settle = this.#settle;
    this.#settle = null;
    settle?.();
    this.close();
    return concat(parts);
  }

  /** The service's pipe has no writer left: close the write end once the chunk in flight is in. */
  end(): void {
    this.#ending = true;
    if (this.#chunk === null) this.#closeOut();
  }

  #closeOut(): void {
    this.#watch.close(); // closes the write end: the process logger sees end of file
  }

  /** Closes both ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeOut();
    close(this.input);
  }
}
