/**
 * Runs a canonical `log/run` (see recognise.ts) inside the scanner with the
 * multilog engine, as a {@link ServiceRunner} for the log's supervisor: same
 * files as the `multilog` process it replaces, fed from the scanner's pipe
 * reader, with the signals multilog knows (ALRM rotates, TERM ends after the
 * current line, STOP/CONT pause) and the rest ending it as they would end the
 * process. `svstat S/log` shows the scanner's pid.
 *
 * A start reads in one direction: plan (plan.ts: what to run, from the text
 * of `log/run`), open (opening.ts: the working directory, the journal, and
 * what a killed scanner left, recovered), run (here: the engine opens its
 * directories and the pipe reader feeds it).
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { SIG } from "../sys/signal.ts";
import type { HeldService } from "../sys/held_file.ts";
import type { WaitStatus } from "../sys/wait.ts";
import type { InProcessService, ServiceRunner } from "../sys/in_process.ts";
import { MultilogEngine } from "../multilog/engine.ts";
import { MultilogError } from "../multilog/errors.ts";
import { Cancelled } from "../multilog/files.ts";
import { forgetJournal, journalLabel, type LogJournal } from "./journal.ts";
import type { PipeReader } from "./pipe_reader.ts";
import { inProcessPlan, type LoggerPlan } from "./plan.ts";
import { openJournalled, workingDir } from "./opening.ts";

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

function startLogger(
  plan: LoggerPlan,
  reader: PipeReader,
  opts: LogRunnerOptions,
  held: HeldService,
  end: (s: WaitStatus) => void,
): InProcessService {
  const where = workingDir(held, plan.account);
  let journal: LogJournal | null = null;
  const engine = new MultilogEngine(plan.script, {
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
    if (!done) {
      const current = () => engine.firstCurrent();
      journal = openJournalled(plan, held, where.cwd, reader, current, opts.log);
    }
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
