/**
 * The scanner's reader of one log pipe, for in-process loggers. It outlives
 * the loggers it feeds: a logger that stops hands back what it did not take,
 * and the next one gets it first, so a logger restart loses nothing. While no
 * logger is attached the socket is paused and the bytes wait in the pipe.
 *
 * @module
 */
import { dupCloexec, setNonblock, writeAll } from "../sys/fd.ts";
import { readFd } from "../sys/stream.ts";

/** Bytes read ahead of the logger before reading pauses. */
const HIGH_WATER = 1 << 20;

/** Where the bytes go: resolves when they were taken. */
export type Sink = (bytes: Uint8Array) => Promise<void>;

/** Reads a pipe's read end (through a dup, on the event loop) for a changing sink. */
export class PipeReader {
  readonly #fd: number;
  readonly #pending: Uint8Array[] = [];
  readonly #sock: ReturnType<typeof readFd>;
  #sink: Sink | null = null;
  #pendingBytes = 0;
  #paused = true;
  #onEof: (() => void) | null = null;
  #eof = false;
  #busy = false;
  #closed = false;

  /** Reads `fd` (not taken over: a dup is read, the original stays the scanner's). */
  constructor(fd: number) {
    this.#fd = fd;
    this.#sock = readFd(dupCloexec(fd), (chunk) => {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      // back-pressure: past a megabyte read ahead, let the rest wait in the pipe
      if (this.#pendingBytes > HIGH_WATER) this.#pause();
      this.#pump();
    }, () => {
      this.#eof = true;
      this.#pump();
    });
    this.#sock.pause();
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
   * Gives the pipe back to a process logger: stops reading, clears O_NONBLOCK
   * (shared with the read end the process gets), and writes back what was read
   * but not logged, through `writeFd` (the scanner's write end), so no byte is lost.
   */
  release(writeFd: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink = null;
    this.#sock.close();
    setNonblock(this.#fd, false);
    for (const b of this.#pending.splice(0)) writeAll(writeFd, new Uint8Array(b));
    this.#pendingBytes = 0;
  }

  /** Stops reading for good (the pipe is being closed). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink = null;
    this.#sock.close();
  }

  async #pump(): Promise<void> {
    if (this.#busy || this.#closed) return;
    this.#busy = true;
    try {
      while (this.#sink !== null && this.#pending.length) {
        const sink = this.#sink;
        const b = this.#pending.shift()!;
        this.#pendingBytes -= b.length;
        await sink(b);
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
