/**
 * The scanner's reader of one log pipe, for in-process loggers. It outlives
 * the loggers it feeds: a logger that stops hands back what it did not take,
 * and the next one gets it first, so a logger restart loses nothing. While no
 * logger is attached reading is paused and the bytes wait in the pipe.
 *
 * It reads the scanner's own read end (no dup: one descriptor less per logged
 * service), which it makes O_NONBLOCK; {@link PipeReader.release} clears that
 * again before a process logger gets the same end as its stdin.
 *
 * @module
 */
import { setNonblock } from "../sys/fd.ts";
import { readFd } from "../sys/read_fd.ts";

/** Bytes read ahead of the logger before reading pauses. */
const HIGH_WATER = 1 << 20;

/**
 * Where the bytes go: resolves when they were taken. A sink that throws took
 * nothing (the bytes stay first in line); one whose promise rejects took them.
 */
export type Sink = (bytes: Uint8Array) => Promise<void>;

/** Reads a pipe's read end (on the event loop, through the poller) for a changing sink. */
export class PipeReader {
  readonly #fd: number;
  readonly #pending: Uint8Array[] = [];
  readonly #sock: ReturnType<typeof readFd>;
  readonly #onFault: (e: unknown) => void;
  #sink: Sink | null = null;
  #pendingBytes = 0;
  #paused = true;
  #onEof: (() => void) | null = null;
  #eof = false;
  #busy = false;
  #closed = false;

  /**
   * Reads `fd`, which stays the caller's (never closed here). A sink that
   * fails is detached and reported to `onFault`; the reader goes on.
   */
  constructor(fd: number, onFault: (e: unknown) => void = rethrowLater) {
    this.#fd = fd;
    this.#onFault = onFault;
    this.#sock = readFd(fd, (chunk) => {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      // back-pressure: past a megabyte read ahead, let the rest wait in the pipe
      if (this.#pendingBytes > HIGH_WATER) this.#pause();
      this.#pump();
    }, () => {
      this.#eof = true;
      this.#pump();
    }, { keepFd: true });
    this.#sock.pause();
  }

  /** True when nothing was read ahead and no delivery is in progress. */
  get idle(): boolean {
    return this.#pending.length === 0 && !this.#busy;
  }

  #pause(): void {
    if (this.#paused || this.#closed) return;
    this.#paused = true;
    this.#sock.pause();
  }

  #resume(): void {
    if (!this.#paused || this.#closed) return;
    this.#paused = false;
    this.#sock.resume();
  }

  /**
   * Starts delivering to `sink` (what an earlier logger left comes first);
   * `onEof` is called once everything was delivered and every writer is gone.
   */
  attach(sink: Sink, onEof: () => void): void {
    this.#sink = sink;
    this.#onEof = onEof;
    this.#pump();
  }

  /** Stops delivering (a delivery in progress still completes). */
  detach(): void {
    this.#sink = null;
    this.#onEof = null;
    this.#pause();
  }

  /** Puts bytes back in front, for the next sink. */
  unshift(bytes: Uint8Array): void {
    if (bytes.length) {
      this.#pending.unshift(bytes);
      this.#pendingBytes += bytes.length;
    }
  }

  /**
   * Gives the pipe back to a process logger, which reads it directly: stops
   * reading and clears O_NONBLOCK (the process shares the open file). Only
   * when {@link idle}: bytes read ahead belong to a feeder, not the pipe.
   */
  release(): void {
    if (this.#closed) return;
    if (!this.idle) throw new Error("pipe reader released with bytes read ahead");
    this.close();
    setNonblock(this.#fd, false);
  }

  /** Stops reading for good (the pipe is being closed, or given back). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink = null;
    this.#sock.close();
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

  async #deliver(): Promise<void> {
    try {
      while (this.#sink !== null && this.#pending.length) {
        const sink = this.#sink;
        const b = this.#pending.shift()!;
        this.#pendingBytes -= b.length;
        let taken: Promise<void>;
        try {
          taken = sink(b);
        } catch (e) {
          this.unshift(b);
          throw e;
        }
        await taken;
      }
    } finally {
      this.#busy = false;
    }
    if (this.#sink === null || this.#closed) return;
    if (this.#pendingBytes <= HIGH_WATER) this.#resume();
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
