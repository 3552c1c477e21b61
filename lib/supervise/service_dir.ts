/**
 * A service directory held open, as supervise's chdir holds it: the
 * directory's descriptor and, once taken, its `supervise/`'s. Every file the
 * supervisor reads, writes or starts in it is reached through these
 * descriptors (lib/sys/held_file.ts), never by a path that another account
 * could re-point meanwhile. A symlink is followed only where no other
 * account can write the directory that holds it (the scan directory's
 * `web -> /etc/sv/web`, Debian's `supervise -> /var/lib/supervise/web`);
 * in a directory a service's or a log's account owns, a symlink where dt
 * expects a file or `supervise/` is refused with a warning.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { close, O } from "../sys/fd.ts";
import {
  AT_FDCWD,
  fstat,
  mkdirAt,
  namesAt,
  readLinkAt,
  tryOpenAt,
  tryStatAt,
} from "../sys/dir_fd.ts";
import { existsHeld, ownDirectory, readHeld } from "../sys/held_file.ts";
import { FileKindError } from "../common/errors.ts";

/** Where a directory is opened from: a held parent, whether it is trusted, and the name in it. */
export interface DirAt {
  /** The parent's descriptor. */
  readonly fd: number;
  /** True when no other account can write the parent (a symlink in it may be followed). */
  readonly trusted: boolean;
  /** The name in the parent. */
  readonly name: string;
}

/** The largest service file dt reads (a number, a signal name: a few bytes). */
export const SERVICE_FILE_MAX = 4096;

/** A service directory and its `supervise/`, held by descriptor. */
export class ServiceDir {
  /** The directory's path as messages show it. */
  readonly label: string;
  #fd: number;
  /** True when no other account can write the directory. */
  readonly trusted: boolean;
  /** Device and inode (`dev:ino`): the same directory under any name. */
  readonly key: string;
  #sup = -1;
  #supTrusted = false;

  private constructor(label: string, fd: number, trusted: boolean, key: string) {
    this.label = label;
    this.#fd = fd;
    this.trusted = trusted;
    this.key = key;
  }

  /**
   * Opens directory `label` (or `at.name` in a held parent, following a
   * symlink only when the parent is trusted). Throws {@link SysError}
   * (ENOTDIR when it is not a directory) or {@link FileKindError}.
   */
  static open(label: string, at?: DirAt): ServiceDir {
    const follow = at === undefined || at.trusted;
    const flags = O.RDONLY | O.DIRECTORY | (follow ? 0 : O.NOFOLLOW);
    const fd = tryOpenAt(at?.fd ?? AT_FDCWD, at?.name ?? label, flags);
    if (fd === -ERRNO.ELOOP && !follow) throw new FileKindError(label, "symlink", "dir");
    if (fd < 0) throw new SysError("open", -fd, label);
    try {
      const st = fstat(fd, label);
      return new ServiceDir(label, fd, ownDirectory(st), `${st.dev}:${st.ino}`);
    } catch (e) {
      close(fd);
      throw e;
    }
  }

  /** The directory's descriptor (what `./run` is started in); -1 once closed. */
  get fd(): number {
    return this.#fd;
  }

  /** `supervise/`'s descriptor, -1 until {@link openSupervise}. */
  get sup(): number {
    return this.#sup;
  }

  /**
   * Opens `supervise/`; with `create`, makes it (mode 0700) when missing,
   * and, as Debian's supervise does, the missing directory a `supervise`
   * symlink points to (trusted directories only). False when it is not
   * there and not to be created; throws {@link SysError} or
   * {@link FileKindError} when it cannot be had.
   */
  openSupervise(create: boolean): boolean {
    if (this.#sup >= 0) return true;
    const label = `${this.label}/supervise`;
    const flags = O.RDONLY | O.DIRECTORY | (this.trusted ? 0 : O.NOFOLLOW);
    let fd = tryOpenAt(this.fd, "supervise", flags);
    if (fd === -ERRNO.ENOENT && create) {
      const made = mkdirAt(this.fd, "supervise", 0o700);
      if (made === -ERRNO.EEXIST && this.trusted) this.#makeLinkTarget(label);
      else if (made < 0 && made !== -ERRNO.EEXIST) throw new SysError("mkdir", -made, label);
      fd = tryOpenAt(this.fd, "supervise", flags);
    }
    if (fd === -ERRNO.ENOENT && !create) return false;
    if (fd === -ERRNO.ELOOP && !this.trusted) throw new FileKindError(label, "symlink", "dir");
    if (fd < 0) throw new SysError("open", -fd, label);
    try {
      this.#supTrusted = ownDirectory(fstat(fd, label));
    } catch (e) {
      close(fd);
      throw e;
    }
    this.#sup = fd;
    return true;
  }

  /** `supervise` is a symlink to nothing: the directory it names is made (Debian's layout). */
  #makeLinkTarget(label: string): void {
    const target = readLinkAt(this.fd, "supervise");
    if (typeof target === "number") return; // not a link: the open says what it is
    const r = mkdirAt(target.startsWith("/") ? AT_FDCWD : this.fd, target, 0o700);
    if (r < 0 && r !== -ERRNO.EEXIST) throw new SysError("mkdir", -r, `${label} -> ${target}`);
  }

  /** The names in the directory (raw bytes kept); null when it cannot be read. */
  names(): Set<string> | null {
    try {
      return new Set(namesAt(this.#fd));
    } catch {
      return null;
    }
  }

  /** True when `name` exists in the directory (`down`, `finish`, …). */
  has(name: string): boolean {
    return existsHeld(this.fd, name, `${this.label}/${name}`, this.trusted);
  }

  /** Up to {@link SERVICE_FILE_MAX} bytes of the regular file `name`; null when absent. Throws. */
  read(name: string, max = SERVICE_FILE_MAX): Uint8Array | null {
    return readHeld(this.fd, name, max, { label: `${this.label}/${name}`, follow: this.trusted });
  }

  /** Up to `max` bytes of the regular file `name` in `supervise/`; null when absent. Throws. */
  readSupervise(name: string, max: number): Uint8Array | null {
    if (this.#sup < 0) return null;
    return readHeld(this.#sup, name, max, {
      label: `${this.label}/supervise/${name}`,
      follow: false,
    });
  }

  /** True when `supervise/` is trusted (made by this process's account, writable by no other). */
  get superviseTrusted(): boolean {
    return this.#supTrusted;
  }

  /** The mode bits and kind of `name` in the directory, or null when absent (for `run`'s check). */
  stat(name: string): { kind: string; mode: number } | null {
    const r = tryStatAt(this.fd, name, this.trusted);
    if (typeof r !== "number") return r;
    if (r === -ERRNO.ENOENT) return null;
    throw new SysError("stat", -r, `${this.label}/${name}`);
  }

  /** Closes both descriptors (once). */
  close(): void {
    if (this.#sup >= 0) close(this.#sup);
    if (this.#fd >= 0) close(this.#fd);
    this.#sup = this.#fd = -1;
  }
}
