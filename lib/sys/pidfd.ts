/**
 * Watching a process that is not this one's child (a service left by a
 * scanner that died): pidfd_open(2), readable once the process has exited,
 * waited on through the process's one poller. Its exit status cannot be had
 * (only a parent reaps it); the end is reported without one.
 *
 * @module
 */
import { lazyLibc } from "./libc.ts";
import { watchReadable } from "./poller.ts";

const lib = lazyLibc({
  syscall: { parameters: ["i64", "i64", "i64"], result: "i64" },
});

const SYS_pidfd_open = 434n; // the same on x86_64 and aarch64

/** A watch on a process's end. */
export interface ExitWatch {
  /** Stops watching (the callback will not be called). */
  close(): void;
}

/**
 * Calls `onExit` once `pid` has ended; null when the process is gone already
 * or pidfds are not available (then the caller must not take it for alive).
 */
export function watchExit(pid: number, onExit: () => void): ExitWatch | null {
  const fd = Number(lib().syscall(SYS_pidfd_open, BigInt(pid), 0n));
  if (fd < 0) return null;
  let done = false;
  const w = watchReadable(fd, () => {
    if (done) return;
    done = true;
    w.close();
    onExit();
  });
  return {
    close() {
      if (done) return;
      done = true;
      w.close();
    },
  };
}
