/**
 * A mirror of a service tree in the runtime directory, for a tree that
 * cannot hold `supervise/` (a read-only image, a tree another account owns).
 * The mirror of `/srv/services` is `RUNTIME/srv/services`: one directory per
 * service, made by this process's account, holding a symbolic link to each of
 * the image's files (`run`, `finish`, `down`, `env/`, `notification-fd`…)
 * and, for `log/`, a directory of its own with links to the image's
 * `log/run`, `log/env/`…. What is state is the mirror's own: `supervise/`,
 * `log/supervise/`, and the logger's relative directories (`log/main`, and
 * each `./DIR` or `=FILE` a canonical `log/run` names); an absolute one
 * (`multilog t /var/log/web`) stays as the script gives it.
 *
 * The scanner runs on the mirror. The mirror's directories belong to this
 * process's account and no other may write them, so the supervisors follow
 * the links (lib/supervise/service_dir.ts): `./run` is the image's, started
 * in the mirror's directory, where `./env`, `./data`… name the image's too.
 *
 * {@link TreeMirror.sync} runs before each scan: it adds what the image
 * added, points the links again, removes a link whose file is gone, and
 * takes a service whose directory is gone out of the scan (renamed to
 * `.NAME.INODE`: its supervisor and process live on, as under svscan, until
 * `svc -dx`). It never touches what is not a link it made, so a scanner
 * started again on the same runtime directory finds `supervise/` as the last
 * one left it, and adopts.
 *
 * What is followed in the image is what the scanner would follow in place:
 * a symbolic link in a directory an account other than root and this
 * process's may write is not mirrored (one warning).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { FileKindError, reason, SysError } from "../common/errors.ts";
import { decodeRaw } from "../common/raw_text.ts";
import { close, O } from "../sys/fd.ts";
import {
  AT_FDCWD,
  type FileStat,
  fstat,
  mkdirAt,
  namesAt,
  readLinkAt,
  renameAt,
  symlinkAt,
  tryOpenAt,
  tryStatAt,
  unlinkAt,
} from "../sys/dir_fd.ts";
import { ownDirectory, readHeld } from "../sys/held_file.ts";
import { recogniseLogRun } from "../logger/recognise.ts";
import { RUN_MAX } from "../logger/plan.ts";
import { parseScript } from "../multilog/script.ts";
import { RuntimeDirError } from "./runtime_dir.ts";
import { type ScanWatch, watchScanDir } from "./watch.ts";

/** Names in a service directory that are the mirror's own, never links to the image. */
const SERVICE_STATE = new Set(["supervise", "log"]);
/** Names in `log/` that are the mirror's own, whatever `log/run` says. */
const LOG_STATE = ["supervise", "main"];

/**
 * True when no account but root and `uid` can write a directory of this
 * owner and mode: a symbolic link in it is the admin's, and followed.
 */
export function adminDirectory(st: { uid: number; mode: number }, uid: number): boolean {
  return ownDirectory(st, uid) || ownDirectory(st, 0);
}

/**
 * The names in `log/` that a canonical `log/run` (text) writes to by a
 * relative path — the first step of each `./DIR` and `=FILE` — besides
 * `supervise` and `main` (pure).
 *
 * @example
 * ```ts
 * logStateNames("#!/bin/sh\nexec multilog t ./main =status ./debug/x\n");
 * // ["supervise", "main", "status", "debug"]
 * ```
 */
export function logStateNames(run: string | null): string[] {
  const out = [...LOG_STATE];
  const logger = run === null ? null : recogniseLogRun(run);
  if (logger === null) return out;
  const s = parseScript(logger.script);
  for (const p of [...s.dirs.map((d) => d.path), ...s.statusFiles]) {
    if (p.startsWith("/")) continue; // stays as given
    const first = p.split("/").find((step) => step !== "" && step !== ".");
    if (first !== undefined && first !== ".." && !out.includes(first)) out.push(first);
  }
  return out;
}

/** A service tree mirrored in a runtime directory; see the module doc. */
export class TreeMirror {
  /** The tree mirrored: an absolute path, symbolic links resolved. */
  readonly source: string;
  /** The mirror: what the scanner scans, and where `dt svc` reaches a service. */
  readonly dir: string;
  #srcFd: number;
  #dirFd: number;
  readonly #srcTrusted: boolean;
  readonly #uid: number;
  readonly #log: (line: string) => void;
  /** Warnings given already: each is said once, not at every scan. */
  readonly #warned = new Set<string>();
  /** The watch of the tree (inotify), or null. */
  #watch: ScanWatch | null = null;

  private constructor(
    source: string,
    dir: string,
    srcFd: number,
    dirFd: number,
    uid: number,
    log: (line: string) => void,
  ) {
    this.source = source;
    this.dir = dir;
    this.#srcFd = srcFd;
    this.#dirFd = dirFd;
    this.#uid = uid;
    this.#log = log;
    this.#srcTrusted = adminDirectory(fstat(srcFd, source), uid);
  }

  /**
   * The mirror of `source` in `runtime` (made, each step a directory of this
   * account's; nothing mirrored until {@link sync}). Throws {@link SysError}
   * or {@link FileKindError} when either cannot be had.
   */
  static open(
    source: string,
    runtime: string,
    log: (line: string) => void,
    uid: number = Deno.uid() ?? -1,
  ): TreeMirror {
    const abs = Deno.realPathSync(source);
    const steps = abs.split("/").filter((s) => s !== "");
    const root = runtime.replace(/\/+$/, "");
    const dir = steps.length ? `${root}/${steps.join("/")}` : (root || "/");
    let fd = openOwnDir(AT_FDCWD, root || "/", root || "/", uid, false);
    try {
      let at = root;
      for (const step of steps) {
        at = `${at}/${step}`;
        const next = openOwnDir(fd, step, at, uid, true);
        close(fd);
        fd = next;
      }
    } catch (e) {
      close(fd);
      throw e;
    }
    const src = tryOpenAt(AT_FDCWD, abs, O.RDONLY | O.DIRECTORY);
    if (src < 0) {
      close(fd);
      throw new SysError("open", -src, abs);
    }
    try {
      return new TreeMirror(abs, dir, src, fd, uid, log);
    } catch (e) {
      close(src);
      close(fd);
      throw e;
    }
  }

  /**
   * Brings the mirror up to date with the tree (see the module doc). Throws
   * {@link SysError} when the tree cannot be read; a service that cannot be
   * mirrored is reported (once) and the others go on.
   */
  sync(): void {
    if (this.#srcFd < 0) return;
    const names = namesAt(this.#srcFd, this.source);
    const present = new Set<string>();
    for (const name of names) {
      if (name.startsWith(".")) continue;
      present.add(name);
      try {
        this.#service(name);
      } catch (e) {
        this.#warn(`svscan: warning: unable to mirror ${this.source}/${name}: ${reason(e)}`);
      }
    }
    for (const name of namesAt(this.#dirFd, this.dir)) {
      if (name.startsWith(".") || present.has(name)) continue;
      this.#retire(name);
    }
  }

  /**
   * Calls `onChange` after each change inotify sees in the tree (a service
   * added or removed, a `log/` made); nothing when inotify cannot be had.
   */
  watch(onChange: () => void): void {
    try {
      this.#watch ??= watchScanDir(this.source, onChange);
    } catch { /* the periodic rescan syncs the mirror */ }
  }

  /** False when a change in the tree may go unseen (no watch, or one incomplete): rescan then. */
  get watched(): boolean {
    return this.#watch !== null && this.#watch.complete;
  }

  /** Stops watching the tree. */
  unwatch(): void {
    this.#watch?.close();
    this.#watch = null;
  }

  /** Closes the held directories (and the watch). */
  close(): void {
    this.unwatch();
    if (this.#srcFd >= 0) close(this.#srcFd);
    if (this.#dirFd >= 0) close(this.#dirFd);
    this.#srcFd = this.#dirFd = -1;
  }

  #warn(line: string): void {
    if (this.#warned.has(line)) return;
    this.#warned.add(line);
    this.#log(line);
  }

  #notFollowed(label: string): void {
    this.#warn(
      `svscan: warning: ${label}: a symbolic link in a directory another account can write: not followed`,
    );
  }

  /** Mirrors service `name`: its directory, its links, and its `log/`. */
  #service(name: string): void {
    const label = `${this.source}/${name}`;
    const st = tryStatAt(this.#srcFd, name, this.#srcTrusted);
    if (typeof st === "number") throw new SysError("stat", -st);
    if (st.kind === "symlink") return this.#notFollowed(label);
    if (st.kind !== "dir") return;
    const sfd = openSourceDir(this.#srcFd, name, this.#srcTrusted, label);
    try {
      const trusted = adminDirectory(fstat(sfd, label), this.#uid);
      const mfd = openOwnDir(this.#dirFd, name, `${this.dir}/${name}`, this.#uid, true);
      try {
        this.#links(sfd, trusted, mfd, label, SERVICE_STATE);
        const log = tryStatAt(sfd, "log", trusted);
        if (typeof log === "number") return;
        if (log.kind === "symlink") return this.#notFollowed(`${label}/log`);
        if (log.kind === "dir") this.#logDir(sfd, trusted, mfd, name);
      } finally {
        close(mfd);
      }
    } finally {
      close(sfd);
    }
  }

  /** Mirrors a service's `log/` (a directory of the mirror's, links to the image's files). */
  #logDir(sfd: number, trusted: boolean, mfd: number, name: string): void {
    const label = `${this.source}/${name}/log`;
    const lfd = openSourceDir(sfd, "log", trusted, label);
    try {
      const logTrusted = adminDirectory(fstat(lfd, label), this.#uid);
      let run: string | null = null;
      try {
        const b = readHeld(lfd, "run", RUN_MAX, { label: `${label}/run`, follow: logTrusted });
        run = b === null ? null : decodeRaw(b);
      } catch { /* no canonical logger to read: supervise says why at its start */ }
      const mlfd = openOwnDir(mfd, "log", `${this.dir}/${name}/log`, this.#uid, true);
      try {
        this.#links(lfd, logTrusted, mlfd, label, new Set(logStateNames(run)));
      } finally {
        close(mlfd);
      }
    } finally {
      close(lfd);
    }
  }

  /**
   * Makes `mfd` hold a link to each file of `sfd` (whose path is `base`) but
   * those in `own`; removes the links this mirror made whose file is gone.
   */
  #links(sfd: number, trusted: boolean, mfd: number, base: string, own: Set<string>): void {
    const want = new Map<string, string>();
    for (const n of namesAt(sfd, base)) {
      if (own.has(n)) continue;
      if (!trusted) {
        const st = tryStatAt(sfd, n, false);
        if (typeof st !== "number" && st.kind === "symlink") {
          this.#notFollowed(`${base}/${n}`);
          continue;
        }
      }
      want.set(n, `${base}/${n}`);
    }
    for (const [n, target] of want) {
      const now = readLinkAt(mfd, n);
      if (now === target) continue;
      const at = `${base}/${n}`;
      if (now === -ERRNO.ENOENT) {
        const r = symlinkAt(target, mfd, n);
        if (r < 0 && r !== -ERRNO.EEXIST) throw new SysError("symlink", -r, at);
      } else if (typeof now === "string") {
        // a link to elsewhere (the tree moved): pointed again in one step
        const tmp = `.${n}.dt-new`;
        unlinkAt(mfd, tmp);
        const r = symlinkAt(target, mfd, tmp);
        if (r < 0) throw new SysError("symlink", -r, at);
        const m = renameAt(mfd, tmp, n);
        if (m < 0) throw new SysError("rename", -m, at);
      } // anything else (a file a service made there) is the runtime's: left alone
    }
    for (const n of namesAt(mfd, base)) {
      if (want.has(n) || own.has(n)) continue;
      const now = readLinkAt(mfd, n);
      if (typeof now === "string" && now === `${base}/${n}`) unlinkAt(mfd, n);
    }
  }

  /** A service whose directory left the tree leaves the scan: renamed to `.NAME.INODE`. */
  #retire(name: string): void {
    const st = tryStatAt(this.#dirFd, name, false);
    if (typeof st === "number" || st.kind !== "dir") return;
    const r = renameAt(this.#dirFd, name, `.${name}.${st.ino}`);
    if (r < 0) {
      this.#warn(
        `svscan: warning: unable to retire ${this.dir}/${name}: ${
          reason(new SysError("rename", -r))
        }`,
      );
    }
  }
}

/** A directory of the image, opened in its held parent (a link followed only in a trusted one). */
function openSourceDir(parent: number, name: string, trusted: boolean, label: string): number {
  const fd = tryOpenAt(parent, name, O.RDONLY | O.DIRECTORY | (trusted ? 0 : O.NOFOLLOW));
  if (fd === -ERRNO.ELOOP && !trusted) throw new FileKindError(label, "symlink", "dir");
  if (fd < 0) throw new SysError("open", -fd, label);
  return fd;
}

/**
 * `name` in `parent`, made (0755) when `create` and missing, opened without
 * following a link; it must be this account's and writable by no other.
 */
function openOwnDir(
  parent: number,
  name: string,
  label: string,
  uid: number,
  create: boolean,
): number {
  if (create) {
    const r = mkdirAt(parent, name, 0o755);
    if (r < 0 && r !== -ERRNO.EEXIST) throw new SysError("mkdir", -r, label);
  }
  const fd = tryOpenAt(parent, name, O.RDONLY | O.DIRECTORY | O.NOFOLLOW);
  if (fd === -ERRNO.ELOOP) throw new FileKindError(label, "symlink", "dir");
  if (fd < 0) throw new SysError("open", -fd, label);
  let st: FileStat;
  try {
    st = fstat(fd, label);
  } catch (e) {
    close(fd);
    throw e;
  }
  if (!ownDirectory(st, uid)) {
    close(fd);
    throw new RuntimeDirError(`${label}: not a directory of this account's alone`);
  }
  return fd;
}
