/**
 * One poll(2) for every fd this process reads or writes without blocking: a
 * single call on a worker thread (FFI `nonblocking`) waits on all of them plus
 * a wake-up pipe, and the reads and writes happen on the JS thread. Hundreds of FIFOs and pipes cost one thread
 * and no per-fd socket objects (a node:net socket costs ~28 KB each).
 *
 * @module
 */
import { lazyLibc } from "./libc.ts";
import { close, O, pipe, readSome, writeSome } from "./fd.ts";

const lib = lazyLibc({
  poll_wait: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    nonblocking: true,
  },
});

const POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;

interface Watch {
  fd: number;
  /** POLLIN or POLLOUT. */
  events: number;
  onReady: () => void;
  active: boolean;
}

const watches = new Set<Watch>();
const closeAfterPoll: number[] = [];
let wakeFds: [number, number] | null = null;
let polling = false;
let looping = false;
const one = new Uint8Array([1]);
const drainBuf = new Uint8Array(64);

/** Interrupts a poll in progress so the set of fds is read again. */
function wake(): void {
  if (wakeFds !== null && polling) writeSome(wakeFds[1], one);
}

async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    for (;;) {
      const active = [...watches].filter((w) => w.active);
      if (active.length === 0) break;
      const buf = new Uint8Array(8 * (active.length + 1));
      const v = new DataView(buf.buffer);
      v.setInt32(0, wakeFds![0], true);
      v.setInt16(4, POLLIN, true);
      active.forEach((w, i) => {
        v.setInt32(8 * (i + 1), w.fd, true);
        v.setInt16(8 * (i + 1) + 4, w.events, true);
      });
      polling = true;
      const r = await lib().poll_wait(buf, BigInt(active.length + 1), -1);
      polling = false;
      for (const fd of closeAfterPoll.splice(0)) close(fd);
      if (r <= 0) continue;
      if (v.getInt16(6, true) & POLLIN) {
        while (readSome(wakeFds![0], drainBuf) > 0) {
          /* drain */
        }
      }
      active.forEach((w, i) => {
        const ev = v.getInt16(8 * (i + 1) + 6, true);
        if (!w.active || !watches.has(w)) return;
        if (ev & (w.events | POLLHUP | POLLERR | POLLNVAL)) {
          try {
            w.onReady();
          } catch (e) {
            // the owner's fault, not the poller's: the other fds are served all the same
            queueMicrotask(() => {
              throw e;
            });
          }
        }
      });
    }
  } finally {
    looping = false;
    for (const fd of closeAfterPoll.splice(0)) close(fd);
  }
}

/** Control of one watched fd. */
export interface Watched {
  /** Stops watching and closes the fd (once no poll can still be looking at it). */
  close(): void;
  /** Stops watching for good; the fd stays open and the caller's. */
  forget(): void;
  /** Stops calling back until resume(). */
  pause(): void;
  /** Calls back again when ready. */
  resume(): void;
}

/** Watches `w`; throws (EMFILE…) when the wake-up pipe cannot be made, before anything changed. */
function add(w: Watch): void {
  wakeFds ??= pipe(O.CLOEXEC | O.NONBLOCK);
  watches.add(w);
  wake();
  loop().catch((e) => {
    queueMicrotask(() => {
      throw e;
    });
  });
}

/** Stops watching; false when it was not watched. */
function forget(w: Watch): boolean {
  if (!watches.delete(w)) return false;
  w.active = false;
  wake();
  return true;
}

/** Calls `onReadable` (on the JS thread) whenever `fd` is readable, hung up or in error. */
export function watchReadable(fd: number, onReadable: () => void): Watched {
  return watchFd(fd, POLLIN, onReadable);
}

/**
 * Calls `onWritable` (on the JS thread) whenever `fd` can take a write, is
 * hung up or in error; starts paused (resume() when a write would block).
 */
export function watchWritable(fd: number, onWritable: () => void): Watched {
  return watchFd(fd, POLLOUT, onWritable, false);
}

function watchFd(fd: number, events: number, onReady: () => void, active = true): Watched {
  const w: Watch = { fd, events, onReady, active };
  if (active) add(w);
  else watches.add(w);
  return {
    close() {
      if (!forget(w)) return;
      if (polling) closeAfterPoll.push(fd);
      else close(fd);
    },
    forget() {
      forget(w);
    },
    pause() {
      if (!w.active) return;
      w.active = false;
      wake();
    },
    resume() {
      if (w.active || !watches.has(w)) return;
      w.active = true;
      add(w);
    },
  };
}

/** Resolves once `fd` is readable (data, end of file or an error); the fd stays open and unread. */
export function onceReadable(fd: number): Promise<void> {
  return new Promise((resolve) => {
    const w: Watch = {
      fd,
      events: POLLIN,
      active: true,
      onReady: () => {
        forget(w);
        resolve();
      },
    };
    add(w);
  });
}
