/**
 * One log directory, kept exactly as daemontools 0.76 keeps it: `lock`
 * (flock), `current` (mode 0644 while written, 0744 = finished),
 * `previous`/`processed`/`state`/`newstate` around a processor, rotated
 * files `@<tai64n>.s` (or `.u` when possibly incomplete after a crash), and
 * at most `num` log files. Every step that can fail for a while warns and
 * retries, as multilog does; steps run in multilog's order, so a crash at
 * any moment leaves a directory that the next start recovers.
 *
 * The steps of a rotation (and of the writes) run off the JS thread, with
 * the logger's rights (files.ts `pathSteps`): a directory on a stalled disk
 * holds up its own logger, never the scanner. The start (making, locking
 * and recovering the directory) takes its steps on the JS thread.
 *
 * Naming and pruning finished files (multilog's `finish`) is old_logs.ts;
 * running a processor, processor.ts.
 *
 * @module
 */
import { lockFile } from "../sys/lock.ts";
import { close as closeFd, O } from "../sys/fd.ts";
import { fsyncAsync, startWriteback } from "../sys/fsync.ts";
import { preadAsync, writeSomeAsync } from "../sys/offset_io.ts";
import { offThread, onThisThread, type PathCalls } from "../sys/path_async.ts";
import { ERRNO } from "../common/errno.ts";
import { isErrno, reason, SysError } from "../common/errors.ts";
import { sleep } from "../common/long_timer.ts";
import { Stamper } from "../tai64n/stamp.ts";
import type { DirSpec } from "./script.ts";
import { MultilogError } from "./errors.ts";
import {
  asAccount,
  type FileContext,
  liveOrCancelled,
  makeDir,
  openAppend,
  openAppendWith,
  openTrunc,
  pathSteps,
  retry,
} from "./files.ts";
import { finishFile, type LogDirPlace } from "./old_logs.ts";
import { runProcessor } from "./processor.ts";

/**
 * What a rotation tells its watcher (the log journal), once the new
 * `current` exists and before the old one is processed, linked or removed.
 */
export interface Rotated {
  /** Inode and size of the file that was `current`. */
  ino: number;
  size: number;
  /** Newlines in that file from byte `from` to its end (read back; -1 when it cannot be read). */
  linesFrom(from: number): Promise<number>;
  /** The new `current` (null when it could not be looked at). */
  next: { ino: number; size: number } | null;
}

/** Start the write-back of `current` after this many bytes (a rotation's fsync is then short). */
const WRITEBACK_STEP = 1 << 20;

/** A log directory opened by the engine. */
export class LogDir {
  /** The script's spelling, used in messages. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  readonly #spec: DirSpec;
  readonly #ctx: FileContext;
  readonly #steps: PathCalls;
  /** The same steps on the JS thread, for the start (as multilog's `restart`). */
  readonly #startSteps: PathCalls;
  readonly #onRotate: ((r: Rotated) => Promise<void>) | null;
  readonly #stamper = new Stamper();
  #current = -1;
  /** Inode of `current` (-1: not known) and its size, as this logger made it. */
  #ino = -1;
  #size = 0;
  #unsynced = 0;
  #lockFd = -1;
  /** The rotation under way. */
  #rotation: Promise<void> | null = null;

  /**
   * `onRotate` is called in each rotation once the new `current` exists,
   * before the old one is processed or finished; the rotation waits for it.
   */
  constructor(
    spec: DirSpec,
    base: string,
    ctx: FileContext,
    onRotate?: (r: Rotated) => Promise<void>,
  ) {
    this.#spec = spec;
    this.name = spec.path;
    this.path = spec.path.startsWith("/") ? spec.path : `${base}/${spec.path}`;
    this.#ctx = ctx;
    this.#steps = pathSteps(ctx.account);
    this.#startSteps = onThisThread((step) => asAccount(ctx, step));
    this.#onRotate = onRotate ?? null;
  }

  /** The path of `file` in this directory. */
  #pathOf(file: string): string {
    return `${this.path}/${file}`;
  }

  /**
   * Inode and size of the `current` being written now (null while none is
   * open): known to this logger, nothing is asked of the disk.
   */
  currentFile(): { ino: number; size: number } | null {
    if (this.#current < 0 || this.#ino < 0) return null;
    return { ino: this.#ino, size: this.#size };
  }

  /** {@link currentFile} once no rotation is under way: where the next bytes go. */
  async nextCurrent(): Promise<{ ino: number; size: number } | null> {
    while (this.#rotation !== null) await this.#rotation.catch(() => {});
    return this.currentFile();
  }

  /** A synchronous path step, with the log account's rights. */
  #asLogAccount<T>(step: () => T): T {
    return asAccount(this.#ctx, step);
  }

  /** What the steps in old_logs.ts and processor.ts need of this directory. */
  get #place(): LogDirPlace {
    return { name: this.name, path: this.path, ctx: this.#ctx };
  }

  /**
   * multilog's `restart`: makes and locks the directory and recovers what a
   * previous run left. Returns the size of `current` (multilog's `bytes`).
   * Throws {@link MultilogError} when the directory cannot be used.
   */
  async open(): Promise<number> {
    const n = this.name;
    this.#asLogAccount(() => makeDir(this.path));
    try {
      // a file, FIFO or device there: the kernel's ENOTDIR, as multilog's open of the directory
      this.#asLogAccount(() => Deno.readDirSync(this.path)[Symbol.iterator]().next());
    } catch (e) {
      throw MultilogError.of(`unable to open directory ${n}: `, e);
    }
    try {
      this.#lockFd = this.#asLogAccount(() => lockFile(this.#pathOf("lock")));
    } catch (e) {
      this.close();
      throw MultilogError.of(`unable to lock directory ${n}: `, e);
    }
    try {
      const bytes = await this.#recover();
      // (on this thread, as the rest of the start: the blocking pool may be busy with a scanner's
      // start-up, hundreds of status files renamed, and every logger's start would wait behind it)
      await this.#noteCurrent(this.#startSteps);
      return bytes;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Learns the inode and size of the `current` just opened (off the JS thread unless `steps` say). */
  async #noteCurrent(steps = this.#steps): Promise<void> {
    this.#ino = -1;
    try {
      const st = await steps.fstat(this.#current);
      this.#ino = st.ino;
      this.#size = st.size;
    } catch { /* unknown: the log journal records nothing while so (lines taken at least once) */ }
  }

  async #recover(): Promise<number> {
    const n = this.name;
    let st: Deno.FileInfo | null = null;
    try {
      st = this.#asLogAccount(() => Deno.statSync(this.#pathOf("current")));
    } catch (e) {
      if (!isErrno(e, "ENOENT")) throw MultilogError.of(`unable to stat ${n}/current: `, e);
    }
    if (st !== null && (st.mode! & 0o100)) {
      // finished cleanly: carry on appending to it
      this.#current = this.#fatal(
        `unable to append to ${n}/current: `,
        () => openAppend(this.#pathOf("current")),
      );
      this.#fatal(
        `unable to set mode of ${n}/current: `,
        () => Deno.chmodSync(this.#pathOf("current"), 0o644),
      );
      return st.size;
    }
    this.#unlinkQuiet("state");
    this.#unlinkQuiet("newstate");
    let processed = false;
    try {
      processed = (this.#asLogAccount(() =>
        Deno.statSync(this.#pathOf("processed"))
      ).mode! & 0o100) !== 0;
    } catch (e) {
      if (!isErrno(e, "ENOENT")) throw MultilogError.of(`unable to stat ${n}/processed: `, e);
    }
    const steps = this.#startSteps;
    if (processed) {
      this.#unlinkQuiet("previous");
      await this.#finish("processed", "s", steps);
    } else {
      this.#unlinkQuiet("processed");
      await this.#finish("previous", "u", steps);
    }
    await this.#finish("current", "u", steps);
    this.#fatal(
      `unable to write to ${n}/state: `,
      () => closeFd(openTrunc(this.#pathOf("state"))),
    );
    this.#current = this.#fatal(
      `unable to write to ${n}/current: `,
      () => openAppend(this.#pathOf("current")),
    );
    this.#fatal(
      `unable to set mode of ${n}/current: `,
      () => Deno.chmodSync(this.#pathOf("current"), 0o644),
    );
    return 0;
  }

  /** A path step that ends the logger when it fails. */
  #fatal<T>(what: string, step: () => T): T {
    try {
      return this.#asLogAccount(step);
    } catch (e) {
      throw MultilogError.of(what, e);
    }
  }

  #unlinkQuiet(file: string): void {
    try {
      this.#asLogAccount(() => Deno.removeSync(this.#pathOf(file)));
    } catch { /* as unlink() with the result ignored */ }
  }

  /**
   * Appends `bytes` to `current` (off the JS thread), warning and pausing
   * while that fails, and starts their write-back to disk every
   * {@link WRITEBACK_STEP} bytes.
   */
  async write(bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    let off = 0;
    const fd = this.#current;
    while (off < bytes.length) {
      liveOrCancelled(this.#ctx);
      const w = await writeSomeAsync(fd, off === 0 ? bytes : bytes.subarray(off));
      liveOrCancelled(this.#ctx);
      if (w > 0) {
        off += w;
        this.#size += w;
      } else if (w !== -ERRNO.EINTR) {
        this.#ctx.warn(
          `unable to write to ${this.name}/current, pausing: ${reason(new SysError("write", -w))}`,
        );
        await sleep(this.#ctx.pauseMs);
      }
    }
    this.#unsynced += bytes.length;
    if (this.#unsynced >= WRITEBACK_STEP) {
      this.#unsynced = 0;
      await startWriteback(fd);
    }
  }

  /**
   * multilog's `fullcurrent`: `current` is done; rotate it (and run the
   * processor). Every step runs off the JS thread.
   */
  rotate(): Promise<void> {
    const rotation = this.#rotate();
    this.#rotation = rotation;
    const over = () => {
      if (this.#rotation === rotation) this.#rotation = null;
    };
    rotation.then(over, over);
    return rotation;
  }

  async #rotate(): Promise<void> {
    const n = this.name, ctx = this.#ctx, steps = this.#steps, old = this.#current;
    await retry(ctx, `unable to write ${n}/current to disk, pausing: `, () => fsyncAsync(old));
    liveOrCancelled(this.#ctx);
    const was = { ino: this.#ino, size: this.#size };
    this.#current = -1;
    // the old file stays open until the journal has read it back: multilog closes it here
    try {
      await retry(
        ctx,
        `unable to rename current to previous in directory ${n}, pausing: `,
        () => steps.rename(this.#pathOf("current"), this.#pathOf("previous")),
      );
      this.#current = await this.#open(`unable to create ${n}/current, pausing: `, "current");
      await this.#noteCurrent();
      await this.#fchmod(this.#current, "current", 0o644);
      await this.#fchmod(old, "previous", 0o744);
      if (this.#onRotate !== null && was.ino >= 0) {
        await this.#onRotate({
          ...was,
          linesFrom: (from) => linesIn(old, from),
          next: this.currentFile(),
        });
      }
    } finally {
      closeFd(old);
    }
    if (this.#spec.processor === null) {
      await this.#finish("previous", "s");
      return;
    }
    await runProcessor(this.#place, this.#spec.processor);
    await this.#syncClose("processed", 0o744);
    await this.#syncClose("newstate", null);
    await retry(
      ctx,
      `unable to remove ${n}/previous, pausing: `,
      () => steps.unlink(this.#pathOf("previous")),
    );
    await retry(
      ctx,
      `unable to rename newstate to state in directory ${n}, pausing: `,
      () => steps.rename(this.#pathOf("newstate"), this.#pathOf("state")),
    );
    await this.#finish("processed", "s");
  }

  /** open_append of `file` (retried as multilog does); the descriptor. */
  #open(what: string, file: string): Promise<number> {
    return retry(this.#ctx, what, () => openAppendWith(this.#steps, this.#pathOf(file)), closeFd);
  }

  /** multilog's fchmod of `fd`, which is `file` (retried). */
  #fchmod(fd: number, file: string, mode: number): Promise<void> {
    return retry(
      this.#ctx,
      `unable to set mode of ${this.name}/${file}, pausing: `,
      () => this.#steps.fchmod(fd, mode, this.#pathOf(file)),
    );
  }

  async #syncClose(file: string, mode: number | null): Promise<void> {
    const n = this.name, ctx = this.#ctx;
    const fd = await this.#open(`unable to create ${n}/${file}, pausing: `, file);
    try {
      await retry(ctx, `unable to write ${n}/${file} to disk, pausing: `, () => fsyncAsync(fd));
      if (mode !== null) await this.#fchmod(fd, file, mode);
    } finally {
      closeFd(fd);
    }
  }

  /** multilog's `finish` of `file` (old_logs.ts), through `steps`. */
  #finish(file: string, code: string, steps = this.#steps): Promise<void> {
    return finishFile(this.#place, this.#spec.num, this.#stamper, file, code, steps);
  }

  /** multilog's `c_quit` for this directory: `current` to disk and marked finished. */
  async finishCurrent(): Promise<void> {
    const cur = this.#current;
    if (cur === -1) return;
    await retry(
      this.#ctx,
      `unable to write ${this.name}/current to disk, pausing: `,
      () => fsyncAsync(cur),
    );
    await this.#fchmod(cur, "current", 0o744);
  }

  /** Closes `current` and gives up the lock. */
  close(): void {
    if (this.#current !== -1) closeFd(this.#current);
    this.#current = -1;
    if (this.#lockFd !== -1) closeFd(this.#lockFd);
    this.#lockFd = -1;
  }
}

/**
 * Newlines in the file open as `fd` (for writing) from byte `from` to its
 * end, read back through a descriptor of its own opened on the worker
 * thread; -1 when it cannot be read.
 */
async function linesIn(fd: number, from: number): Promise<number> {
  let rd: number;
  try {
    rd = await offThread.open(`/proc/self/fd/${fd}`, O.RDONLY | O.CLOEXEC, 0);
  } catch {
    return -1;
  }
  try {
    const buf = new Uint8Array(new ArrayBuffer(64 << 10));
    let lines = 0;
    for (let at = from;;) {
      const r = await preadAsync(rd, buf, at);
      if (r < 0) return -1;
      if (r === 0) return lines;
      const got = buf.subarray(0, r);
      for (let i = got.indexOf(10); i !== -1; i = got.indexOf(10, i + 1)) lines++;
      at += r;
    }
  } finally {
    closeFd(rd);
  }
}
