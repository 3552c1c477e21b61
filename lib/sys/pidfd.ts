/**
 * Watching a process that is not this one's child (a service left by a
 * scanner that died): pidfd_open(2), readable once the process has exited,
 * waited on through the process's one poller. Only a parent reaps it, but
 * its end can still be learnt: from its zombie while it awaits its parent
 * (`exit_code`, field 52 of /proc/PID/stat, Linux 3.5+), or, once reaped,
 * through the pidfd (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15+).
 *
 * @module
 */
import { lazyLibc } from "./libc.ts";
import { watchReadable } from "./poller.ts";

const lib = lazyLibc({
  syscall: { parameters: ["i64", "i64", "i64"], result: "i64" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
});

const SYS_pidfd_open = 434n; // the same on x86_64 and aarch64
/** _IOWR(0xFF, 11, struct pidfd_info) with the 64-byte first version of the struct. */
const PIDFD_GET_INFO = 0xc040ff0bn;
const PIDFD_INFO_EXIT = 1n << 3n;
/** struct pidfd_info: mask u64 @0, …, exit_code i32 @60 (64 bytes). */
const INFO_SIZE = 64, EXIT_CODE_AT = 60;

/** A watch on a process's end. */
export interface ExitWatch {
  /** Stops watching (the callback will not be called). */
  close(): void;
}

/** The raw wait status the kernel keeps for a reaped process, through its pidfd; null if none. */
function reapedStatus(pidfd: number): number | null {
  const info = new Uint8Array(INFO_SIZE);
  const v = new DataView(info.buffer);
  v.setBigUint64(0, PIDFD_INFO_EXIT, true);
  if (lib().ioctl(pidfd, PIDFD_GET_INFO, info) !== 0) return null;
  if ((v.getBigUint64(0, true) & PIDFD_INFO_EXIT) === 0n) return null;
  return v.getInt32(EXIT_CODE_AT, true);
}

/** The raw wait status of `pid`'s zombie (field 52 of its stat); null when it is none. */
export function zombieStatus(pid: number): number | null {
  try {
    const s = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    if (f[0] !== "Z" || f.length < 50) return null;
    const raw = Number(f[49]);
    return Number.isInteger(raw) ? raw : null;
  } catch {
    return null;
  }
}

/**
 * Calls `onExit` once `pid` has ended, with its raw wait status when it can
 * be learnt (its zombie, or the pidfd once it is reaped), else null; null
 * when the process is gone already or pidfds are not available (then the
 * caller must not take it for alive).
 */
export function watchExit(pid: number, onExit: (raw: number | null) => void): ExitWatch | null {
  const fd = Number(lib().syscall(SYS_pidfd_open, BigInt(pid), 0n));
  if (fd < 0) return null;
  let done = false;
  const w = watchReadable(fd, () => {
    if (done) return;
    done = true;
    // (reaped between the two looks: the pidfd has it then)
    const raw = reapedStatus(fd) ?? zombieStatus(pid) ?? reapedStatus(fd);
    w.close();
    onExit(raw);
  });
  return {
    close() {
      if (done) return;
      done = true;
      w.close();
    },
  };
}
