/**
 * Events from a supervisor to whoever waits (dt svwait), as s6's fifodir:
 * a waiter makes a FIFO in `supervise/event/` and holds it open for reading;
 * at each change the supervisor writes one byte into every FIFO there, without
 * blocking. A FIFO nobody reads any more (its waiter died) is removed.
 *
 * Bytes: `u` up, `U` ready, `d` down, `D` down and finish done, `x` the
 * supervisor exited, `s` any other change of the status.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { close, O, writeSome } from "../sys/fd.ts";
import { readDirNames, tryOpenAt, tryStatAt, unlinkAt } from "../sys/dir_fd.ts";

/** The event directory of a service's supervise directory. */
export function eventDir(superviseDir: string): string {
  return `${superviseDir}/event`;
}

/**
 * Makes `supervise/event/` if it is not there (best effort: the waiter's own
 * FIFO then says why it cannot subscribe). The first waiter makes it, not the
 * supervisor: a directory is a new inode, which costs more than a spawn, and
 * most services are never waited for.
 */
export function makeEventDir(superviseDir: string): void {
  try {
    Deno.mkdirSync(eventDir(superviseDir), { mode: 0o700 });
  } catch { /* exists, or svwait says why not */ }
}

/**
 * Writes `events` (one byte each, in order) into every waiter's FIFO in the
 * held `supervise/` `sup`; never blocks, never throws. Only FIFOs are written
 * (O_NOFOLLOW, fstat): a file or link planted in `event/` is passed over.
 */
export function broadcast(sup: number, events: string): void {
  // most services have no waiter and no event/: found without the cost of a thrown NotFound
  const dir = tryOpenAt(sup, "event", O.RDONLY | O.DIRECTORY | O.NOFOLLOW | O.NONBLOCK);
  if (dir < 0) return;
  try {
    let names: string[];
    try {
      names = readDirNames(dir);
    } catch {
      return;
    }
    const bytes = Uint8Array.from(events, (c) => c.charCodeAt(0));
    for (const name of names) {
      const fd = tryOpenAt(dir, name, O.WRONLY | O.NONBLOCK | O.NOFOLLOW);
      if (fd === -ERRNO.ENXIO) { // ENXIO: no reader, the waiter is gone
        unlinkAt(dir, name); // (or it raced with its owner)
        continue;
      }
      if (fd < 0) continue;
      try {
        const st = tryStatAt(fd, "");
        // a full FIFO already holds a wake-up
        if (typeof st !== "number" && st.kind === "fifo") writeSome(fd, bytes);
      } finally {
        close(fd);
      }
    }
  } finally {
    close(dir);
  }
}
