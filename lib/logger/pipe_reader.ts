/**
 * The scanner's reader of one log pipe, for in-process loggers. It outlives
 * the loggers it feeds: a logger that stops hands back what it did not take,
 * and the next one gets it first, so a logger restart loses nothing. While no
 * logger is attached reading is paused and the bytes wait in the pipe.
 *
 * It peeks (lib/sys/pipe_peek.ts): bytes stay in the pipe until the logger
 * has them on disk (the sink took them and `written` resolved), and only then
 * are they taken out. So a scanner killed at any moment leaves every line it
 * had not written in the pipe, where the keeper holds it for the next scanner.
 * With a {@link Ledger} (the log journal, journal.ts) the next one also knows
 * which of those lines were written already, and every line is logged once;
 * such a reader hands out whole lines only, so a line's start never leaves
 * the pipe without its end. What the pipe holds is also all the read-ahead
 * there is: a logger that cannot write lets the pipe fill, and the service
 * blocks, as under daemontools.
 *
 * It reads the scanner's own read end (no dup: one descriptor less per logged
 * service), which it makes O_NONBLOCK; {@link PipeReader.release} clears that
 * again before a process logger gets the same end as its stdin.
 *
 * @module
 */
import { concat } from "../common/bytes.ts";
import { noteWork } from "../sys/settle.ts";
import { setNonblock } from "../sys/fd.ts";
import { type Peeker, peekFd } from "../sys/pipe_peek.ts";
import { growPipe } from "../sys/pipesize.ts";
import { backlogCap, LINE_MAX } from "../multilog/engine.ts";

/**
 * What a log pipe read this way holds: all of the read-ahead there is, and
 * what one write moves (lines leave the pipe once written), so larger than
 * the 64 KiB default; the kernel fills its pages only as they are needed.
 */
const PIPE_SIZE = 1 << 20;

/**
 * Where the bytes go: resolves when they were taken. A sink that throws took
 * nothing (the bytes stay first in line); one whose promise rejects took them.
 */
export type Sink = (bytes: Uint8Array) => Promise<void>;

/**
 * Records, around each chunk still in the pipe, what a later reader needs to
 * take it exactly once (the log journal). Calls come in order, one chunk at
 * a time: begin, then shrink when the sink gave some back, then take.
 */
export interface Ledger {
  /** Before a chunk of `n` bytes at the pipe's head is given to the sink. */
  begin(n: number): Promise<void>;
  /** The sink took only the first `n` bytes of it. */
  shrink(n: number): Promise<void>;
  /** They are written: takes the first `n` bytes out of the pipe through `peek`. */
  take(peek: Peeker, n: number): Promise<void>;
}

/** Bytes waiting for a sink: still in the pipe (peeked), or out of it already (given back). */
interface Waiting {
  bytes: Uint8Array;
  inPipe: boolean;
}

/** Reads a pipe's read end (on the event loop, through the poller) for a changing sink. */
export class PipeReader {
  readonly #fd: number;
  readonly #pending: Waiting[] = [];
  readonly #peek: Peeker;
  readonly #onFault: (e: unknown) => void;
  #sink: Sink | null = null;
  #pendingBytes = 0;
  #written: (() => Promise<void>) | null = null;
  #ledger: Ledger | null = null;
  #paused = true;
  #onEof: (() => void) | null = null;
  #eof = false;
  #busy = false;
  #closed = false;
  readonly #onSettled: (() => void)[] = [];
  /** While a sink holds a chunk still in the pipe: how much of it it gave back. */
  #givenBack: number | null = null;

  /**
   * Reads `fd`, which stays the caller's (never closed here). A sink that
   * fails is detached and reported to `onFault`; the reader goes on.
   */
  constructor(fd: number, onFault: (e: unknown) => void = rethrowLater) {
    this.#fd = fd;
    this.#onFault = onFault;
    growPipe(fd, PIPE_SIZE);
    this.#peek = peekFd(fd, (chunk) => {
      this.#pending.push({ bytes: chunk, inPipe: true });
      this.#pendingBytes += chunk.length;
      noteWork(chunk.length); // a flood's garbage: the scanner settles once it is over
      // copies waiting for a busy logger: past its share of the budget, they wait in the pipe
      if (this.#pendingBytes > backlogCap()) this.#pause();
      this.#pump();
    }, () => {
      this.#eof = true;
      this.#pump();
    });
    this.#peek.pause();
  }

  /** Resolves once no delivery is on (a detached sink's last chunk is through). */
  async settled(): Promise<void> {
    while (this.#busy) await new Promise<void>((r) => this.#onSettled.push(r));
  }

  /** True when nothing was taken out of the pipe without reaching a logger, and no delivery is on. */
  get idle(): boolean {
    return !this.#busy && this.#pending.every((w) => w.inPipe);
  }

  #pause(): void {
    if (this.#paused || this.#closed) return;
    this.#paused = true;
    this.#peek.pause();
  }

  #resume(): void {
    if (!this.#paused || this.#closed) return;
    this.#paused = false;
    this.#peek.resume();
  }

  /**
   * Starts delivering to `sink` (what an earlier logger left comes first);
   * `onEof` is called once everything was delivered and every writer is gone.
   * `written`, when given, resolves once what the sink took is on disk: only
   * then does it leave the pipe, through `ledger` when one is given (whole
   * lines are handed out then).
   */
  attach(sink: Sink, onEof: () => void, written?: () => Promise<void>, ledger?: Ledger): void {
    this.#sink = sink;
    this.#onEof = onEof;
    this.#written = written ?? null;
    this.#ledger = written ? ledger ?? null : null;
    this.#pump();
  }

  /** Stops delivering (a delivery in progress still completes). */
  detach(): void {
    this.#sink = null;
    this.#onEof = null;
    this.#written = null;
    this.#ledger = null;
    this.#pause();
  }

  /**
   * Up to `n` bytes at the head of what is to come, when all of them are
   * still in the pipe and no delivery is on (null otherwise); they stay.
   */
  head(n: number): Uint8Array | null {
    return this.#headInPipe ? this.#peek.head(n) : null;
  }

  /** True when what is to come starts at the pipe's head and nothing is being delivered. */
  get #headInPipe(): boolean {
    return !this.#busy && !this.#closed && this.#pending[0]?.inPipe !== false;
  }

  /** Takes the first `n` bytes of what is to come out of the pipe (they are logged already). */
  skip(n: number): void {
    if (!this.#headInPipe) return;
    let gone = this.#peek.discard(n);
    while (gone > 0 && this.#pending.length) {
      const w = this.#pending[0];
      const k = Math.min(gone, w.bytes.length);
      if (k === w.bytes.length) this.#pending.shift();
      else this.#pending[0] = { bytes: w.bytes.subarray(k), inPipe: true };
      this.#pendingBytes -= k;
      gone -= k;
    }
  }

  /**
   * Puts bytes back in front, for the next sink: a sink giving back the end
   * of the chunk it is handed, or bytes that were taken out of the pipe.
   */
  unshift(bytes: Uint8Array): void {
    if (!bytes.length) return;
    if (this.#givenBack !== null) {
      // the end of a chunk still in the pipe: it stays there
      this.#givenBack += bytes.length;
      this.#pending.unshift({ bytes, inPipe: true });
    } else this.#pending.unshift({ bytes, inPipe: false });
    this.#pendingBytes += bytes.length;
  }

  /**
   * Gives the pipe back to a process logger, which reads it directly: stops
   * reading and clears O_NONBLOCK (the process shares the open file). Only
   * when {@link idle}: what is waiting is still in the pipe, where the process
   * reads it; bytes taken out of it belong to a feeder.
   */
  release(): void {
    if (this.#closed) return;
    if (!this.idle) throw new Error("pipe reader released with bytes read ahead");
    this.#pending.length = 0;
    this.#pendingBytes = 0;
    this.close();
    setNonblock(this.#fd, false);
  }

  /** Stops reading for good (the pipe is being closed, or given back). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink = null;
    this.#peek.close();
  }

  /** Delivers in order, one chunk at a time; a failure is the fault handler's, never a rejection. */
  #pump(): void {
    if (this.#busy || this.#closed) return;
    this.#busy = true;
    this.#deliver().catch((e) => {
      this.detach();
      try {
        this.#onFault(e);
      } catch (e2) {
        rethrowLater(e2);
      }
    });
  }

  /**
   * The next bytes to hand out, taken off the queue: for a ledger, whole
   * lines from the pipe (what follows the last newline waits for the rest of
   * its line, unless the input ended or multilog would stream it anyway).
   * Null when nothing is to be handed out now.
   */
  #next(): Waiting | null {
    const first = this.#pending.shift();
    if (first === undefined) return null;
    this.#pendingBytes -= first.bytes.length;
    if (this.#ledger === null || !first.inPipe) return first;
    let bytes = first.bytes;
    if (this.#pending[0]?.inPipe && bytes.lastIndexOf(10) === -1) {
      // the rest of the line came behind: join what is in the pipe (at most the pipe's size)
      const parts = [bytes];
      while (this.#pending[0]?.inPipe) parts.push(this.#pending.shift()!.bytes);
      bytes = concat(parts);
      this.#pendingBytes -= bytes.length - first.bytes.length;
    }
    const end = bytes.lastIndexOf(10) + 1;
    if (end === 0 && !this.#eof && bytes.length < LINE_MAX) {
      this.#pending.unshift({ bytes, inPipe: true });
      this.#pendingBytes += bytes.length;
      return null;
    }
    if (end === 0 || end === bytes.length) return { bytes, inPipe: true };
    this.#pending.unshift({ bytes: bytes.subarray(end), inPipe: true });
    this.#pendingBytes += bytes.length - end;
    return { bytes: bytes.subarray(0, end), inPipe: true };
  }

  async #deliver(): Promise<void> {
    let waiting = false;
    try {
      while (this.#sink !== null && this.#pending.length) {
        const sink = this.#sink, written = this.#written, ledger = this.#ledger;
        const w = this.#next();
        if (w === null) {
          waiting = true; // for the end of a line
          break;
        }
        if (ledger !== null && w.inPipe) {
          await ledger.begin(w.bytes.length);
          if (this.#sink !== sink || this.#closed) {
            this.#pending.unshift(w);
            this.#pendingBytes += w.bytes.length;
            break;
          }
        }
        let taken: Promise<void>;
        this.#givenBack = w.inPipe ? 0 : null;
        try {
          taken = sink(w.bytes);
        } catch (e) {
          this.#givenBack = null;
          this.#pending.unshift(w);
          this.#pendingBytes += w.bytes.length;
          throw e;
        }
        const back = this.#givenBack ?? 0;
        this.#givenBack = null;
        await taken;
        if (!w.inPipe) continue;
        // out of the pipe only once it is on disk: a scanner that dies before loses nothing
        if (written !== null) await written();
        if (this.#closed) continue;
        const took = w.bytes.length - back;
        if (ledger === null) this.#peek.consume(took);
        else {
          if (back > 0) await ledger.shrink(took);
          await ledger.take(this.#peek, took);
        }
      }
    } finally {
      this.#busy = false;
      for (const r of this.#onSettled.splice(0)) r();
    }
    if (this.#sink === null || this.#closed) return;
    if (this.#pendingBytes <= backlogCap()) this.#resume();
    // the start of a line waits in the pipe for its end: hear of the next write to it
    if (waiting) return this.#peek.awaitGrowth();
    if (this.#pending.length === 0 && this.#eof) {
      const onEof = this.#onEof;
      this.detach();
      onEof?.();
    }
  }
}

function rethrowLater(e: unknown): void {
  queueMicrotask(() => {
    throw e;
  });
}
