/**
 * `dt init` at work: start PROG (after the services of `-S`, if any), pass
 * signals on, reap every orphan, and end in order — PROG, then the services
 * (loggers last), then whatever is left (TERM, the grace period, KILL) — with
 * PROG's exit status. An `essential` service of `-S` that gives up (left down
 * by its crash-loop budget, or ended after `svc -o`) ends it all the same
 * way, with that service's status: its exit code, or 128 + the signal that
 * ended it ({@link essentialCode}).
 *
 * @module
 */
import { clearLongTimeout, type LongTimeout, setLongTimeout, sleep } from "../common/long_timer.ts";
import { errLine } from "../common/output.ts";
import { basename } from "../common/paths.ts";
import { isErrno, reason } from "../common/errors.ts";
import type { Scanner } from "../svscan/scanner.ts";
import { spawn } from "../sys/spawn.ts";
import { reapAll, sweep, waitChild } from "../sys/reaper.ts";
import { setSubreaper } from "../sys/proc.ts";
import { SIG, signalIfThere, signalName } from "../sys/signal.ts";
import { getpgrp, getsid, isatty, tcgetpgrp, tcgetsid, tcsetpgrp } from "../sys/tty.ts";
import type { WaitStatus } from "../sys/wait.ts";
import type { InitOptions } from "./args.ts";
import { exitCode, forwardAs, FORWARDED, JOB_CONTROL, startsEnd } from "./signals.ts";
import { pgidOf, stateOf } from "../proctree/proc_state.ts";
import { endLeftovers } from "../proctree/descendants.ts";
import { servicesNotUp } from "./services.ts";
import type { PlacedTree } from "../svscan/tree_state.ts";
import type { LineOutput } from "../svscan/stdout_lines.ts";
import type { ProgOutput } from "./prog_output.ts";

/** Everything `runInit` needs, decided by the command. */
export interface InitRun {
  opts: InitOptions;
  /** Grace period between TERM and KILL, in ms. */
  graceMs: number;
  /** PROG's argv, byte for byte (empty: no PROG, `-S` alone). */
  argv: (string | Uint8Array)[];
  /** PROG's environment, byte for byte (with `DT_SERVICES` under `-S`); the services' too. */
  env: (string | Uint8Array)[];
  /** With `-S`: the tree placed (in itself, or mirrored in the runtime directory). */
  tree?: PlacedTree;
  /** With `-l`: dt's stdout, where services without a log and PROG write, prefixed. */
  output?: LineOutput;
}

const NAME = "dt init";
const say = (text: string) => errLine(`${NAME}: ${text}`);

/**
 * dt init's exit status when an essential service gave up: the service's
 * exit code, or 128 + the signal that ended it (as a shell reports it);
 * 111 when how it ended is not known.
 */
export function essentialCode(code: number | null, signal: number | null): number {
  if (signal !== null) return 128 + signal;
  return code ?? 111;
}

function describe(s: WaitStatus): string {
  return s.signal === null ? `exit ${s.code}` : `signal ${signalName(s.signal)}`;
}

/** Runs init until the end; resolves with dt's exit code. */
export async function runInit(run: InitRun): Promise<number> {
  const { opts, graceMs } = run;
  const pid1 = Deno.pid === 1;
  const verbose = (text: string) => opts.verbose && say(text);
  if (!pid1) {
    try {
      setSubreaper();
      verbose("not PID 1: registered as a child subreaper, orphans below dt are reaped by dt");
    } catch (e) {
      say(`warning: not PID 1 and unable to become a child subreaper: ${reason(e)}`);
    }
  }
  reapAll((s) => {
    if (opts.warnReaped) say(`reaped zombie process with pid=${s.pid} (${describe(s)})`);
  });
  // signal listeners do not keep Deno alive; this does until dt exits
  const keepAlive = setInterval(() => {}, 1 << 30);

  let scanner: Scanner | null = null;
  let progOut: ProgOutput | null = null;
  let child = 0;
  let ownSession = false;
  let ending = false;
  let stopSent = false; // dt passed a stop signal on: PROG is meant to be stopped
  let deadline = Infinity;
  let groupSignalled = -1; // PROG's group already got the ending signal
  let killTimer: LongTimeout | undefined; // the grace may be longer than a runtime timer
  const early = Promise.withResolvers<number>(); // a TERM/INT before PROG started
  // an essential service that gave up: dt's status then
  const gaveUp = Promise.withResolvers<number>();
  const giveUp = (name: string, code: number | null, signal: number | null) => {
    if (ending) return;
    const how = signal === null ? `exit ${code ?? "unknown"}` : `signal ${signalName(signal)}`;
    say(`essential service ${name} gave up (${how}): ending`);
    gaveUp.resolve(essentialCode(code, signal));
  };

  const startEnd = () => {
    if (ending) return;
    ending = true;
    deadline = Date.now() + graceMs;
  };

  const onSignal = (sig: number) => {
    if (child === 0) {
      if (startsEnd(sig, forwardAs(sig, opts.rewrites, false))) {
        startEnd();
        early.resolve(sig);
      } else if (run.argv.length === 0 && (sig === SIG.HUP || sig === SIG.ALRM)) scanner?.scan();
      return;
    }
    const fwd = forwardAs(sig, opts.rewrites, ownSession);
    if (fwd !== 0) {
      if (fwd === SIG.STOP || JOB_CONTROL.has(fwd)) stopSent = true;
      signalIfThere(opts.singleChild ? child : -child, fwd);
      if (!opts.singleChild && startsEnd(sig, fwd)) groupSignalled = child;
    }
    verbose(`got ${signalName(sig)}, ${fwd === 0 ? "dropped it" : `sent ${signalName(fwd)}`}`);
    if (startsEnd(sig, fwd) && !ending) {
      startEnd();
      killTimer = setLongTimeout(() => {
        verbose(`grace period over: killing ${opts.singleChild ? "PROG" : "PROG's group"}`);
        signalIfThere(opts.singleChild ? child : -child, SIG.KILL);
        signalIfThere(child, SIG.KILL);
      }, graceMs);
    }
    // dumb-init: after a terminal stop signal, stop dt too (its parent shell sees the job stop)
    if (JOB_CONTROL.has(sig) && !pid1) signalIfThere(Deno.pid, SIG.STOP);
  };
  // a PID-1 Deno without TERM/INT/HUP listeners dies of SIGSEGV: listen from the start
  for (const name of FORWARDED) Deno.addSignalListener(name, () => onSignal(SIG[name.slice(3)]));

  const finish = async (code: number, progEnded: boolean): Promise<number> => {
    startEnd();
    clearLongTimeout(killTimer);
    if (scanner !== null) {
      verbose("stopping the services");
      await scanner.shutdown(Math.max(deadline - Date.now(), 1000));
    }
    const spared = groupSignalled > 0 ? (p: number) => pgidOf(p) === groupSignalled : undefined;
    const killed = await endLeftovers(deadline, spared);
    sweep(); // what ended last is a zombie the SIGCHLD listener has not seen yet
    if (killed.length) verbose(`killed after the grace period: ${killed.join(" ")}`);
    await progOut?.finish(Math.max(deadline, Date.now() + 1000)); // PROG's last lines
    verbose(progEnded ? `exiting with ${code}` : `exiting with ${code} (no PROG)`);
    clearInterval(keepAlive);
    return code;
  };

  if (run.tree) {
    // loaded only for -S: PROG alone starts sooner
    const { Scanner } = await import("../svscan/scanner.ts");
    (await import("../svscan/host_process.ts")).hostSupervisors("init");
    const tree = run.tree;
    if (tree.mirror) {
      verbose(`${tree.given} cannot hold supervise/: the services' state is in ${tree.dir}`);
    }
    verbose(`DT_SERVICES=${tree.dir}`);
    scanner = new Scanner(tree.mirror?.dir ?? tree.given, {
      env: run.env,
      mirror: tree.mirror ?? undefined,
      output: run.output,
      onGiveUp: giveUp,
    });
    scanner.start();
    const sc = scanner;
    const strict = opts.readyTimeoutMs !== null;
    const waitUntil = Date.now() + (opts.readyTimeoutMs ?? graceMs);
    let missing = servicesNotUp(sc);
    let gone: number | null = null;
    gaveUp.promise.then((c) => gone = c);
    while (missing.length && Date.now() < waitUntil && !ending && gone === null) {
      await sleep(50);
      missing = servicesNotUp(sc);
    }
    if (gone !== null) return await finish(gone, false);
    if (missing.length && !ending && strict && run.argv.length) {
      say(`fatal: services not ready after ${opts.readyTimeoutMs} ms: ${missing.join(", ")}`);
      return await finish(111, false);
    }
    if (missing.length && !ending) say(`warning: services not up: ${missing.join(", ")}`);
    else verbose("every service is up");
    if (run.argv.length === 0) {
      // svscan as PID 1: run the services until TERM or INT, or an essential one gives up
      const end = await Promise.race([
        early.promise.then(() => 0),
        gaveUp.promise.then((c) => ({ c })),
      ]);
      return await finish(typeof end === "number" ? 0 : end.c, false);
    }
    if (ending) return await finish(128 + (await early.promise), false);
  }

  // start PROG: in a session of its own, unless dt leads the session of the
  // terminal on stdin (docker run -it): then in a new process group of dt's
  // session, made the terminal's foreground group, so PROG owns the terminal
  const ownsTty = isatty(0) && getsid(0) === Deno.pid && tcgetsid(0) === Deno.pid &&
    tcgetpgrp(0) === getpgrp();
  ownSession = !opts.singleChild && !ownsTty;
  if (ownsTty) {
    try {
      tcsetpgrp(0, getpgrp()); // already so: binds the call now, to hand over at once below
    } catch { /* checked again below */ }
  }
  const prog = run.argv[0];
  const progName = typeof prog === "string" ? prog : new TextDecoder().decode(prog);
  if (run.output) {
    const { prefixProgOutput } = await import("./prog_output.ts");
    progOut = prefixProgOutput(basename(progName), run.output);
  }
  try {
    child = spawn({
      path: progName,
      argv: run.argv,
      env: run.env,
      fds: progOut?.fds,
      setsid: ownSession,
      pgroup: ownsTty ? 0 : undefined,
    });
    progOut?.started();
  } catch (e) {
    say(`fatal: unable to run ${progName}: ${reason(e)}`);
    return finish(isErrno(e, "ENOENT") ? 127 : 126, false);
  }
  const ended = waitChild(child);
  if (ownsTty) {
    try {
      tcsetpgrp(0, child);
      // PROG may have touched the terminal before it was handed over, and been
      // stopped for it (bash -i stops itself with TTIN): resume it then
      for (const ms of [0, 25, 100, 300, 1000]) {
        setTimeout(() => {
          if (!stopSent && stateOf(child) === "T") signalIfThere(-child, SIG.CONT);
        }, ms);
      }
    } catch (e) {
      say(`warning: unable to give the terminal to ${progName}: ${reason(e)}`);
    }
  }
  verbose(`started ${progName}, pid ${child}`);
  const first = await Promise.race([ended, gaveUp.promise.then((c) => ({ gaveUp: c }))]);
  if ("gaveUp" in first) {
    // PROG first, as at any end: TERM (its group), KILL after the grace
    startEnd();
    signalIfThere(opts.singleChild ? child : -child, SIG.TERM);
    signalIfThere(opts.singleChild ? child : -child, SIG.CONT);
    killTimer = setLongTimeout(
      () => signalIfThere(opts.singleChild ? child : -child, SIG.KILL),
      graceMs,
    );
    const s = await ended;
    verbose(`${progName} ended: ${describe(s)}`);
    return await finish(first.gaveUp, true);
  }
  const s = first;
  verbose(`${progName} ended: ${describe(s)}`);
  return await finish(exitCode(s, opts.okCodes), true);
}
