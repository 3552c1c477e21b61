/**
 * The scan directory, held as svscan holds the directory it chdir'd into:
 * opened by its path once, at the first scan, and read through that
 * descriptor from then on (a rename of it changes nothing). Its names come
 * as bytes (a name that is not UTF-8 is a service too: lib/common/raw_text.ts),
 * and each service is opened from it, following a symlink only when no other
 * account can write it (lib/sys/held_file.ts).
 *
 * @module
 */
import { SysError } from "../common/errors.ts";
import { close, O } from "../sys/fd.ts";
import { AT_FDCWD, type FileStat, namesAt, tryOpenAt, tryStatAt } from "../sys/dir_fd.ts";
import { ownDirectory } from "../sys/held_file.ts";
import type { DirAt } from "../supervise/service_dir.ts";

/** A scan directory, held from its first read. */
export class ScanDir {
  /** The path as given. */
  readonly path: string;
  #fd = -1;
  #trusted = true;

  /** The scan directory `path`; nothing is opened before {@link names}. */
  constructor(path: string) {
    this.path = path;
  }

  /** Every name in it (opened the first time; throws {@link SysError} when it cannot be). */
  names(): string[] {
    if (this.#fd < 0) {
      const fd = tryOpenAt(AT_FDCWD, this.path, O.RDONLY | O.DIRECTORY);
      if (fd < 0) throw new SysError("open", -fd, this.path);
      const st = tryStatAt(fd, "");
      this.#trusted = typeof st !== "number" && ownDirectory(st);
      this.#fd = fd;
    }
    return namesAt(this.#fd, this.path);
  }

  /** Where service `name` is opened from. */
  at(name: string): DirAt {
    return { fd: this.#fd, trusted: this.#trusted, name };
  }

  /** statx of `name` in it (a symlink followed only when trusted); -errno when it fails. */
  stat(name: string): FileStat | number {
    return tryStatAt(this.#fd, name, this.#trusted);
  }

  /** Lets the directory go. */
  close(): void {
    if (this.#fd >= 0) close(this.#fd);
    this.#fd = -1;
  }
}
