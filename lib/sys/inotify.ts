/**
 * inotify(7) through libc: an instance (non-blocking, close-on-exec), watches
 * on paths, and the events read from it parsed into wd, mask and name.
 *
 * @module
 */
import { check, cstr, lazyLibc } from "./libc.ts";
import { O, readSome } from "./fd.ts";

const lib = lazyLibc({
  inotify_init1: { parameters: ["i32"], result: "i32" },
  inotify_add_watch: { parameters: ["i32", "buffer", "u32"], result: "i32" },
});

/** The event bits dt uses (linux/inotify.h). */
export const IN = {
  ATTRIB: 0x4,
  OPEN: 0x20,
  MOVED_FROM: 0x40,
  MOVED_TO: 0x80,
  CREATE: 0x100,
  DELETE: 0x200,
  DELETE_SELF: 0x400,
  MOVE_SELF: 0x800,
  Q_OVERFLOW: 0x4000,
  IGNORED: 0x8000,
  ONLYDIR: 0x1000000,
} as const;

/** One event: the watch it is for, what happened, and the entry's name ("" for the watched path itself). */
export interface InotifyEvent {
  wd: number;
  mask: number;
  name: string;
}

/** A new inotify instance's fd (non-blocking, close-on-exec). Throws SysError. */
export function inotifyInit(): number {
  return check("inotify_init1", lib().inotify_init1(O.NONBLOCK | O.CLOEXEC));
}

/** Adds (or updates) a watch on `path`; returns the watch descriptor. Throws SysError. */
export function addWatch(fd: number, path: string, mask: number): number {
  return check("inotify_add_watch", lib().inotify_add_watch(fd, cstr(path), mask), path);
}

const dec = new TextDecoder();

/** Reads every event queued now (none when the fd would block). */
export function readEvents(fd: number, buf: Uint8Array<ArrayBuffer>): InotifyEvent[] {
  const out: InotifyEvent[] = [];
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (;;) {
    const n = readSome(fd, buf);
    if (n <= 0) return out;
    for (let off = 0; off + 16 <= n;) {
      const len = v.getUint32(off + 12, true);
      let end = off + 16;
      while (end < off + 16 + len && buf[end] !== 0) end++;
      out.push({
        wd: v.getInt32(off, true),
        mask: v.getUint32(off + 4, true),
        name: dec.decode(buf.subarray(off + 16, end)),
      });
      off += 16 + len;
    }
  }
}
