/**
 * Replacing this process with another program (execve), as daemontools'
 * pathexec does: PATH search for names without a slash, the error that matters
 * most reported when every candidate fails. SIGPIPE is put back to its default
 * first, since Deno ignores it and an exec'd program would inherit that.
 *
 * @module
 */
import { SysError } from "../common/errors.ts";
import { cstr, cstrArray, errno, lazyLibc } from "./libc.ts";
import { candidates } from "./path_search.ts";
import { currentEnv, getEnv } from "./env.ts";
import { resetDefault, SIG } from "./signal.ts";

const lib = lazyLibc({
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
});

/** Everything execve needs, built before any limit is lowered (see softlimit). */
export interface PreparedExec {
  /** Runs the exec. Returns only by throwing {@link SysError} (call `execve`, path = program). */
  run(): never;
}

/**
 * Builds argv/envp buffers for `argv[0]` looked up in env's PATH, so that the
 * exec itself allocates nothing in JS (needed after RLIMIT_AS is lowered).
 */
export function prepareExec(
  argv: readonly string[],
  env: readonly string[] = currentEnv(),
): PreparedExec {
  const prog = argv[0];
  const paths = candidates(prog, getEnv(env, "PATH")).map((p) => cstr(p));
  const a = cstrArray(argv);
  const e = cstrArray(env);
  const av = new Uint8Array(a.ptrs.buffer);
  const ev = new Uint8Array(e.ptrs.buffer);
  const execve = lib().execve;
  errno(); // bind __errno_location now, not after limits are lowered
  return {
    run(): never {
      resetDefault(SIG.PIPE);
      let err = 2;
      for (const p of paths) {
        execve(p, av, ev);
        const e2 = errno();
        if (e2 !== 2 || err === 2) err = e2;
        if (e2 !== 2 && e2 !== 13 && e2 !== 20) break;
      }
      void a.keep, e.keep;
      throw new SysError("execve", err, prog);
    },
  };
}

/** execvp-like: replaces this process with `argv` (PATH search), or throws {@link SysError}. */
export function exec(argv: readonly string[], env?: readonly string[]): never {
  return prepareExec(argv, env).run();
}
