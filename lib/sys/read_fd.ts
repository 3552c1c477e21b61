/**
 * Reading raw fds (pipes, FIFOs) on the event loop through the process's one
 * poller (poller.ts): no thread and no socket object per fd, which is what
 * lets one process hold hundreds of them. The fd becomes O_NONBLOCK (shared
 * with any dup of it) and is closed at EOF or close(), unless `keepFd`.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { readSome, setNonblock } from "./fd.ts";
import { watchReadable } from "./poller.ts";

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
