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
 * next write instead ({@link Peeker.awaitGrowth}): the pipe is then in an
 * epoll set, edge-triggered, which reports each write to it. Everything runs
 * on the JS thread; the private pipe is shared (each copy is read out at
 * once).
 *
 * Every pipe being read is in one epoll set (epoll_set.ts), which is one fd
 * of the process's poller: one wake-up serves every pipe with bytes ready.
 * While the pipes give small chunks (slow writers: a line now and then each),
 * the set holds a few milliseconds between serves, so each logger is handed
 * several lines at once and the journal's steps and the writes are done for
 * all of them together; a flood is served at once.
 *
 * @module
 */
import { close, O, pipe, readSome, setNonblock } from "./fd.ts";
import { errno, lazyLibc } from "./libc.ts";
import { spliceToFileAsync } from "./offset_io.ts";
import { growPipe } from "./pipesize.ts";
import { EpollSet, type Member } from "./epoll_set.ts";
import { POLLHUP, pollNow } from "./read_ready.ts";

const lib = lazyLibc({
  tee: { parameters: ["i32", "i32", "usize", "u32"], result: "isize" },
});

/**
 * True when no writer holds the pipe any more, whatever it still holds
 * (poll's POLLHUP): bytes that wait for the rest of their line are then all
 * there will be.
 */
function writersGone(fd: number): boolean {
  return (pollNow(fd) & POLLHUP) !== 0;
}

/**
 * Fresh bytes a log pipe gives, on average per pipe served, under which the
 * pipes are served in batches: slow writers' lines wait a few milliseconds
 * to be taken together (epoll_set.ts); a flood is served at once.
 */
const SMALL = 16 << 10;

/** Every log pipe being read, served in one turn (held between batches of small chunks). */
let ready: EpollSet | null = null;
/** Pipes whose next write is awaited, edge-triggered. */
let growth: EpollSet | null = null;

function readySet(): EpollSet {
  return ready ??= new EpollSet({ hold: (work, served) => work < served * SMALL });
}

function growthSet(): EpollSet {
  return growth ??= new EpollSet({ edge: true });
}

const SPLICE_F_NONBLOCK = 2;
const EAGAIN = 11, EINTR = 4;
/** The most copied at once: more than a log pipe holds (64 KiB unless grown). */
const PEEK_MAX = 1 << 20;

/** Where bytes taken out of a pipe without being moved anywhere go (one for every pipe: reads are synchronous). */
const scratch = new Uint8Array(65536);

let shared: { r: number; w: number; size: number; buf: Uint8Array<ArrayBuffer> } | null = null;

/**
 * Makes the private pipe and the two epoll sets now (a host that will peek
 * counts their four descriptors from the start).
 */
export function preparePeek(): void {
  peekPipe();
  readySet();
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
  let ended = false, paused = false, moving = false;
  /** A write behind the bytes delivered was reported (growth set): look, though they are there. */
  let grew = false;
  /** Set while the next write is awaited through the growth set. */
  let awaiting: Member | null = null;
  const m = readySet().add(fd, (): number => {
    if (ended || paused) return 0;
    if (moving || (delivered > 0 && !grew)) {
      // bytes delivered wait to be consumed (still, at this serve): what came behind them is
      // looked at once they are, and meanwhile the pipe stays readable
      m.disable();
      return 0;
    }
    grew = false;
    const got = copyHead(fd, p, Math.min(p.size, PEEK_MAX));
    if (got < 0 && got !== -EAGAIN) return end(new Error(`tee: errno ${-got}`)), 0;
    if (got === 0) return end(), 0;
    if (got <= delivered) {
      // nothing new behind what waits to be consumed, and no writer to bring more: the end
      // (a line without its newline is then the last; multilog ends it so)
      if (writersGone(fd)) return end(), 0;
      look(); // else no spinning on it
      return 0;
    }
    const fresh = p.buf.slice(delivered, got);
    delivered = got;
    noGrowthWatch();
    onData(fresh);
    return fresh.length;
  });
  look();
  /**
   * Watches the pipe unless it is paused, or the bytes delivered wait for
   * more to come (the start of a line: a pipe with bytes in it stays
   * readable, and watching it would spin; the growth set reports the next
   * write). While they wait to be consumed, the watch stays: they are
   * usually consumed before the next serve, and a watch still waiting then
   * is set aside until they are.
   */
  function look() {
    if (!ended && !paused && (awaiting === null || grew)) m.enable();
    else m.disable();
  }
  function noGrowthWatch() {
    awaiting?.remove();
    awaiting = null;
  }
  function end(err?: Error) {
    ended = true;
    noGrowthWatch();
    m.remove();
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
  return {
    consume(n: number) {
      delivered -= drop(Math.min(n, delivered));
      look();
    },
    async moveInto(n: number, file: number, offset: number) {
      let left = Math.min(n, delivered), moved = 0;
      moving = true; // a serve meanwhile sets the watch aside; the look below takes it up again
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
      look();
      return moved;
    },
    awaitGrowth() {
      if (ended || awaiting !== null) return;
      // a write between the last look and this one is reported too: the set sees the pipe readable
      awaiting = growthSet().add(fd, () => {
        grew = true; // what came is looked at once the watch runs (after a pause or a move too)
        look();
      });
      awaiting.enable();
      look();
    },
    head(n: number) {
      const got = copyHead(fd, p, Math.min(n, p.size));
      return got <= 0 ? new Uint8Array(0) : p.buf.slice(0, got);
    },
    discard(n: number) {
      const gone = drop(n);
      delivered = Math.max(0, delivered - gone);
      look();
      return gone;
    },
    pause() {
      paused = true;
      look();
    },
    resume() {
      if (ended) return;
      paused = false;
      look();
    },
    close() {
      if (ended) return;
      ended = true;
      noGrowthWatch();
      m.remove();
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
