/**
 * The runtime directory: where dt keeps a service tree's state when the tree
 * cannot hold it (a read-only image, a tree owned by another account). The
 * first that works of:
 *
 * 1. `$DT_RUNTIME_DIR`, when set (the admin's choice: it works, or dt says why not);
 * 2. `/run/dt` (a container's `--tmpfs /run`, an `emptyDir` at `/run`);
 * 3. `$XDG_RUNTIME_DIR/dt` (a user's session);
 * 4. `/tmp/dt-UID`.
 *
 * Each is made (mode 0700) when missing, and used only when it is a directory
 * — not a symbolic link — that this process's account owns and that no group
 * or other account may write: in a directory others can write (`/tmp`, a
 * tmpfs of mode 1777), one another account made first is refused, never used.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { reason, SysError } from "../common/errors.ts";
import { AT_FDCWD, mkdirAt, tryStatAt } from "../sys/dir_fd.ts";
import { ownDirectory } from "../sys/held_file.ts";

/** One place to try, and whether the admin named it (then it must work). */
export interface RuntimeCandidate {
  /** The directory's path. */
  path: string;
  /** True for `$DT_RUNTIME_DIR`: no other is tried when it cannot be used. */
  explicit: boolean;
}

/** What the choice reads of the environment. */
export interface RuntimeEnv {
  /** `$DT_RUNTIME_DIR`. */
  DT_RUNTIME_DIR?: string;
  /** `$XDG_RUNTIME_DIR`. */
  XDG_RUNTIME_DIR?: string;
}

/**
 * No runtime directory, or no mirror in it: the message says what was tried
 * and why it failed (`unable to …`), the cause is the system's error if any.
 */
export class RuntimeDirError extends Error {
  /** The error with its words and, when there is one, its cause. */
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "RuntimeDirError";
  }
}

/**
 * The places to try, in order (pure). A relative `XDG_RUNTIME_DIR` is
 * ignored, as the XDG specification says.
 *
 * @example
 * ```ts
 * runtimeCandidates({}, 12345).map((c) => c.path); // ["/run/dt", "/tmp/dt-12345"]
 * ```
 */
export function runtimeCandidates(env: RuntimeEnv, uid: number): RuntimeCandidate[] {
  const out: RuntimeCandidate[] = [];
  const given = env.DT_RUNTIME_DIR;
  if (given !== undefined && given !== "") return [{ path: trimSlash(given), explicit: true }];
  out.push({ path: "/run/dt", explicit: false });
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg !== undefined && xdg.startsWith("/")) {
    out.push({ path: `${trimSlash(xdg)}/dt`, explicit: false });
  }
  out.push({ path: `/tmp/dt-${uid}`, explicit: false });
  return out;
}

function trimSlash(p: string): string {
  const t = p.replace(/\/+$/, "");
  return t === "" ? "/" : t;
}

/**
 * Why `path` cannot be this account's runtime directory, or null when it
 * can: made (0700) when missing, then it must be a directory, not a link,
 * owned by `uid`, writable by no group or other.
 */
export function unusable(path: string, uid: number = Deno.uid() ?? -1): string | null {
  const made = mkdirAt(AT_FDCWD, path, 0o700);
  if (made < 0 && made !== -ERRNO.EEXIST) return reason(new SysError("mkdir", -made));
  const st = tryStatAt(AT_FDCWD, path, false);
  if (typeof st === "number") return reason(new SysError("stat", -st));
  if (st.kind === "symlink") return "a symbolic link";
  if (st.kind !== "dir") return "not a directory";
  if (st.uid !== uid) return `owned by uid ${st.uid}, not ${uid}`;
  if (!ownDirectory(st, uid)) return "writable by group or others";
  return null;
}

/**
 * The runtime directory for this process's account (see the module doc).
 * Throws {@link RuntimeDirError} naming every place tried and why it was not
 * used.
 */
export function chooseRuntimeDir(env: RuntimeEnv, uid: number = Deno.uid() ?? -1): string {
  const tried: string[] = [];
  for (const c of runtimeCandidates(env, uid)) {
    if (!c.path.startsWith("/")) c.path = `${Deno.cwd()}/${c.path}`; // DT_RUNTIME_DIR=run/dt
    const why = unusable(c.path, uid);
    if (why === null) return c.path;
    if (c.explicit) {
      throw new RuntimeDirError(`unable to use DT_RUNTIME_DIR ${c.path}: ${why}`);
    }
    tried.push(`${c.path}: ${why}`);
  }
  throw new RuntimeDirError(`unable to find a runtime directory (${tried.join("; ")})`);
}
