/**
 * Reading a pipe without taking the bytes out of it: tee(2) copies what is at
 * the pipe's head into a private pipe, from which it is read; the bytes stay
 * in the source pipe until {@link Peeker.consume} takes them (once they are
 * safe elsewhere: written to a log file). A reader that dies between the two
 * loses nothing: the next one finds the bytes still in the pipe.
 *
 * Unconsumed bytes keep the pipe readable, so the watch pauses itself while
 * nothing new has come behind them. A reader that will not consume them until
 * more comes (the start of a line, waiting for its end) asks to hear of the
 * next write instead ({@link Peeker.awaitGrowth}): the pipe is then in one
 * epoll set, edge-triggered, which reports each write to it. Everything runs
 * on the JS thread through the process's one poller; the private pipe and the
 * epoll set are shared (each copy is read out at once).
 *
 * @module
 */
import { close, O, pipe, readSome, setNonblock } from "./fd.ts";
import { check, errno, lazyLibc } from "./libc.ts";
import { spliceToFileAsync } from "./offset_io.ts";
import { growPipe } from "./pipesize.ts";
import { watchReadable } from "./poller.ts";

const lib = lazyLibc({
  tee: { parameters: ["i32", "i32", "usize", "u32"], result: "isize" },
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
});

const POLLIN = 1, POLLHUP = 16;

/**
 * True when no writer holds the pipe any more, whatever it still holds
 * (poll's POLLHUP): bytes that wait for the rest of their line are then all
 * there will be.
 */
function writersGone(fd: number): boolean {
  const pfd = new Uint8Array(8);
  const v = new DataView(pfd.buffer);
  v.setInt32(0, fd, true);
  v.setInt16(4, POLLIN, true);
  return lib().poll(pfd, 1n, 0) === 1 && (v.getInt16(6, true) & POLLHUP) !== 0;
}

const EPOLL_CLOEXEC = 0o2000000, EPOLLIN = 1, EPOLLET = 1 << 31;
const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
/** struct epoll_event is packed on x86-64: u32 events, u64 data. */
const EVENT_SIZE = 12;

/** The shared epoll set of pipes whose next write is awaited, by the id in each event's data. */
let growth: {
  fd: number;
  waiting: Map<number, () => void>;
  watch: ReturnType<typeof watchReadable>;
  events: Uint8Array<ArrayBuffer>;
} | null = null;
let nextId = 1;

function growthSet() {
  if (growth === null) {
    const fd = check("epoll_create1", lib().epoll_create1(EPOLL_CLOEXEC));
    const events = new Uint8Array(EVENT_SIZE * 64);
    const waiting = new Map<number, () => void>();
    const watch = watchReadable(fd, () => {
      const n = lib().epoll_wait(fd, events, 64, 0);
      const v = new DataView(events.buffer);
      for (let i = 0; i < n; i++) waiting.get(Number(v.getBigUint64(i * EVENT_SIZE + 4, true)))?.();
    });
    growth = { fd, waiting, watch, events };
  }
  return growth;
}

/** Adds `fd` to the epoll set, edge-triggered; `onWrite` is called after each write to it. */
function awaitWrites(fd: number, id: number, onWrite: () => void): void {
  const g = growthSet();
  const ev = new Uint8Array(EVENT_SIZE);
  const v = new DataView(ev.buffer);
  v.setUint32(0, (EPOLLIN | EPOLLET) >>> 0, true);
  v.setBigUint64(4, BigInt(id), true);
  check("epoll_ctl", lib().epoll_ctl(g.fd, EPOLL_CTL_ADD, fd, ev));
  g.waiting.set(id, onWrite);
}

function stopAwaiting(fd: number, id: number): void {
  if (growth === null || !growth.waiting.delete(id)) return;
  lib().epoll_ctl(growth.fd, EPOLL_CTL_DEL, fd, new Uint8Array(EVENT_SIZE));
}

const SPLICE_F_NONBLOCK = 2;
const EAGAIN = 11, EINTR = 4;
/** The most copied at once: more than a log pipe holds (64 KiB unless grown). */
const PEEK_MAX = 1 << 20;

let shared: { r: number; w: number; size: number; buf: Uint8Array<ArrayBuffer> } | null = null;

/**
 * Makes the private pipe and the epoll set now (a host that will peek counts
 * their three descriptors from the start).
 */
export function preparePeek(): void {
  peekPipe();
  growthSet();
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
  /**
   * Like {@link consume}, but the bytes are moved (splice) into the file `fd`
   * at `offset`, so the file's size says how many left the pipe, whatever
   * happens to this process meanwhile. Resolves with the bytes moved: fewer
   * than asked only when the move failed (the rest is still in the pipe).
   * Nothing is peeked while it runs.
   */
  moveInto(n: number, fd: number, offset: number): Promise<number>;
  /**
   * The bytes delivered will not be consumed until more come: calls back
   * with the next bytes written behind them (once), however long that takes,
   * with no wake-up meanwhile.
   */
  awaitGrowth(): void;
  /** Up to `n` bytes at the pipe's head (delivered or not), left in the pipe. */
  head(n: number): Uint8Array;
  /** Takes the first `n` bytes out of the pipe, delivered or not; returns how many left it. */
  discard(n: number): number;
  /** Stops calling back until resume(). */
  pause(): void;
  resume(): void;
  /** Stops watching (the fd stays open: it is the caller's). */
  close(): void;
}

/**
 * Calls `onData` with the bytes that arrived behind those delivered but not
 * yet consumed, and `onEnd` when nothing new can come: the pipe is empty, or
 * holds only what was delivered, with no writer left.
 */
export function peekFd(
  fd: number,
  onData: (chunk: Uint8Array) => void,
  onEnd: (err?: Error) => void = () => {},
): Peeker {
  setNonblock(fd, true);
  const p = peekPipe();
  let delivered = 0; // bytes at the head already handed to onData
  let ended = false, paused = false, stalled = false, moving = false;
  /** Set while the next write is awaited through the epoll set. */
  let growthId = 0;
  const scratch = new Uint8Array(65536);
  const w = watchReadable(fd, () => {
    if (ended || paused || stalled || moving) return;
    const got = copyHead(fd, p, Math.min(p.size, PEEK_MAX));
    if (got === -EAGAIN) return;
    if (got < 0) return end(new Error(`tee: errno ${-got}`));
    if (got === 0) return end();
    if (got <= delivered) {
      // nothing new behind what waits to be consumed, and no writer to bring more: the end
      // (a line without its newline is then the last; multilog ends it so)
      if (writersGone(fd)) return end();
      // else no spinning on it
      stalled = true;
      w.pause();
      return;
    }
    const fresh = p.buf.slice(delivered, got);
    delivered = got;
    noGrowthWatch();
    onData(fresh);
  });
  function noGrowthWatch() {
    if (growthId === 0) return;
    stopAwaiting(fd, growthId);
    growthId = 0;
  }
  function end(err?: Error) {
    ended = true;
    noGrowthWatch();
    w.forget();
    onEnd(err);
  }
  /** Reads and drops up to `n` bytes from the head; how many went. */
  function drop(n: number): number {
    let left = n;
    while (left > 0) {
      const r = readSome(fd, scratch.subarray(0, Math.min(left, scratch.length)));
      if (r > 0) left -= r;
      else if (r !== -EINTR) break;
    }
    return n - left;
  }
  /** Something left the pipe: what is behind may be new to us. */
  function unstall() {
    if (stalled) {
      stalled = false;
      if (!paused && !ended) w.resume();
    }
  }
  return {
    consume(n: number) {
      delivered -= drop(Math.min(n, delivered));
      unstall();
    },
    async moveInto(n: number, file: number, offset: number) {
      let left = Math.min(n, delivered), moved = 0;
      moving = true;
      try {
        while (left > 0) {
          const r = await spliceToFileAsync(fd, file, offset + moved, left);
          if (r <= 0) break;
          moved += r;
          left -= r;
        }
      } finally {
        moving = false;
        delivered -= moved;
      }
      // the watch skipped its calls meanwhile: look again
      if (!paused && !ended && !stalled) {
        w.pause();
        w.resume();
      }
      unstall();
      return moved;
    },
    awaitGrowth() {
      if (ended || growthId !== 0) return;
      growthId = nextId++;
      // a write between the last look and this one is reported too: the set sees the pipe readable
      awaitWrites(fd, growthId, () => {
        if (!stalled) return; // looking already
        stalled = false; // what came is looked at once the watch runs (after a pause or a move too)
        if (!paused && !moving) w.resume();
      });
    },
    head(n: number) {
      const got = copyHead(fd, p, Math.min(n, p.size));
      return got <= 0 ? new Uint8Array(0) : p.buf.slice(0, got);
    },
    discard(n: number) {
      const gone = drop(n);
      delivered = Math.max(0, delivered - gone);
      unstall();
      return gone;
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
      noGrowthWatch();
      w.forget();
    },
  };
}

/**
 * Copies up to `len` bytes at the head of `fd` into `p.buf` (tee, then read
 * out at once: the private pipe is shared); bytes copied, 0 at end of input,
 * or -errno (EAGAIN: nothing now).
 */
function copyHead(fd: number, p: ReturnType<typeof peekPipe>, len: number): number {
  const n = teeOnce(fd, p.w, len);
  if (n <= 0) return n;
  let got = 0;
  while (got < n) {
    const r = readSome(p.r, p.buf.subarray(got, n) as Uint8Array<ArrayBuffer>);
    if (r > 0) got += r;
    else if (r !== -EINTR) break;
  }
  return got;
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
