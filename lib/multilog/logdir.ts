/**
 * One log directory, kept exactly as daemontools 0.76 keeps it: `lock`
 * (flock), `current` (mode 0644 while written, 0744 = finished),
 * `previous`/`processed`/`state`/`newstate` around a processor, rotated
 * files `@<tai64n>.s` (or `.u` when possibly incomplete after a crash), and
 * at most `num` log files. Every step that can fail for a while warns and
 * retries, as multilog does; steps run in multilog's order, so a crash at
 * any moment leaves a directory that the next start recovers.
 *
 * @module
 */
import { lockFile } from "../sys/lock.ts";
import { spawn } from "../sys/spawn.ts";
import { waitChild } from "../sys/reaper.ts";
import { close as closeFd, O, open as openFd, writeSomeAsync } from "../sys/fd.ts";
import { fsyncAsync, startWriteback } from "../sys/fsync.ts";
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { STAMP_LEN, Stamper } from "../tai64n/stamp.ts";
import type { DirSpec } from "./script.ts";
import { MultilogError } from "./errors.ts";
import { reason } from "../common/errors.ts";
import {
  asAccount,
  Cancelled,
  type FileContext,
  isMissing,
  makeDir,
  openAppend,
  openTrunc,
  retry,
  retryPath,
  sleep,
} from "./files.ts";

const dec = new TextDecoder();

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
  readonly #stamper = new Stamper();
  #current = -1;
  #unsynced = 0;
  #lockFd = -1;

  constructor(spec: DirSpec, base: string, ctx: FileContext) {
    this.#spec = spec;
    this.name = spec.path;
    this.path = spec.path.startsWith("/") ? spec.path : `${base}/${spec.path}`;
    this.#ctx = ctx;
  }

  #p(file: string): string {
    return `${this.path}/${file}`;
  }

  /** Inode and size of the `current` being written now (null while none is open). */
  currentFile(): { ino: number; size: number } | null {
    if (this.#current < 0) return null;
    try {
      // the open file itself, whatever its name is by now (no disk access: procfs)
      const st = Deno.statSync(`/proc/self/fd/${this.#current}`);
      return st.ino === null ? null : { ino: st.ino, size: st.size };
    } catch {
      return null;
    }
  }

  /** A synchronous path step, with the log account's rights. */
  #fs<T>(step: () => T): T {
    return asAccount(this.#ctx, step);
  }

  /**
   * multilog's `restart`: makes and locks the directory and recovers what a
   * previous run left. Returns the size of `current` (multilog's `bytes`).
   * Throws {@link MultilogError} when the directory cannot be used.
   */
  async open(): Promise<number> {
    const n = this.name;
    this.#fs(() => makeDir(this.path));
    try {
      this.#fs(() => {
        const st = Deno.statSync(this.path);
        if (!st.isDirectory) {
          throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
        }
        Deno.readDirSync(this.path)[Symbol.iterator]().next();
      });
    } catch (e) {
      throw MultilogError.of(`unable to open directory ${n}: `, e);
    }
    try {
      this.#lockFd = this.#fs(() => lockFile(this.#p("lock")));
    } catch (e) {
      this.close();
      throw MultilogError.of(`unable to lock directory ${n}: `, e);
    }
    try {
      return await this.#recover();
    } catch (e) {
      this.close();
      throw e;
    }
  }

  async #recover(): Promise<number> {
    const n = this.name;
    let st: Deno.FileInfo | null = null;
    try {
      st = this.#fs(() => Deno.statSync(this.#p("current")));
    } catch (e) {
      if (!isMissing(e)) throw MultilogError.of(`unable to stat ${n}/current: `, e);
    }
    if (st !== null && (st.mode! & 0o100)) {
      // finished cleanly: carry on appending to it
      this.#current = this.#fatal(
        `unable to append to ${n}/current: `,
        () => openAppend(this.#p("current")),
      );
      this.#fatal(
        `unable to set mode of ${n}/current: `,
        () => Deno.chmodSync(this.#p("current"), 0o644),
      );
      return st.size;
    }
    this.#unlinkQuiet("state");
    this.#unlinkQuiet("newstate");
    let processed = false;
    try {
      processed = (this.#fs(() => Deno.statSync(this.#p("processed"))).mode! & 0o100) !== 0;
    } catch (e) {
      if (!isMissing(e)) throw MultilogError.of(`unable to stat ${n}/processed: `, e);
    }
    if (processed) {
      this.#unlinkQuiet("previous");
      await this.#finish("processed", "s");
    } else {
      this.#unlinkQuiet("processed");
      await this.#finish("previous", "u");
    }
    await this.#finish("current", "u");
    this.#fatal(
      `unable to write to ${n}/state: `,
      () => closeFd(openTrunc(this.#p("state"))),
    );
    this.#current = this.#fatal(
      `unable to write to ${n}/current: `,
      () => openAppend(this.#p("current")),
    );
    this.#fatal(
      `unable to set mode of ${n}/current: `,
      () => Deno.chmodSync(this.#p("current"), 0o644),
    );
    return 0;
  }

  /** A path step that ends the logger when it fails. */
  #fatal<T>(what: string, step: () => T): T {
    try {
      return this.#fs(step);
    } catch (e) {
      throw MultilogError.of(what, e);
    }
  }

  #unlinkQuiet(file: string): void {
    try {
      this.#fs(() => Deno.removeSync(this.#p(file)));
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
      this.#live();
      const w = await writeSomeAsync(fd, off === 0 ? bytes : bytes.subarray(off));
      this.#live();
      if (w > 0) off += w;
      else if (w !== -ERRNO.EINTR) {
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

  /** Throws {@link Cancelled} once the logger was killed (its descriptors are gone). */
  #live(): void {
    if (this.#ctx.cancelled) throw new Cancelled();
  }

  /** multilog's `fullcurrent`: `current` is done; rotate it (and run the processor). */
  async rotate(): Promise<void> {
    const n = this.name, ctx = this.#ctx, cur = this.#current;
    await retry(ctx, `unable to write ${n}/current to disk, pausing: `, () => fsyncAsync(cur));
    this.#live();
    closeFd(cur);
    this.#current = -1;
    await retryPath(
      ctx,
      `unable to rename current to previous in directory ${n}, pausing: `,
      () => Deno.renameSync(this.#p("current"), this.#p("previous")),
    );
    this.#current = await retryPath(
      ctx,
      `unable to create ${n}/current, pausing: `,
      () => openAppend(this.#p("current")),
    );
    await retryPath(
      ctx,
      `unable to set mode of ${n}/current, pausing: `,
      () => Deno.chmodSync(this.#p("current"), 0o644),
    );
    await retryPath(
      ctx,
      `unable to set mode of ${n}/previous, pausing: `,
      () => Deno.chmodSync(this.#p("previous"), 0o744),
    );
    if (this.#spec.processor === null) {
      await this.#finish("previous", "s");
      return;
    }
    await this.#runProcessor(this.#spec.processor);
    await this.#syncClose("processed", 0o744);
    await this.#syncClose("newstate", null);
    await retryPath(
      ctx,
      `unable to remove ${n}/previous, pausing: `,
      () => Deno.removeSync(this.#p("previous")),
    );
    await retryPath(
      ctx,
      `unable to rename newstate to state in directory ${n}, pausing: `,
      () => Deno.renameSync(this.#p("newstate"), this.#p("state")),
    );
    await this.#finish("processed", "s");
  }

  async #syncClose(file: string, mode: number | null): Promise<void> {
    const n = this.name, ctx = this.#ctx;
    const fd = await retryPath(
      ctx,
      `unable to create ${n}/${file}, pausing: `,
      () => openAppend(this.#p(file)),
    );
    try {
      await retry(ctx, `unable to write ${n}/${file} to disk, pausing: `, () => fsyncAsync(fd));
      if (mode !== null) {
        await retryPath(
          ctx,
          `unable to set mode of ${n}/${file}, pausing: `,
          () => Deno.chmodSync(this.#p(file), mode),
        );
      }
    } finally {
      closeFd(fd);
    }
  }

  /**
   * Runs the processor: `sh -c PROCESSOR` in the directory, with `previous`
   * on fd 0, `processed` on fd 1, `state` on fd 4 and `newstate` on fd 5,
   * until it exits 0.
   */
  async #runProcessor(processor: string): Promise<void> {
    const n = this.name;
    for (;;) {
      this.#live();
      const fds: number[] = [];
      let pid = -1;
      try {
        // (an account's processor runs as a process under setuidgid; this is root's logger)
        const TRUNC = O.WRONLY | O.TRUNC | O.CREAT | O.CLOEXEC;
        fds.push(openFd(this.#p("previous"), O.RDONLY | O.CLOEXEC));
        fds.push(openFd(this.#p("processed"), TRUNC, 0o644));
        fds.push(openFd(this.#p("state"), O.RDONLY | O.CLOEXEC));
        fds.push(openFd(this.#p("newstate"), TRUNC, 0o644));
        pid = spawn({
          path: "/bin/sh",
          argv: ["sh", "-c", processor],
          cwd: this.path,
          fds: [fds[0], fds[1], 2, null, fds[2], fds[3]],
        });
      } catch (e) {
        this.#ctx.warn(`unable to run ${processor} in ${n}, pausing: ${reason(e)}`);
      } finally {
        for (const fd of fds) closeFd(fd);
      }
      if (pid !== -1) {
        // SIGCHLD listeners do not keep the event loop alive; a timer does
        const keepAlive = setInterval(() => {}, 1 << 30);
        const st = await waitChild(pid).finally(() => clearInterval(keepAlive));
        if (st.code === 0) return;
        if (st.code === null) this.#ctx.warn(`processor crashed in ${n}, pausing`);
        else this.#ctx.warn(`processor failed in ${n}, pausing`);
      }
      await sleep(this.#ctx.pauseMs);
    }
  }

  /**
   * multilog's `finish`: gives `file` a name `@<now>.<code>` (unless it has
   * one already), removes the old name, then removes the oldest log files
   * until fewer than `num` are left.
   */
  async #finish(file: string, code: string): Promise<void> {
    const n = this.name, ctx = this.#ctx;
    let st: Deno.FileInfo | null = null;
    while (st === null) {
      this.#live();
      try {
        st = this.#fs(() => Deno.statSync(this.#p(file)));
      } catch (e) {
        if (isMissing(e)) return;
        ctx.warn(`unable to stat ${n}/${file}, pausing: ${reason(e)}`);
        await sleep(ctx.pauseMs);
      }
    }
    if (st.nlink === 1) {
      const name = new Uint8Array(STAMP_LEN + 2);
      for (;;) {
        this.#live();
        this.#stamper.write(name, 0);
        name[STAMP_LEN] = 46; // .
        name[STAMP_LEN + 1] = code.charCodeAt(0);
        const fn = dec.decode(name);
        try {
          this.#fs(() => Deno.linkSync(this.#p(file), this.#p(fn)));
          break;
        } catch (e) {
          ctx.warn(`unable to link to ${n}/${fn}, pausing: ${reason(e)}`);
          await sleep(ctx.pauseMs);
        }
      }
    }
    await retryPath(
      ctx,
      `unable to remove ${n}/${file}, pausing: `,
      () => Deno.removeSync(this.#p(file)),
    );
    for (;;) {
      this.#live();
      let fit: boolean;
      try {
        fit = this.#fs(() => this.#filesFit());
      } catch (e) {
        ctx.warn(`unable to read ${n}, pausing: ${reason(e)}`);
        await sleep(ctx.pauseMs);
        continue;
      }
      if (fit) return;
    }
  }

  /** True when fewer than `num` log files are there; otherwise removes the oldest. */
  #filesFit(): boolean {
    let count = 0;
    let oldest = "@z";
    const names: string[] = [];
    for (const e of Deno.readDirSync(this.path)) {
      const name = e.name;
      names.push(name);
      if (name[0] === "@" && name.length >= 25) {
        count++;
        if (name < oldest) oldest = name.slice(0, 25);
      }
    }
    if (count < this.#spec.num) return true;
    for (const name of names) {
      if (name[0] === "@" && name.length >= 25 && name.startsWith(oldest)) {
        Deno.removeSync(this.#p(name));
        break;
      }
    }
    return false;
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
    await retryPath(
      this.#ctx,
      `unable to set mode of ${this.name}/current, pausing: `,
      () => Deno.chmodSync(this.#p("current"), 0o744),
    );
  }

  /** Closes `current` and gives up the lock. */
  close(): void {
    if (this.#current !== -1) closeFd(this.#current);
    this.#current = -1;
    if (this.#lockFd !== -1) closeFd(this.#lockFd);
    this.#lockFd = -1;
  }
}
