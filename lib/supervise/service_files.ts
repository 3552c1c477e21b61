/**
 * The optional files of a service directory that go beyond daemontools
 * (s6's and runit's spellings): `finish`, `timeout-finish`, `down-signal`,
 * `timeout-kill`, `kill-tree`, `notification-fd`, `notify-socket`. Read at
 * each start of `./run`; a directory with none of them is a daemontools one.
 * The parsers are pure.
 *
 * @module
 */
import { FileKindError, reason } from "../common/errors.ts";
import { parseSignal } from "../proctree/signal_name.ts";
import { SIG } from "../sys/signal.ts";
import type { ServiceDir } from "./service_dir.ts";

/** What a service directory asks for beyond daemontools. */
export interface ServiceFiles {
  /** `finish` exists (run after each end of `./run`). */
  finish: boolean;
  /** `timeout-finish` in ms (default 5000): then finish is killed. */
  timeoutFinish: number;
  /** `down-signal`: what `svc -d` sends instead of TERM. */
  downSignal: number;
  /** `timeout-kill` in ms, or null: KILL that long after the down signal. */
  timeoutKill: number | null;
  /** `kill-tree` exists: signals go to the whole tree, leftovers are ended. */
  killTree: boolean;
  /** `notification-fd`: the fd the service writes a newline on when ready, or null. */
  notificationFd: number | null;
  /** `notify-socket` exists: systemd's NOTIFY_SOCKET protocol. */
  notifySocket: boolean;
}

/** s6's default for `timeout-finish`. */
export const DEFAULT_TIMEOUT_FINISH_MS = 5000;
/** What is left of a kill-tree service gets KILL this long after TERM, unless `timeout-kill`. */
export const DEFAULT_TREE_KILL_MS = 2000;

/** What a daemontools directory (none of the files) amounts to. */
export const PLAIN: ServiceFiles = {
  finish: false,
  timeoutFinish: DEFAULT_TIMEOUT_FINISH_MS,
  downSignal: SIG.TERM,
  timeoutKill: null,
  killTree: false,
  notificationFd: null,
  notifySocket: false,
};

/** A file holding a number of milliseconds (0 or more); null when it is not one. */
export function parseMs(text: string): number | null {
  const t = text.trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : null;
}

/** A file holding a signal name (`QUIT`, `SIGQUIT`) or number; null when unknown. */
export function parseSignalFile(text: string): number | null {
  return parseSignal(text.trim(), false);
}

/** A file holding a descriptor number of 3 or more (0-2 are the service's stdio); null if not. */
export function parseFd(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,4}$/.test(t)) return null;
  const n = Number(t);
  return n >= 3 ? n : null;
}

const dec = new TextDecoder();

/**
 * Reads the files of the held service directory `dir` (never waiting, never
 * following a link another account planted: service_dir.ts); `warn` gets a
 * line for each file that is there but unreadable as its kind (it is then
 * as if absent).
 */
export function readServiceFiles(dir: ServiceDir, warn: (line: string) => void): ServiceFiles {
  const f: ServiceFiles = { ...PLAIN };
  // one readdir tells which of the files can be there: a daemontools directory costs no failed open
  const names = dir.names();
  const guard = <T>(name: string, fn: () => T, none: T): T => {
    if (names !== null && !names.has(name)) return none;
    try {
      return fn();
    } catch (e) {
      warn(
        e instanceof FileKindError
          ? `${e.path}: ${e.message}`
          : `unable to read ${dir.label}/${name}: ${reason(e)}`,
      );
      return none;
    }
  };
  const exists = (name: string) => guard(name, () => dir.has(name), false);
  const num = <T>(name: string, parse: (t: string) => T | null): T | null =>
    guard(name, () => {
      const b = dir.read(name);
      if (b === null) return null;
      const t = dec.decode(b);
      const v = parse(t);
      if (v === null) warn(`${dir.label}/${name}: bad value: ${JSON.stringify(t.trim())}`);
      return v;
    }, null);
  f.finish = exists("finish");
  f.timeoutFinish = num("timeout-finish", parseMs) ?? DEFAULT_TIMEOUT_FINISH_MS;
  f.downSignal = num("down-signal", parseSignalFile) ?? SIG.TERM;
  f.timeoutKill = num("timeout-kill", parseMs);
  f.killTree = exists("kill-tree");
  f.notificationFd = num("notification-fd", parseFd);
  f.notifySocket = exists("notify-socket");
  return f;
}
