/**
 * Replacing this process with another program (execve), as daemontools'
 * pathexec does: PATH search for names without a slash, the error that matters
 * most reported when every candidate fails. SIGPIPE is put back to its default
 * first, since Deno ignores it and an exec'd program would inherit that.
 *
 * @module
 */
import { SysError } from "../common/errors.ts";
import { cstr, cstrArray, errnoReader, lazyLibc } from "./libc.ts";
import { candidates } from "./path_search.ts";
import { currentEnv, getEnv } from "./env.ts";
import { resetDefault, SIG } from "./signal.ts";

const lib = lazyLibc({
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
});

/** Everything execve needs, built before any limit is lowered (see softlimit). */
export interface PreparedExec {
  /**
   * Runs the exec. Returns only by throwing {@link SysError} (call `execve`,
   * path = program). The attempts allocate nothing in JS; `onFail` runs as
   * soon as every candidate has failed, before the error is built (softlimit
   * puts the soft limits back there, so that V8 can allocate again).
   */
  run(onFail?: () => void): never;
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
  // SIGPIPE back to default now: this also binds signal() (dlopen compiles its
  // call stub, which fails once RLIMIT_AS is lowered)
  resetDefault(SIG.PIPE);
  return {
    run(onFail?: () => void): never {
      let err = 2;
      for (let i = 0; i < paths.length; i++) {
        execve(paths[i], av, ev);
        const e2 = readErrno();
        if (e2 !== 2 || err === 2) err = e2;
        // pathexec_run goes on past ENOENT, EACCES, EPERM and EISDIR only
        if (e2 !== 2 && e2 !== 13 && e2 !== 1 && e2 !== 21) break;
      }
      onFail?.();
      void a.keep, e.keep;
      throw new SysError("execve", err, prog);
    },
  };
}

/** execvp-like: replaces this process with `argv` (PATH search), or throws {@link SysError}. */
export function exec(argv: readonly string[], env?: readonly (string | Uint8Array)[]): never {
  return prepareExec(argv, env).run();
}
