/**
 * Reading a pipe without taking the bytes out of it: tee(2) copies what is at
 * the pipe's head into a private pipe, from which it is read; the bytes stay
 * in the source pipe until {@link Peeker.consume} takes them (once they are
 * safe elsewhere: written to a log file). A reader that dies between the two
 * loses nothing: the next one finds the bytes still in the pipe.
 *
 * Unconsumed bytes keep the pipe readable, so the watch pauses itself while
 * nothing new has come behind them. Everything runs on the JS thread through
 * the process's one poller; the private pipe is shared (each copy is read out
 * at once).
 *
 * @module
 */
import { close, O, pipe, readSome, setNonblock } from "./fd.ts";
import { errno, lazyLibc } from "./libc.ts";
import { growPipe } from "./pipesize.ts";
import { watchReadable } from "./poller.ts";

const lib = lazyLibc({
  tee: { parameters: ["i32", "i32", "usize", "u32"], result: "isize" },
});

const SPLICE_F_NONBLOCK = 2;
const EAGAIN = 11, EINTR = 4;
/** The most copied at once: more than a log pipe holds (64 KiB unless grown). */
const PEEK_MAX = 1 << 20;

let shared: { r: number; w: number; size: number; buf: Uint8Array<ArrayBuffer> } | null = null;

/** Makes the private pipe now (a host that will peek counts its two descriptors from the start). */
export function preparePeek(): void {
  peekPipe();
}

function peekPipe() {
  if (shared === null) {
    const [r, w] = pipe(O.CLOEXEC | O.NONBLOCK);
    const size = Math.max(65536, growPipe(w, PEEK_MAX));
    shared = { r, w, size, buf: new Uint8Array(size) };
  }
  return shared;
}

/** A pipe read by peeking. */
export interface Peeker {
  /** Takes the first `n` bytes out of the pipe (they were delivered and are safe). */
  consume(n: number): void;
  /** Stops calling back until resume(). */
  pause(): void;
  resume(): void;
  /** Stops watching (the fd stays open: it is the caller's). */
  close(): void;
}

/**
 * Calls `onData` with the bytes that arrived behind those delivered but not
 * yet consumed, and `onEnd` when the pipe is empty with no writer left.
 */
export function peekFd(
  fd: number,
  onData: (chunk: Uint8Array) => void,
  onEnd: (err?: Error) => void = () => {},
): Peeker {
  setNonblock(fd, true);
  const p = peekPipe();
  let delivered = 0; // bytes at the head already handed to onData
  let ended = false, paused = false, stalled = false;
  const scratch = new Uint8Array(65536);
  const w = watchReadable(fd, () => {
    if (ended || paused || stalled) return;
    const n = teeOnce(fd, p.w, Math.min(p.size, PEEK_MAX));
    if (n === -EAGAIN) return;
    if (n < 0) return end(new Error(`tee: errno ${-n}`));
    if (n === 0) return end();
    // read the copy out at once: the private pipe is shared
    let got = 0;
    while (got < n) {
      const r = readSome(p.r, p.buf.subarray(got, n) as Uint8Array<ArrayBuffer>);
      if (r > 0) got += r;
      else if (r !== -EINTR) break;
    }
    if (got <= delivered) {
      // nothing new behind what waits to be consumed: no spinning on it
      stalled = true;
      w.pause();
      return;
    }
    const fresh = p.buf.slice(delivered, got);
    delivered = got;
    onData(fresh);
  });
  function end(err?: Error) {
    ended = true;
    w.forget();
    onEnd(err);
  }
  return {
    consume(n: number) {
      let left = Math.min(n, delivered);
      while (left > 0) {
        const r = readSome(fd, scratch.subarray(0, Math.min(left, scratch.length)));
        if (r > 0) left -= r;
        else if (r !== -EINTR) break;
      }
      delivered -= Math.min(n, delivered) - left;
      if (stalled) {
        stalled = false;
        if (!paused && !ended) w.resume();
      }
    },
    pause() {
      paused = true;
      w.pause();
    },
    resume() {
      if (ended) return;
      paused = false;
      if (!stalled) w.resume();
    },
    close() {
      if (ended) return;
      ended = true;
      w.forget();
    },
  };
}

/** tee(2) once: bytes copied, 0 at end of input, or -errno (EAGAIN: nothing now). */
function teeOnce(from: number, to: number, len: number): number {
  for (;;) {
    const r = Number(lib().tee(from, to, BigInt(len), SPLICE_F_NONBLOCK));
    if (r >= 0) return r;
    const e = errno();
    if (e !== EINTR) return -e;
  }
}

/** Frees the private pipe (tests; a process that is done peeking). */
export function closePeekPipe(): void {
  if (shared === null) return;
  close(shared.r);
  close(shared.w);
  shared = null;
}
