/**
 * Files in a directory that another account may write (a service's, a log
 * account's), as root must touch them: through the directory's descriptor,
 * never waiting (O_NONBLOCK: a FIFO planted where a file belongs cannot hold
 * the event loop), following a symlink only when the caller trusts the
 * directory, and checking with fstat that what was opened is the kind of
 * file expected. A file root writes is always a new inode it made itself
 * (unlink, then O_CREAT|O_EXCL), never one it truncates: a hard link planted
 * under that name is removed, not written through.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { FileKindError, SysError } from "../common/errors.ts";
import { close, O, writeAll } from "./fd.ts";
import { withSpare } from "./fd_reserve.ts";
import {
  type FileKind,
  fstat,
  readUpTo,
  renameAtAsync,
  tryOpenAt,
  tryStatAt,
  unlinkAt,
} from "./dir_fd.ts";

/**
 * A service directory as its supervisor holds it: the directory's
 * descriptor, its `supervise/`'s, and whether another account can write the
 * directory (then a symlink in it is not followed).
 */
export interface HeldService {
  /** The directory's descriptor. */
  readonly fd: number;
  /** `supervise/`'s descriptor. */
  readonly sup: number;
  /** True when no other account can write the directory. */
  readonly trusted: boolean;
  /** The directory's path as messages show it. */
  readonly label: string;
}

/** True when no account but this process's can write into a directory of this owner and mode. */
export function ownDirectory(
  st: { uid: number; mode: number },
  uid: number = Deno.uid() ?? -1,
): boolean {
  return st.uid === uid && (st.mode & 0o022) === 0;
}

/** How to open a held file. */
export interface HeldOpen {
  /** The path as messages show it. */
  label: string;
  /** Follow a symlink in the last step (only where no other account writes the directory). */
  follow?: boolean;
  /** The kind of file expected; anything else is refused with {@link FileKindError}. */
  kind: FileKind;
}

/**
 * openat(2) of `name` in `dirfd` with O_NONBLOCK (and O_NOFOLLOW unless
 * `follow`), then fstat: a file of another kind is closed and refused.
 * -ENOENT when there is none; throws {@link SysError} or
 * {@link FileKindError} otherwise.
 */
export function openHeld(dirfd: number, name: string, flags: number, o: HeldOpen): number {
  const fd = tryOpenAt(dirfd, name, flags | O.NONBLOCK | (o.follow ? 0 : O.NOFOLLOW));
  if (fd === -ERRNO.ENOENT) return fd;
  if (fd === -ERRNO.ELOOP && !o.follow) throw new FileKindError(o.label, "symlink", o.kind);
  if (fd < 0) throw new SysError("open", -fd, o.label);
  let kind: FileKind;
  try {
    kind = fstat(fd, o.label).kind;
  } catch (e) {
    close(fd);
    throw e;
  }
  if (kind !== o.kind) {
    close(fd);
    throw new FileKindError(o.label, kind, o.kind);
  }
  return fd;
}

/**
 * Up to `max` bytes of the regular file `name` in `dirfd` (see
 * {@link openHeld}); null when there is none.
 */
export function readHeld(
  dirfd: number,
  name: string,
  max: number,
  o: Omit<HeldOpen, "kind">,
): Uint8Array | null {
  const fd = openHeld(dirfd, name, O.RDONLY, { ...o, kind: "file" });
  if (fd < 0) return null;
  try {
    return readUpTo(fd, max, o.label);
  } finally {
    close(fd);
  }
}

/** True when `name` exists in `dirfd` (a symlink itself, unless `follow`). Throws for errors but ENOENT. */
export function existsHeld(dirfd: number, name: string, label: string, follow = false): boolean {
  const r = tryStatAt(dirfd, name, follow);
  if (typeof r !== "number") return true;
  if (r === -ERRNO.ENOENT) return false;
  throw new SysError("stat", -r, label);
}

/**
 * A new regular file `name` in `dirfd`, made by this process (whatever was
 * under that name is unlinked first; O_EXCL|O_NOFOLLOW): its descriptor,
 * for writing. Throws {@link SysError} naming `label`.
 */
function createFresh(dirfd: number, name: string, mode: number, label: string): number {
  unlinkAt(dirfd, name);
  const fd = tryOpenAt(dirfd, name, O.WRONLY | O.CREAT | O.EXCL | O.NOFOLLOW | O.NONBLOCK, mode);
  if (fd < 0) throw new SysError("open", -fd, label);
  return fd;
}

/**
 * Replaces `name` in `dirfd` with a file holding `bytes`, atomically: a fresh
 * `name.new` ({@link createFresh}) renamed over it off the JS thread. Rejects
 * with {@link SysError} (`open`, `write` or `rename`) naming `label`.
 */
export async function replaceHeld(
  dirfd: number,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
  mode: number,
  label: string,
): Promise<void> {
  const tmp = `${name}.new`;
  // the one descriptor this needs comes from the spare when the process has run out
  const fd = withSpare(() => createFresh(dirfd, tmp, mode, `${label}.new`));
  try {
    writeAll(fd, bytes);
  } catch (e) {
    throw e instanceof SysError ? new SysError("write", e.errno, `${label}.new`) : e;
  } finally {
    close(fd);
  }
  const r = await renameAtAsync(dirfd, tmp, name);
  if (r !== 0) throw new SysError("rename", -r, `${label}.new`);
}
