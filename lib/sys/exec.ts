/**
 * Replacing this process with another program (execve), as daemontools'
 * pathexec does: PATH search for names without a slash, the error that matters
 * most reported when every candidate fails. The signals are put back first
 * (lib/sys/child_signals.ts: Deno ignores SIGPIPE, and an exec'd program
 * would inherit that): each at its default but those dt was started with
 * ignored, and an empty mask.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { cstr, cstrArray, errnoReader, lazyLibc } from "./libc.ts";
import { candidates } from "./path_search.ts";
import { currentEnv, getEnv } from "./env.ts";
import { resetForExec } from "./child_signals.ts";
import type { PreparedLimits } from "./rlimit.ts";

/** Thrown by {@link PreparedExec.run} when limit number `index` could not be set: a setrlimit SysError. */
export class LimitFailure extends SysError {
  /** Which of the limits given to `run` failed. */
  readonly index: number;

  /** setrlimit of limit number `index` failed with `errno`. */
  constructor(index: number, errno: number) {
    super("setrlimit", errno);
    this.name = "LimitFailure";
    this.index = index;
  }
}

const lib = lazyLibc({
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
});

/** Everything execve needs, built before any limit is lowered (see softlimit). */
export interface PreparedExec {
  /**
   * Sets `limits` (the very last step: a lowered RLIMIT_AS or RLIMIT_DATA
   * would make V8's next allocation fatal), then runs the exec. Returns only
   * by throwing: {@link LimitFailure} when a limit cannot be set, else
   * {@link SysError} (call `execve`, path = program) once every candidate has
   * failed, after the limits were put back. Nothing in between allocates in
   * JS, and every function it calls has run once already (V8 compiles a
   * function on its first call, which allocates).
   */
  run(limits?: PreparedLimits): never;
}

/**
 * Builds argv/envp buffers for `argv[0]` looked up in `pathVar` (default: env's
 * PATH), so that the exec itself allocates nothing in JS (needed after
 * RLIMIT_AS is lowered). daemontools' pathexec searches the PATH of the
 * environment it runs in, not of the one it passes on: envdir gives `pathVar`.
 */
export function prepareExec(
  argv: readonly string[],
  env: readonly (string | Uint8Array)[] = currentEnv(),
  pathVar: string | undefined = getEnv(env, "PATH"),
): PreparedExec {
  const prog = argv[0];
  const paths = candidates(prog, pathVar).map((p) => cstr(p));
  // small typed arrays live on the V8 heap until their address is taken: take
  // it now, so that handing them to execve later allocates nothing
  for (const p of paths) Deno.UnsafePointer.of(p);
  const a = cstrArray(argv);
  const e = cstrArray(env);
  const av = new Uint8Array(a.ptrs.buffer);
  const ev = new Uint8Array(e.ptrs.buffer);
  const execve = lib().execve;
  const readErrno = errnoReader();
  // the signals as the program must find them, now: this also binds the syscall()
  // it uses (dlopen compiles its call stub, which fails once RLIMIT_AS is lowered)
  resetForExec();
  // a first call of each, before any limit is lowered: an empty path fails with ENOENT
  execve(cstr(""), av, ev);
  readErrno();
  return {
    run(limits?: PreparedLimits): never {
      if (limits !== undefined) {
        const bad = limits.apply();
        if (bad !== null) {
          limits.restore();
          throw new LimitFailure(bad.index, bad.errno);
        }
      }
      let err = ERRNO.ENOENT;
      for (let i = 0; i < paths.length; i++) {
        execve(paths[i], av, ev);
        const e2 = readErrno();
        if (e2 !== ERRNO.ENOENT || err === ERRNO.ENOENT) err = e2;
        // pathexec_run goes on past ENOENT, EACCES, EPERM and EISDIR only
        if (![ERRNO.ENOENT, ERRNO.EACCES, ERRNO.EPERM, ERRNO.EISDIR].includes(e2)) break;
      }
      limits?.restore();
      void a.keep, e.keep;
      throw new SysError("execve", err, prog);
    },
  };
}

/** execvp-like: replaces this process with `argv` (PATH search), or throws {@link SysError}. */
export function exec(argv: readonly string[], env?: readonly (string | Uint8Array)[]): never {
  return prepareExec(argv, env).run();
}
