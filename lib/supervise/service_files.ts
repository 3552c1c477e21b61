/**
 * The optional files of a service directory that go beyond daemontools
 * (s6's and runit's spellings): `finish`, `timeout-finish`, `down-signal`,
 * `timeout-kill`, `kill-tree`, `notification-fd`, `notify-socket`; for
 * containers, a crash-loop policy in systemd's words (`restart-delay-max`,
 * `start-limit-burst`, `start-limit-interval`), a health check (runit's
 * `check`, with Docker's `check-interval`, `check-timeout`, `check-retries`)
 * and `essential` (supervisord's word). Read at each start of `./run`; a
 * directory with none of them is a daemontools one.
 * As s6 reads them, a value is the file's first line (up to the first
 * newline), exactly: no blank, no sign; a number out of its range or junk is
 * refused with a warning naming the file and the value, and the file is then
 * as if absent. `0` in `timeout-kill` and `timeout-finish` is s6's "never".
 * The parsers are pure.
 *
 * @module
 */
import { FileKindError, reason } from "../common/errors.ts";
import { parseMsText, WANT_MS } from "../common/durations.ts";
import { parseSignal } from "../proctree/signal_name.ts";
import { SIG } from "../sys/signal.ts";
import type { ServiceDir } from "./service_dir.ts";
import type { RunFiles } from "./extra_status.ts";

/** What a service directory asks for beyond daemontools. */
export interface ServiceFiles {
  /** `finish` exists (run after each end of `./run`). */
  finish: boolean;
  /** `timeout-finish` in ms (default 5000): then finish is killed; Infinity (the file says 0): never. */
  timeoutFinish: number;
  /** `down-signal`: what `svc -d` sends instead of TERM. */
  downSignal: number;
  /**
   * `timeout-kill` in ms: KILL that long after the down signal; Infinity (the
   * file says 0): never, not even to what a kill-tree service leaves; null
   * (no file): never, but {@link DEFAULT_TREE_KILL_MS} for the leftovers.
   */
  timeoutKill: number | null;
  /** `kill-tree` exists: signals go to the whole tree, leftovers are ended. */
  killTree: boolean;
  /** `notification-fd`: the fd the service writes a newline on when ready, or null. */
  notificationFd: number | null;
  /** `notify-socket` exists: systemd's NOTIFY_SOCKET protocol. */
  notifySocket: boolean;
  /**
   * `restart-delay-max` in ms (systemd's RestartMaxDelaySec): a run shorter
   * than this is followed by a delay that doubles from 1 s up to it; a run
   * this long resets it. Null: daemontools' 1 s, always.
   */
  restartDelayMax: number | null;
  /**
   * `start-limit-burst` (systemd's StartLimitBurst): after this many ends of
   * `./run` within `start-limit-interval` ms, the service is left down
   * (`svc -u` starts it again). Null: no limit.
   */
  startLimitBurst: number | null;
  /** `start-limit-interval` in ms (systemd's StartLimitIntervalSec). */
  startLimitInterval: number;
  /** `check` exists (runit's): run while the service is up; its ready, and its health. */
  check: boolean;
  /** `check-interval` in ms (Docker's HEALTHCHECK --interval; default 30000). */
  checkInterval: number;
  /** `check-timeout` in ms (Docker's --timeout; default 30000): then the check is KILLed, a failure. */
  checkTimeout: number;
  /** `check-retries` (Docker's --retries; default 3): failures in a row that restart the service. */
  checkRetries: number;
  /** `essential` exists (supervisord's word): with `dt init -S`, its giving up ends the container. */
  essential: boolean;
}

/** Docker's defaults for a HEALTHCHECK. */
export const DEFAULT_CHECK_INTERVAL_MS = 30_000, DEFAULT_CHECK_TIMEOUT_MS = 30_000;
/** Docker's default `--retries`. */
export const DEFAULT_CHECK_RETRIES = 3;
/** systemd's default StartLimitIntervalSec (10 s), and StartLimitBurst (5) when only the interval is given. */
export const DEFAULT_START_LIMIT_INTERVAL_MS = 10_000, DEFAULT_START_LIMIT_BURST = 5;

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
  restartDelayMax: null,
  startLimitBurst: null,
  startLimitInterval: DEFAULT_START_LIMIT_INTERVAL_MS,
  check: false,
  checkInterval: DEFAULT_CHECK_INTERVAL_MS,
  checkTimeout: DEFAULT_CHECK_TIMEOUT_MS,
  checkRetries: DEFAULT_CHECK_RETRIES,
  essential: false,
};

/** The value a file holds: its first line (s6 reads up to the first newline). */
function firstLine(text: string): string {
  const nl = text.indexOf("\n");
  return nl === -1 ? text : text.slice(0, nl);
}

/** A file holding a number of milliseconds, 0 to 9999999999 (ten digits); null when it is not one. */
export function parseMs(text: string): number | null {
  return parseMsText(firstLine(text));
}

/** A timeout file: its milliseconds, with s6's 0 = never as Infinity; null when not a number. */
export function parseTimeout(text: string): number | null {
  const ms = parseMs(text);
  return ms === 0 ? Infinity : ms;
}

/** A file holding a number of milliseconds, 1 or more; null when it is not one. */
export function parsePositiveMs(text: string): number | null {
  const ms = parseMs(text);
  return ms === null || ms === 0 ? null : ms;
}

/** A file holding a count, 1 to 999999; null when it is not one. */
export function parseCount(text: string): number | null {
  const t = firstLine(text);
  return /^[1-9][0-9]{0,5}$/.test(t) ? Number(t) : null;
}

/** A file holding a signal name (`QUIT`, `SIGQUIT`) or number; null when unknown. */
export function parseSignalFile(text: string): number | null {
  return parseSignal(firstLine(text), false);
}

/** The highest `notification-fd` taken: four digits. */
export const MAX_NOTIFICATION_FD = 9999;

/** A file holding a descriptor number of 3 to {@link MAX_NOTIFICATION_FD} (0-2 are the service's stdio); null if not. */
export function parseFd(text: string): number | null {
  const t = firstLine(text);
  if (!/^[0-9]{1,4}$/.test(t)) return null;
  const n = Number(t);
  return n >= 3 ? n : null;
}

const dec = new TextDecoder();

/** What each numeric file must hold, for the warning about one that does not. */
const WANT: Record<string, string> = {
  "timeout-finish": `${WANT_MS}; 0: never`,
  "timeout-kill": `${WANT_MS}; 0: never`,
  "down-signal": "a signal name or number",
  "notification-fd": `a descriptor, 3 to ${MAX_NOTIFICATION_FD}`,
  "restart-delay-max": `${WANT_MS.replace("0 to", "1 to")}`,
  "start-limit-burst": "a count, 1 to 999999",
  "start-limit-interval": `${WANT_MS.replace("0 to", "1 to")}`,
  "check-interval": `${WANT_MS.replace("0 to", "1 to")}`,
  "check-timeout": `${WANT_MS.replace("0 to", "1 to")}`,
  "check-retries": "a count, 1 to 999999",
};

/** A file's text for a one-line message: its first 40 characters at most, as a JSON string. */
function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

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
      if (v === null) warn(`${dir.label}/${name}: bad value: ${shown(t)} (want ${WANT[name]})`);
      return v;
    }, null);
  f.finish = exists("finish");
  f.timeoutFinish = num("timeout-finish", parseTimeout) ?? DEFAULT_TIMEOUT_FINISH_MS;
  f.downSignal = num("down-signal", parseSignalFile) ?? SIG.TERM;
  f.timeoutKill = num("timeout-kill", parseTimeout);
  f.killTree = exists("kill-tree");
  f.notificationFd = num("notification-fd", parseFd);
  f.notifySocket = exists("notify-socket");
  f.restartDelayMax = num("restart-delay-max", parsePositiveMs);
  const burst = num("start-limit-burst", parseCount);
  const interval = num("start-limit-interval", parsePositiveMs);
  f.startLimitBurst = burst ?? (interval !== null ? DEFAULT_START_LIMIT_BURST : null);
  f.startLimitInterval = interval ?? DEFAULT_START_LIMIT_INTERVAL_MS;
  f.check = exists("check");
  if (f.check) {
    f.checkInterval = num("check-interval", parsePositiveMs) ?? DEFAULT_CHECK_INTERVAL_MS;
    f.checkTimeout = num("check-timeout", parsePositiveMs) ?? DEFAULT_CHECK_TIMEOUT_MS;
    f.checkRetries = num("check-retries", parseCount) ?? DEFAULT_CHECK_RETRIES;
  }
  f.essential = exists("essential");
  return f;
}

/** The files as status.json keeps them for adoption (never: 0, as in the files). */
export function toRunFiles(f: ServiceFiles): RunFiles {
  return {
    ...f,
    timeoutFinish: f.timeoutFinish === Infinity ? 0 : f.timeoutFinish,
    timeoutKill: f.timeoutKill === Infinity ? 0 : f.timeoutKill,
  };
}

/** The files status.json kept for a run, as the supervisor uses them. */
export function fromRunFiles(r: RunFiles): ServiceFiles {
  // what an older dt's record lacks is as if absent
  const kept = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  return {
    ...PLAIN,
    ...kept as Partial<ServiceFiles>,
    timeoutFinish: r.timeoutFinish === 0 ? Infinity : r.timeoutFinish,
    timeoutKill: r.timeoutKill === 0 ? Infinity : r.timeoutKill,
  };
}
