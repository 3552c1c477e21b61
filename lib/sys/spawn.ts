/**
 * Starting children with posix_spawn(3): explicit fds, chdir, new session or
 * process group, an empty signal mask and every signal at its default
 * disposition but those dt was started with ignored (lib/sys/child_signals.ts:
 * Deno ignores SIGPIPE, glibc signals 32 and 33; children must not inherit
 * that).
 *
 * A child gets what dt itself was started with, not what Deno made of it
 * (lib/common/launched.ts): the environment byte for byte without the
 * launcher's variables, and the soft limits Deno or the launcher raised. The
 * open-files and stack limits are set in this process around posix_spawn (the
 * child inherits them at clone); address-space and data limits cannot be
 * (posix_spawn maps the child's stack first, which they would forbid), so the
 * child gets them with prlimit(2) the moment posix_spawn returns, that is
 * right after its execve.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { cstr, cstrArray, lazyLibc } from "./libc.ts";
import { candidates } from "./path_search.ts";
import { getEnv } from "./env.ts";
import { installReaper } from "./reaper.ts";
import { type Limit, type PreparedLimits, prepareLimits, RLIMIT } from "./rlimit.ts";
import { startingEnv, startingLimits } from "./launched.ts";
import { ignoreAround, spawnDefaults } from "./child_signals.ts";

const lib = lazyLibc({
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  posix_spawn_file_actions_addclose: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawn_file_actions_addchdir_np: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawn_file_actions_addfchdir_np: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawn_file_actions_addclosefrom_np: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setpgroup: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  umask: { parameters: ["u32"], result: "u32" },
  prlimit: { parameters: ["i32", "i32", "buffer", "buffer"], result: "i32" },
});

const SETPGROUP = 0x02, SETSIGDEF = 0x04, SETSIGMASK = 0x08, SETSID = 0x80;

const envCache = new WeakMap<readonly (string | Uint8Array)[], ReturnType<typeof cstrArray>>();

/** The C form of an environment, built once per array (a supervisor reuses its env). */
function envArray(env: readonly (string | Uint8Array)[]): ReturnType<typeof cstrArray> {
  let c = envCache.get(env);
  if (c === undefined) envCache.set(env, c = cstrArray(env));
  return c;
}

/** What to start and how. */
export interface SpawnOptions {
  /** Program: a path, or a name looked up in the child's PATH. */
  path: string;
  /** Full argv, argv[0] included (text, or raw bytes). */
  argv: readonly (string | Uint8Array)[];
  /** Environment as `NAME=VALUE` entries (text, or raw bytes); default: this process's. */
  env?: readonly (string | Uint8Array)[];
  /** Working directory of the child. */
  cwd?: string;
  /**
   * Working directory of the child, as a held directory descriptor (fchdir:
   * the directory itself, wherever it was renamed to); taken before `cwd`.
   */
  cwdFd?: number;
  /**
   * The child's fds: child fd `i` gets parent fd `fds[i]`; `null` leaves child fd
   * `i` closed. Default `[0, 1, 2]`. Every other fd is closed in the child.
   */
  fds?: readonly (number | null)[];
  /** Start the child in a new session (setsid). */
  setsid?: boolean;
  /** Put the child in process group `pgroup` (0: a new group led by the child). */
  pgroup?: number;
  /** umask for the child (set around the call). */
  umask?: number;
  /**
   * Soft limits the child gets; default: the ones dt was started with where
   * Deno or the launcher raised them. `[]` for a child that is dt itself.
   */
  limits?: readonly { resource: number; limit: Limit }[];
}

/** Limits split by how they reach the child. */
interface ChildLimits {
  /** Set here around posix_spawn. */
  around: PreparedLimits | null;
  /** Given to the child with prlimit(2): resource and the new values (C form). */
  after: { resource: number; value: Uint8Array }[];
}

const limitsCache = new WeakMap<object, ChildLimits>();
let defaultLimits: readonly { resource: number; limit: Limit }[] | undefined;

function childLimits(list: readonly { resource: number; limit: Limit }[]): ChildLimits {
  let c = limitsCache.get(list);
  if (c === undefined) {
    const inherit = list.filter((l) => l.resource === RLIMIT.NOFILE || l.resource === RLIMIT.STACK);
    c = {
      around: inherit.length ? prepareLimits(inherit) : null,
      after: list.filter((l) => !inherit.includes(l)).map((l) => ({
        resource: l.resource,
        value: new Uint8Array(new BigUint64Array([l.limit.cur, l.limit.max]).buffer),
      })),
    };
    limitsCache.set(list, c);
  }
  return c;
}

let started = 0;

/** How many children {@link spawn} has started in this process: a measure of activity. */
export function spawnCount(): number {
  return started;
}

/**
 * Starts a child and returns its pid. The reaper is installed first, so watch
 * the pid with `watchChild` right after. Throws {@link SysError} (call
 * `posix_spawn`, path = the program) when the program cannot be started.
 */
export function spawn(opts: SpawnOptions): number {
  installReaper();
  const env = opts.env ?? startingEnv();
  const limits = childLimits(opts.limits ?? (defaultLimits ??= startingLimits()));
  // a path with a slash is used as it is: PATH is not read (a scan of the environment)
  const paths = opts.path.includes("/") ? [opts.path] : candidates(opts.path, getEnv(env, "PATH"));
  let err = ERRNO.ENOENT;
  for (const p of paths) {
    const r = spawnAt(p, opts, env, limits);
    if (typeof r === "number") {
      // like execvp: remember an error other than "not found", keep looking
      if (r !== ERRNO.ENOENT || err === ERRNO.ENOENT) err = r;
      if (r === ERRNO.ENOENT || r === ERRNO.EACCES || r === ERRNO.ENOTDIR) continue;
      break;
    }
    started++;
    return r.pid;
  }
  throw new SysError("posix_spawn", err, opts.path);
}

function spawnAt(
  path: string,
  opts: SpawnOptions,
  env: readonly (string | Uint8Array)[],
  limits: ChildLimits,
): { pid: number } | number {
  const l = lib();
  const fa = new Uint8Array(80);
  const attr = new Uint8Array(336);
  const mask = new Uint8Array(128); // the empty set
  l.posix_spawn_file_actions_init(fa);
  l.posix_spawnattr_init(attr);
  try {
    // first, before the descriptor could be closed or overwritten by the fd actions
    if (opts.cwdFd !== undefined) l.posix_spawn_file_actions_addfchdir_np(fa, opts.cwdFd);
    const fds = opts.fds ?? [0, 1, 2];
    // Stage sources that a later dup2 would clobber onto low fds not in play
    // (low: the child's open-files limit may be below this process's fds).
    let spare = fds.length;
    const nextSpare = () => {
      while (fds.includes(spare)) spare++;
      return spare++;
    };
    const src = fds.map((f, i) => {
      if (f === null || f === i || f >= fds.length) return f;
      const staged = nextSpare();
      l.posix_spawn_file_actions_adddup2(fa, f, staged);
      return staged;
    });
    src.forEach((f, i) => {
      if (f === null) l.posix_spawn_file_actions_addclose(fa, i);
      else l.posix_spawn_file_actions_adddup2(fa, f, i); // dup2(i, i) clears close-on-exec
    });
    l.posix_spawn_file_actions_addclosefrom_np(fa, fds.length);
    if (opts.cwd !== undefined) l.posix_spawn_file_actions_addchdir_np(fa, cstr(opts.cwd));
    let flags = SETSIGMASK | SETSIGDEF;
    if (opts.setsid) flags |= SETSID;
    if (opts.pgroup !== undefined) {
      flags |= SETPGROUP;
      l.posix_spawnattr_setpgroup(attr, opts.pgroup);
    }
    l.posix_spawnattr_setsigmask(attr, mask);
    l.posix_spawnattr_setsigdefault(attr, spawnDefaults());
    l.posix_spawnattr_setflags(attr, flags);
    const argv = cstrArray(opts.argv);
    const envp = envArray(env);
    const pathC = cstr(path);
    const pidBuf = new Int32Array(1);
    const old = opts.umask === undefined ? -1 : l.umask(opts.umask);
    limits.around?.apply();
    const held = ignoreAround();
    const r = l.posix_spawn(
      new Uint8Array(pidBuf.buffer),
      pathC,
      fa,
      attr,
      new Uint8Array(argv.ptrs.buffer),
      new Uint8Array(envp.ptrs.buffer),
    );
    held?.restore();
    limits.around?.restore();
    if (old !== -1) l.umask(old);
    if (r === 0) {
      for (const a of limits.after) l.prlimit(pidBuf[0], a.resource, a.value, null);
    }
    // keep the C strings alive until here
    void argv.keep, envp.keep, pathC;
    return r === 0 ? { pid: pidBuf[0] } : r;
  } finally {
    l.posix_spawn_file_actions_destroy(fa);
    l.posix_spawnattr_destroy(attr);
  }
}
