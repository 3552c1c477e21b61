/**
 * Reading raw fds (pipes, FIFOs) on the event loop through the process's one
 * poller (poller.ts): no thread and no socket object per fd, which is what
 * lets one process hold hundreds of them. The fd becomes O_NONBLOCK (shared
 * with any dup of it) and is closed at EOF or close(), unless `keepFd`.
 * Datagram sockets are read the same way, a datagram at a time with its
 * sender's credentials ({@link readDatagrams}).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { readSome, setNonblock } from "./fd.ts";
import { watchReadable } from "./poller.ts";
import { type Credentials, DatagramReceiver } from "./unix_dgram.ts";

/** One read buffer for every reader: reads are synchronous on the JS thread, chunks are copies. */
const buf = new Uint8Array(1 << 16);

/** A reader on `fd`; `onData` gets each chunk, `onEnd` fires at EOF or error. */
export function readFd(
  fd: number,
  onData: (chunk: Uint8Array) => void,
  onEnd: (err?: Error) => void = () => {},
  opts: { keepFd?: boolean } = {},
): { close(): void; pause(): void; resume(): void } {
  setNonblock(fd, true);
  let ended = false;
  let paused = false;
  const stop = () => opts.keepFd ? w.forget() : w.close();
  const w = watchReadable(fd, () => {
    while (!ended && !paused) {
      const n = readSome(fd, buf);
      if (n > 0) {
        onData(buf.slice(0, n));
        continue;
      }
      if (n === -ERRNO.EAGAIN || n === -ERRNO.EINTR) return; // EAGAIN: all read; EINTR: poll again
      ended = true;
      stop();
      onEnd(n === 0 ? undefined : new Error(`read: errno ${-n}`));
    }
  });
  return {
    close: () => {
      ended = true;
      stop();
    },
    pause: () => {
      paused = true;
      w.pause();
    },
    resume: () => {
      if (ended) return;
      paused = false;
      w.resume();
    },
  };
}

/** Limits of {@link readDatagrams}. */
export interface DatagramLimits {
  /** Largest datagram delivered, in bytes; a longer one is dropped whole. */
  maxBytes: number;
  /** Datagrams received per wake-up of the poller; the rest wait for the next one. */
  perWake: number;
}

/**
 * A reader of the datagram socket `fd` (SO_PASSCRED on: see
 * lib/sys/unix_dgram.ts) on the poller: `onDatagram` gets each datagram of up
 * to `maxBytes` with its sender (null when the kernel gave none); a longer one
 * is dropped. At most `perWake` datagrams are received per wake-up, so a
 * sender that floods the socket costs bounded work per turn. `fd` is closed
 * by close(), or on an error other than EAGAIN/EINTR.
 */
export function readDatagrams(
  fd: number,
  onDatagram: (data: Uint8Array, from: Credentials | null) => void,
  limits: DatagramLimits,
): { close(): void } {
  const rx = new DatagramReceiver(limits.maxBytes);
  let ended = false;
  const w = watchReadable(fd, () => {
    for (let i = 0; i < limits.perWake && !ended; i++) {
      const n = rx.receive(fd);
      if (n === -ERRNO.EAGAIN || n === -ERRNO.EINTR) return;
      if (n < 0) {
        ended = true;
        w.close();
        return;
      }
      if (!rx.truncated) onDatagram(rx.data(), rx.credentials());
    }
  });
  return {
    close: () => {
      ended = true;
      w.close();
    },
  };
}
