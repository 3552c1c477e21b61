/**
 * A set of descriptors served together: one epoll(7) set, itself one fd of
 * the process's poller (poller.ts). When any member is ready, one wake-up
 * of the JS thread asks the set which (epoll_wait without waiting) and calls
 * every ready member's handler, in one turn; members are added and removed
 * with epoll_ctl on the JS thread, which never wakes the poller.
 *
 * A set may **hold** after a serve: its watch is paused for 0.1 s, so that
 * what members get meanwhile is served in one batch rather than one
 * wake-up each. The log pipes are such a set (pipe_peek.ts): 200 services
 * writing a line every 10 ms are then served some 10 times a second, not
 * 20,000 times, and each logger gets ten lines at once. The
 * poller's other descriptors (control FIFOs, children, inotify, io_uring
 * completions) are not held: they are served at once, ahead of the next
 * batch. An idle set arms nothing.
 *
 * @module
 */
import { check, lazyLibc } from "./libc.ts";
import { close } from "./fd.ts";
import { type Watched, watchReadable } from "./poller.ts";

const lib = lazyLibc({
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32" },
});

const EPOLL_CLOEXEC = 0o2000000, EPOLLIN = 1, EPOLLET = 1 << 31;
const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
/** struct epoll_event is packed on x86-64: u32 events, u64 data. */
const EVENT_SIZE = 12;
/** Events taken per serve; a full batch is followed by another at once. */
const BATCH = 256;

/** One member of an {@link EpollSet}. */
export interface Member {
  /** Calls the handler when ready (again). */
  enable(): void;
  /** Stops calling it until enable(). */
  disable(): void;
  /** Leaves the set for good (the fd stays open: it is the caller's). */
  remove(): void;
}

/** How a set serves its members. */
export interface EpollSetOptions {
  /** Edge-triggered: a member is reported once per change (a write to a pipe), not while ready. */
  edge?: boolean;
  /**
   * Whether to hold after a serve of `served` members whose handlers
   * returned `work` in all (each handler's return value, a count of bytes,
   * say): held for 0.1 s, then served again. Default: never.
   */
  hold?: (work: number, served: number) => boolean;
}

interface Entry {
  onReady: () => number | void;
  on: boolean;
}

/** A set of descriptors served in one turn; see the module doc. */
export class EpollSet {
  readonly #fd: number;
  readonly #events: number;
  readonly #hold: ((work: number, served: number) => boolean) | null;
  readonly #members = new Map<number, Entry>();
  readonly #buf = new Uint8Array(EVENT_SIZE * BATCH);
  readonly #view = new DataView(this.#buf.buffer);
  readonly #ev = new Uint8Array(EVENT_SIZE);
  readonly #evView = new DataView(this.#ev.buffer);
  readonly #watch: Watched;
  #nextId = 1;
  /** Members enabled now: the poller watches the set only while there are some. */
  #enabled = 0;
  #holding = false;

  /** Makes the set (one descriptor) and its watch; throws SysError (EMFILE…). */
  constructor(opts: EpollSetOptions = {}) {
    this.#fd = check("epoll_create1", lib().epoll_create1(EPOLL_CLOEXEC));
    this.#events = opts.edge ? (EPOLLIN | EPOLLET) >>> 0 : EPOLLIN;
    this.#hold = opts.hold ?? null;
    try {
      this.#watch = watchReadable(this.#fd, () => this.#serve());
    } catch (e) {
      close(this.#fd);
      throw e;
    }
    this.#watch.pause();
  }

  /** Adds `fd` (disabled: call enable()); `onReady` is called when it is ready. */
  add(fd: number, onReady: () => number | void): Member {
    const id = this.#nextId++;
    const e: Entry = { onReady, on: false };
    this.#members.set(id, e);
    const disable = () => {
      if (!e.on) return;
      e.on = false;
      lib().epoll_ctl(this.#fd, EPOLL_CTL_DEL, fd, this.#ev);
      if (--this.#enabled === 0) this.#watch.pause();
    };
    return {
      enable: () => {
        if (e.on || !this.#members.has(id)) return;
        this.#evView.setUint32(0, this.#events, true);
        this.#evView.setBigUint64(4, BigInt(id), true);
        check("epoll_ctl", lib().epoll_ctl(this.#fd, EPOLL_CTL_ADD, fd, this.#ev));
        e.on = true;
        if (this.#enabled++ === 0 && !this.#holding) this.#watch.resume();
      },
      disable,
      remove: () => {
        disable();
        this.#members.delete(id);
      },
    };
  }

  /** Calls the handler of every member ready now; then holds, when asked to. */
  #serve(): void {
    if (this.#holding) return;
    const n = lib().epoll_wait(this.#fd, this.#buf, BATCH, 0);
    let work = 0;
    for (let i = 0; i < n; i++) {
      const e = this.#members.get(Number(this.#view.getBigUint64(i * EVENT_SIZE + 4, true)));
      if (e === undefined || !e.on) continue;
      try {
        work += e.onReady() ?? 0;
      } catch (err) {
        // the member's fault, not the set's: the others are served all the same
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    if (n < BATCH && n > 0 && this.#hold?.(work, n)) {
      this.#holding = true;
      this.#watch.pause();
      setTimeout(() => {
        this.#holding = false;
        if (this.#enabled > 0) this.#watch.resume();
      }, 100);
    }
  }
}
