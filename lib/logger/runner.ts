/**
 * Runs a canonical `log/run` (see recognise.ts) inside the scanner with the
 * multilog engine, as a {@link ServiceRunner} for the log's supervisor: same
 * files as the `multilog` process it replaces, fed from the scanner's pipe
 * reader, with the signals multilog knows (ALRM rotates, TERM ends after the
 * current line, STOP/CONT pause) and the rest ending it as they would end the
 * process. `svstat S/log` shows the scanner's pid.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { hasRawBytes } from "../common/raw_text.ts";
import { getEnv } from "../sys/env.ts";
import { getpwnam } from "../sys/ids.ts";
import { SIG } from "../sys/signal.ts";
import { close, dupCloexec } from "../sys/fd.ts";
import { AT_FDCWD, readLinkAt, tryStatAt } from "../sys/dir_fd.ts";
import { type HeldService, readHeld } from "../sys/held_file.ts";
import type { FsCredentials } from "../sys/fscreds.ts";
import type { WaitStatus } from "../sys/wait.ts";
import { realWhich, selfPaths } from "../chain/resolve.ts";
import { MultilogEngine } from "../multilog/engine.ts";
import { MultilogError } from "../multilog/errors.ts";
import { Cancelled } from "../multilog/files.ts";
import { parseScript } from "../multilog/script.ts";
import type { InProcessService, ServiceRunner } from "../supervise/supervisor.ts";
import { withFsCredentials } from "../sys/fscreds.ts";
import { forgetJournal, journaled, LogJournal, openJournal, selects } from "./journal.ts";
import type { PipeReader } from "./pipe_reader.ts";
import { type CanonicalLogger, recogniseLogRun } from "./recognise.ts";
import { recoverFromJournal } from "./recover.ts";

/** What the runner needs from the scanner. */
export interface LogRunnerOptions {
  /** The log directory (`S/log`) as the scanner names it. */
  dir: string;
  /** The services' environment (its PATH decides what `multilog` names). */
  env: readonly (string | Uint8Array)[];
  /** The pipe's reader, made on first use; null when there is no pipe. */
  reader(): PipeReader | null;
  /** Called when the logger runs as a process after all (give the pipe back). */
  release(): void;
  /** Message sink (one line each). */
  log: (line: string) => void;
}

/** True unless `DT_INPROCESS_LOG=0`. */
export function inProcessLogsEnabled(env: readonly (string | Uint8Array)[]): boolean {
  return getEnv(env, "DT_INPROCESS_LOG") !== "0";
}

/**
 * True when `word` (a name looked up in PATH, or an absolute path) runs, after
 * following symlinks, dt itself, or daemontools' own program of that name (a
 * C binary whose real path ends in the name).
 */
export function resolvesToLogger(word: string, pathVar: string | undefined): boolean {
  const real = realWhich(word, pathVar);
  if (real === null) return false;
  if (selfPaths().includes(real)) return true;
  const name = word.slice(word.lastIndexOf("/") + 1);
  if (name === "dt" || !real.endsWith(`/${name}`)) return false;
  try {
    using f = Deno.openSync(real); // closed on every path
    const head = new Uint8Array(4);
    const n = f.readSync(head);
    return n === 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  } catch {
    return false;
  }
}

/** The largest `log/run` read to see whether it is a canonical one (they are a line or two). */
const RUN_MAX = 64 << 10;

/**
 * The logger to run in-process for the held log directory's `run`, or null
 * to start it as a process. `run` is read through the held directory, never
 * waiting (a FIFO there is no canonical script: the process start says why
 * it cannot run).
 */
export function inProcessPlan(
  held: HeldService,
  env: readonly (string | Uint8Array)[],
): { logger: CanonicalLogger; account?: FsCredentials } | null {
  if (!inProcessLogsEnabled(env)) return null;
  let text: string;
  try {
    const st = tryStatAt(held.fd, "run", held.trusted);
    if (typeof st === "number" || st.kind !== "file" || (st.mode & 0o111) === 0) return null;
    const b = readHeld(held.fd, "run", RUN_MAX + 1, {
      label: `${held.label}/run`,
      follow: held.trusted,
    });
    if (b === null || b.length > RUN_MAX) return null;
    text = new TextDecoder().decode(b);
  } catch {
    return null;
  }
  const logger = recogniseLogRun(text);
  if (logger === null) return null;
  const pathVar = getEnv(env, "PATH");
  if (!logger.programs.every((w) => resolvesToLogger(w, pathVar))) return null;
  if (logger.account === null) return { logger };
  // processors of a setuidgid logger must run as the account: leave those to the process
  if (logger.script.some((a) => a.startsWith("!"))) return null;
  const acct = getpwnam(logger.account);
  if (acct === null) return null; // the process says "unknown account", as it should
  // daemontools' setuidgid: groups are exactly the account's primary group
  return { logger, account: { uid: acct.uid, gid: acct.gid, groups: [acct.gid] } };
}

function status(code: number | null, signal: number | null): WaitStatus {
  return { pid: 0, code, signal, core: false, raw: 0 };
}

/** The runner for one log directory's supervisor. */
export function logRunner(opts: LogRunnerOptions): ServiceRunner {
  return (end, held) => {
    const plan = inProcessPlan(held, opts.env);
    const reader = plan === null ? null : opts.reader();
    if (plan === null || reader === null) {
      // a process reads the pipe now: what the journal says goes stale
      forgetJournal(held.sup, journalLabel(held));
      opts.release();
      return null;
    }
    return startLogger(plan, reader, opts, held, end);
  };
}

function journalLabel(held: HeldService): string {
  return `${held.label}/supervise/journal`;
}

/**
 * The directory `./main` is taken from, as supervise's chdir into `S/log`
 * (done as root) would give it: the held log directory, by the path it has
 * now. For an account's logger that cannot reach it by that path (or a path
 * that is not UTF-8, which Deno's file APIs cannot name), a descriptor of it
 * named through /proc/self/fd: the account then needs search rights on that
 * directory only, not on its ancestors, exactly as a process whose cwd it
 * is. (One that can reach it, the usual case, holds no descriptor for it.)
 */
function workingDir(held: HeldService, account?: FsCredentials): { cwd: string; close(): void } {
  const path = readLinkAt(AT_FDCWD, `/proc/self/fd/${held.fd}`);
  if (
    typeof path === "string" && path.startsWith("/") && !hasRawBytes(path) &&
    (account === undefined || searchable(path, account))
  ) return { cwd: path, close() {} };
  let fd = -1;
  try {
    fd = dupCloexec(held.fd);
  } catch {
    return { cwd: held.label, close() {} }; // out of descriptors: the path it was given
  }
  const own = fd;
  return { cwd: `/proc/self/fd/${own}`, close: () => void (fd === own && close(fd), fd = -1) };
}

/**
 * For a journaled script: opens the journal, takes what a killed scanner
 * left written but in the pipe (recover.ts), and gives the journal to this
 * logger. Null when the script is not journaled, or when the journal cannot
 * be used (reported: a FIFO or a link planted there, say): its lines are
 * then taken at least once.
 */
function journalFor(
  script: ReturnType<typeof parseScript>,
  cwd: string,
  plan: NonNullable<ReturnType<typeof inProcessPlan>>,
  reader: PipeReader,
  opts: LogRunnerOptions,
  held: HeldService,
  engine: MultilogEngine,
): LogJournal | null {
  const label = journalLabel(held);
  if (!journaled(script)) {
    forgetJournal(held.sup, label);
    return null;
  }
  let fd: number;
  try {
    fd = openJournal(held.sup, label, true);
    if (fd < 0) return null;
  } catch (e) {
    opts.log(
      `multilog: warning: unable to open ${label}: ${
        reason(e)
      }; its lines are logged at least once`,
    );
    return null;
  }
  const main = script.dirs[0].path;
  const account = plan.account;
  try {
    recoverFromJournal({
      journal: fd,
      dir: main.startsWith("/") ? main : `${cwd}/${main}`,
      asLogger: (step) => account ? withFsCredentials(account, step) : step(),
      head: (n) => reader.head(n),
      skip: (n) => reader.skip(n),
      script: selects(script) ? script : undefined,
    });
  } catch (e) {
    opts.log(
      `multilog: warning: ${opts.dir}: unable to recover from the log journal: ${reason(e)}`,
    );
  }
  return new LogJournal(fd, () => engine.firstCurrent());
}

/**
 * True when `account` can reach `dir` by its path (search rights on it and
 * every ancestor): the usual case, where no descriptor need be held for it.
 */
function searchable(dir: string, account: FsCredentials): boolean {
  try {
    return withFsCredentials(account, () => Deno.statSync(`${dir}/.`).isDirectory);
  } catch {
    return false;
  }
}

function startLogger(
  plan: NonNullable<ReturnType<typeof inProcessPlan>>,
  reader: PipeReader,
  opts: LogRunnerOptions,
  held: HeldService,
  end: (s: WaitStatus) => void,
): InProcessService {
  const where = workingDir(held, plan.account);
  const script = parseScript(plan.logger.script);
  let journal: LogJournal | null = null;
  const engine = new MultilogEngine(script, {
    cwd: where.cwd,
    account: plan.account,
    warn: (m) => opts.log(`multilog: warning: ${m}`),
    // a rotation while a chunk is written moves the journal on to the new `current`
    onRotate: (r) => journal?.rotated(r) ?? Promise.resolve(),
  });
  let opened = false, paused = false, term = false, done = false;
  let feeding = Promise.resolve();

  let ended = false;
  const endOnce = (s: WaitStatus) => {
    if (ended) return;
    ended = true;
    where.close();
    // its last chunk may still be leaving the pipe through it
    const j = journal;
    if (j) reader.settled().then(() => j.close());
    end(s);
  };
  /**
   * Ends the logger: after what was taken is written (end of input, TERM),
   * or at once for a signal that kills multilog, even while a graceful end
   * waits for a full disk.
   */
  const finish = (s: WaitStatus, now = false) => {
    if (now) {
      done = true;
      reader.detach();
      engine.abort();
      queueMicrotask(() => endOnce(s));
      return;
    }
    if (done) return;
    done = true;
    reader.detach();
    feeding.then(() => engine.close()).catch((e) => {
      if (!(e instanceof Cancelled)) opts.log(`multilog: warning: ${opts.dir}: ${reason(e)}`);
    }).finally(() => endOnce(s));
  };

  const sink = (b: Uint8Array): Promise<void> => {
    if (done) {
      reader.unshift(b);
      return Promise.resolve();
    }
    if (term) {
      // TERM: finish the line being logged, leave the rest in the pipe's reader
      if (engine.atLineStart) {
        reader.unshift(b);
        finish(status(0, null));
        return Promise.resolve();
      }
      const nl = b.indexOf(10);
      if (nl !== -1) {
        reader.unshift(b.subarray(nl + 1));
        b = b.subarray(0, nl + 1);
        feeding = engine.feed(b).then(() => finish(status(0, null)));
        return feeding;
      }
    }
    return feeding = engine.feed(b);
  };
  const attach = () => {
    if (!done && opened && !paused) {
      // what was taken leaves the pipe once it is written: a scanner killed meanwhile loses none
      reader.attach(
        sink,
        () => finish(status(0, null)),
        () => engine.flush().catch(() => {}),
        journal ?? undefined,
      );
    }
  };

  // an earlier logger's last chunk first; then what a killed scanner left (before `current` is opened)
  reader.settled().then(() => {
    if (!done) journal = journalFor(script, where.cwd, plan, reader, opts, held, engine);
    return engine.open();
  }).then(() => {
    opened = true;
    if (term && engine.atLineStart) return finish(status(0, null));
    attach();
  }, (e) => {
    if (done) return; // killed while opening
    done = true;
    const code = e instanceof MultilogError ? e.code : 111;
    opts.log(`multilog: fatal: ${e instanceof MultilogError ? e.message : reason(e)}`);
    queueMicrotask(() => endOnce(status(code, null)));
  });

  // a stopped process keeps the signals it gets until CONT (only KILL acts at once)
  const pending = new Set<number>();
  const service: InProcessService = {
    pid: Deno.pid,
    signal(sig: number): void {
      if (ended) return;
      const caught = sig === SIG.ALRM || sig === SIG.STOP || sig === SIG.CONT || sig === SIG.TERM;
      if (done && caught) return; // ending already; only a killing signal cuts it short
      if (paused && sig !== SIG.KILL && sig !== SIG.CONT && sig !== SIG.STOP) {
        pending.add(sig);
        return;
      }
      switch (sig) {
        case SIG.ALRM:
          if (opened) engine.rotateNow().catch(() => {});
          return;
        case SIG.STOP:
          paused = true;
          reader.detach();
          return;
        case SIG.CONT:
          if (paused) {
            paused = false;
            attach();
            // lowest number first, as the kernel delivers them
            for (const p of [...pending].sort((x, y) => x - y)) {
              pending.delete(p);
              service.signal(p);
            }
          }
          return;
        case SIG.TERM:
          term = true;
          if (opened && engine.atLineStart) finish(status(0, null));
          return;
        default:
          // multilog catches only ALRM and TERM: anything else ends it, there and then
          finish(status(null, sig), true);
      }
    },
  };
  return service;
}
