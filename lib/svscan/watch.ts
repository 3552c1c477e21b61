/**
 * What makes the scanner react at once: inotify on the scan directory (an
 * entry created, moved in or out, removed, its mode changed) and on each
 * service directory (a `log` made or moved in later). Each burst of events
 * becomes one call of `onChange` (the scanner's rescan, with the same rules
 * as the periodic one, which runs only when this cannot see everything).
 *
 * @module
 */
import { isErrno } from "../common/errors.ts";
import { close } from "../sys/fd.ts";
import { addWatch, IN, inotifyInit, readEvents } from "../sys/inotify.ts";
import { type Watched, watchReadable } from "../sys/poller.ts";
import { inDir } from "../common/paths.ts";

const SCAN_MASK = IN.CREATE | IN.MOVED_TO | IN.MOVED_FROM | IN.DELETE | IN.ATTRIB | IN.MOVE_SELF |
  IN.DELETE_SELF;
const SERVICE_MASK = IN.CREATE | IN.MOVED_TO | IN.ONLYDIR;

/** A running watch of a scan directory. */
export interface ScanWatch {
  /** Stops watching and closes the inotify fd. */
  close(): void;
  /**
   * False once a service directory could not be watched (out of watches, say):
   * a change inside it may then go unseen, so the caller rescans periodically.
   */
  readonly complete: boolean;
}

/**
 * Watches `dir` and the service directories in it, calling `onChange` after
 * each burst of events that can change what a scan finds. Throws (SysError)
 * when inotify cannot be set up: the caller keeps its periodic rescan.
 */
export function watchScanDir(dir: string, onChange: () => void): ScanWatch {
  const fd = inotifyInit();
  let scanWd: number;
  try {
    scanWd = addWatch(fd, dir, SCAN_MASK | IN.ONLYDIR);
  } catch (e) {
    close(fd);
    throw e;
  }
  const path = (name: string) => inDir(dir, name);
  let complete = true;
  /** Watches a service directory for a later `log`; not a directory or gone: nothing to watch. */
  const service = (name: string) => {
    if (name.startsWith(".")) return;
    try {
      addWatch(fd, path(name), SERVICE_MASK);
    } catch (e) {
      // not a directory or gone: nothing to see; anything else (ENOSPC): the periodic rescan sees it
      if (!isErrno(e, "ENOTDIR") && !isErrno(e, "ENOENT")) complete = false;
    }
  };
  const all = () => {
    try {
      for (const e of Deno.readDirSync(dir)) service(e.name);
    } catch { /* the scanner reports an unreadable directory */ }
  };
  all();
  const buf = new Uint8Array(16384);
  let w: Watched | null = null;
  w = watchReadable(fd, () => {
    let relevant = false;
    for (const ev of readEvents(fd, buf)) {
      if (ev.mask & IN.Q_OVERFLOW) {
        all(); // directories made while events were lost get their watch
        relevant = true;
      } else if (ev.wd === scanWd) {
        if (ev.mask & (IN.CREATE | IN.MOVED_TO | IN.ATTRIB)) service(ev.name);
        relevant = true;
      } else if (ev.name === "log") relevant = true;
    }
    if (relevant) onChange();
  });
  return {
    close() {
      w?.close(); // closes fd once no poll looks at it
      w = null;
    },
    get complete() {
      return complete;
    },
  };
}
