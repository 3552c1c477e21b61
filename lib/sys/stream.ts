/**
 * Reading raw fds (pipes, FIFOs) on the event loop through node:net's epoll
 * sockets: no thread per pending read, which is what lets one process hold
 * hundreds of them. The fd becomes O_NONBLOCK and is closed with the socket.
 *
 * @module
 */
import { Socket } from "node:net";

/** A readable socket on `fd`; `onData` gets each chunk, `onEnd` fires at EOF or error. */
export function readFd(
  fd: number,
  onData: (chunk: Uint8Array) => void,
  onEnd: (err?: Error) => void = () => {},
): { close(): void; unref(): void; pause(): void; resume(): void } {
  const s = new Socket({ fd, readable: true, writable: false });
  let ended = false;
  const end = (err?: Error) => {
    if (ended) return;
    ended = true;
    onEnd(err);
  };
  s.on("data", (b: Uint8Array) => onData(b));
  s.on("end", () => end());
  s.on("error", (e: Error) => end(e));
  s.on("close", () => end());
  return {
    close: () => {
      ended = true;
      s.destroy();
    },
    unref: () => void s.unref(),
    pause: () => void s.pause(),
    resume: () => void s.resume(),
  };
}
