/**
 * Where a service tree's state is kept: in the tree, as daemontools keeps it
 * (`S/supervise/`), or — when the tree cannot hold it (a read-only image, a
 * tree another account owns), or when asked — in a mirror of the tree in the
 * runtime directory (mirror.ts, runtime_dir.ts).
 *
 * @module
 */
import { isErrno, reason, SysError } from "../common/errors.ts";
import { envChange, mergeEnv } from "../common/env_list.ts";
import { encodeRaw } from "../common/raw_text.ts";
import { close, O } from "../sys/fd.ts";
import { AT_FDCWD, fstat, readDirNames, tryOpenAt, tryStatAt } from "../sys/dir_fd.ts";
import { ownDirectory } from "../sys/held_file.ts";
import { getEnv } from "../sys/env.ts";
import { ServiceDir } from "../supervise/service_dir.ts";
import { openLock } from "../supervise/take.ts";
import { TreeMirror } from "./mirror.ts";
import { chooseRuntimeDir, RuntimeDirError } from "./runtime_dir.ts";

/**
 * A tree placed: where its services are reached, and the mirror when there
 * is one. The scanner scans the mirror's directory, or else the tree as
 * given (its messages as daemontools').
 */
export interface PlacedTree {
  /** Where the services are reached, absolute: the tree itself, or its mirror. `DT_SERVICES` names it. */
  readonly dir: string;
  /** The tree as given. */
  readonly given: string;
  /** The mirror in the runtime directory, or null when the tree holds its own state. */
  readonly mirror: TreeMirror | null;
}

/** `dir` from the root: as given when it is absolute, else from the working directory. */
function absolute(dir: string): string {
  if (dir.startsWith("/")) return dir;
  const rel = dir.replace(/^(\.\/+)+/, "").replace(/\/+$/, "");
  const cwd = Deno.cwd();
  return rel === "" || rel === "." ? cwd : `${cwd === "/" ? "" : cwd}/${rel}`;
}

/** The errors that say a directory cannot be written by this process. */
function refused(e: unknown): boolean {
  return isErrno(e, "EROFS") || isErrno(e, "EACCES") || isErrno(e, "EPERM");
}

/**
 * True when every service of `dir` (and its `log/`) can hold `supervise/`:
 * its `supervise/lock` can be opened for writing as a supervisor opens it
 * (so `supervise/` and `lock` are made where they are missing, as the
 * supervisor would make them a moment later). False at the first one that
 * is refused (a read-only file system, another account's directory).
 * Other failures (a service that vanished, a link not followed) are the
 * scanner's to report.
 */
export function holdsState(dir: string): boolean {
  const fd = tryOpenAt(AT_FDCWD, dir, O.RDONLY | O.DIRECTORY);
  if (fd < 0) return true; // the scanner says why it cannot read it
  try {
    const trusted = ownDirectory(fstat(fd, dir));
    for (const name of readDirNames(fd, dir)) {
      if (name.startsWith(".")) continue;
      let svc: ServiceDir;
      try {
        svc = ServiceDir.open(`${dir}/${name}`, { fd, trusted, name });
      } catch {
        continue; // not a directory, gone, a link not followed: as the scanner finds it
      }
      try {
        if (!canLock(svc)) return false;
        const log = tryStatAt(svc.fd, "log", svc.trusted);
        if (typeof log === "number" || log.kind !== "dir") continue;
        const l = ServiceDir.open(`${svc.label}/log`, {
          fd: svc.fd,
          trusted: svc.trusted,
          name: "log",
        });
        try {
          if (!canLock(l)) return false;
        } finally {
          l.close();
        }
      } catch (e) {
        if (refused(e)) return false;
      } finally {
        svc.close();
      }
    }
    return true;
  } finally {
    close(fd);
  }
}

/** True unless making or opening `supervise/lock` for writing is refused. */
function canLock(dir: ServiceDir): boolean {
  try {
    close(openLock(dir));
    return true;
  } catch (e) {
    return !refused(e);
  }
}

/** How to place a tree. */
export interface PlaceOptions {
  /** `always`: mirror it (`svscan --read-only`); `auto`: only when it cannot hold its state. */
  mirror: "always" | "auto";
  /** The environment dt was started with (`DT_RUNTIME_DIR`, `XDG_RUNTIME_DIR`). */
  env: readonly (string | Uint8Array)[];
  /** Warnings (one line each). */
  log: (line: string) => void;
}

/**
 * Places the tree `dir` (see the module doc); a mirror is synced once, so
 * its services are there for the first scan. Throws {@link RuntimeDirError} when
 * no runtime directory can be used, or when the
 * mirror cannot be made (its message names the path and why).
 */
export function placeTree(dir: string, opts: PlaceOptions): PlacedTree {
  if (opts.mirror === "auto" && holdsState(dir)) {
    return { dir: absolute(dir), given: dir, mirror: null };
  }
  const runtime = chooseRuntimeDir({
    DT_RUNTIME_DIR: getEnv(opts.env, "DT_RUNTIME_DIR"),
    XDG_RUNTIME_DIR: getEnv(opts.env, "XDG_RUNTIME_DIR"),
  });
  let mirror: TreeMirror | null = null;
  try {
    mirror = TreeMirror.open(dir, runtime, opts.log);
    mirror.sync();
  } catch (e) {
    mirror?.close();
    const where = e instanceof SysError && e.path !== undefined ? `${e.path}: ` : "";
    throw new RuntimeDirError(`unable to mirror ${dir} in ${runtime}: ${where}${reason(e)}`, e);
  }
  return { dir: mirror.dir, given: dir, mirror };
}

/** `env` with `DT_SERVICES` naming the tree placed (its `dir`), for the services and PROG. */
export function treeEnv(env: readonly Uint8Array[], tree: PlacedTree): Uint8Array[] {
  return mergeEnv(env, [envChange("DT_SERVICES", encodeRaw(tree.dir))]);
}
