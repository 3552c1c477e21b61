/**
 * The log engine: multilog 0.76 as a library object, with no globals and no
 * exits, so a supervisor can run many of them in one process. Bytes come in
 * through {@link MultilogEngine.feed}; the line loop (`line_loop.ts`, pure)
 * splits, stamps and selects them at once, and this module writes what it
 * staged: one write at a time in the background, to the status files and
 * the log directories, rotating where daemontools would. When a directory
 * cannot be written the writes wait (warning and retrying like multilog),
 * and past {@link backlogCap} bytes so does `feed` — a feeder that awaits it
 * stops reading, which is multilog's back-pressure on the service.
 *
 * @module
 */
import { warn as printWarning } from "../common/output.ts";
import { close as closeFd, writeAll } from "../sys/fd.ts";
import { onSettle } from "../sys/settle.ts";
import { Stamper } from "../tai64n/stamp.ts";
import type { StagedBatch } from "./dirbuffer.ts";
import { MultilogError } from "./errors.ts";
import { asAccount, type FileContext, type FsCredentials, openAppend, retry } from "./files.ts";
import { LineLoop, STATUS_SIZE } from "./line_loop.ts";
import { LogDir, type Rotated } from "./logdir.ts";
import type { ParsedScript } from "./script.ts";

export { LINE_MAX, READ_SIZE, STATUS_SIZE } from "./line_loop.ts";
export type { Rotated } from "./logdir.ts";

/** How the engine is hosted. */
export interface EngineOptions {
  /** Directory that relative paths in the script are taken from (default: the cwd now). */
  cwd?: string;
  /** Receives warning text (after `multilog: warning: `); default prints it to stderr. */
  warn?: (message: string) => void;
  /** Receives the output of `e`; default writes it to fd 2. */
  stderr?: (bytes: Uint8Array) => void;
  /** Pause before retrying a failed file step, in ms (daemontools: 5000). */
  pauseMs?: number;
  /**
   * The account whose rights every file step is taken with (a `setuidgid
   * ACCOUNT multilog` logger): the kernel checks them, as for the process.
   * Processors (`!`) are not run with an account: run such a logger as a
   * process under setuidgid.
   */
  account?: FsCredentials;
  /**
   * Called in each rotation of the first log directory, once its new
   * `current` exists and before the old one is processed, linked or
   * removed; the rotation waits for it (the log journal moves on).
   */
  onRotate?: (r: Rotated) => Promise<void>;
}

/** What the log engines open in one process may hold, together, of bytes not yet written. */
export const MEMORY_BUDGET = 64 << 20;
/** The most one engine holds (taken but not written) before {@link MultilogEngine.feed} waits. */
export const BACKLOG_MAX = 1 << 20;
/** The least: one engine's share never drops below this, however many are open. */
export const BACKLOG_MIN = 64 << 10;

let openEngines = 0;

/**
 * One engine's share of {@link MEMORY_BUDGET}: the budget split over the
 * engines open in this process, between {@link BACKLOG_MIN} and
 * {@link BACKLOG_MAX}. So the bytes held by every logger of a scanner stay
 * under max(64 MiB, 64 KiB per logger), however many are stuck.
 */
export function backlogCap(): number {
  const share = Math.floor(MEMORY_BUDGET / Math.max(1, openEngines));
  return Math.max(BACKLOG_MIN, Math.min(BACKLOG_MAX, share));
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * multilog's engine: one script, its status files and log directories.
 *
 * @example
 * ```ts
 * import { parseScript } from "./script.ts";
 *
 * const cwd = Deno.makeTempDirSync(); // relative directories are taken from here
 * const engine = new MultilogEngine(parseScript(["t", "s4096", "./main"]), { cwd });
 * await engine.open();
 * await engine.feed(new TextEncoder().encode("hello\n"));
 * await engine.rotateNow(); // what ALRM does: main/current becomes main/@….s
 * await engine.close();
 * const rotated = [...Deno.readDirSync(`${cwd}/main`)].filter((e) => e.name.startsWith("@"));
 * if (rotated.length !== 1) throw new Error("expected one rotated file");
 * Deno.removeSync(cwd, { recursive: true });
 * ```
 */
export class MultilogEngine {
  readonly #script: ParsedScript;
  readonly #ctx: FileContext;
  readonly #onRotate?: (r: Rotated) => Promise<void>;
  readonly #base: string;
  readonly #stderr: (bytes: Uint8Array) => void;
  readonly #loop: LineLoop;
  readonly #dirs: LogDir[] = [];
  readonly #statusFiles: (Deno.FsFile | null)[] = [];
  #writer: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  readonly #waiters: (() => void)[] = [];
  #inFlight = 0;
  #failure: Promise<never> | null = null;
  #counted = false;
  /** Undoes the registration that gives the staging areas back when the process settles. */
  #unsettle: (() => void) | null = null;
  #state: "new" | "open" | "closing" | "closed" = "new";

  /** Prepares an engine for `script`; nothing is touched until {@link open}. */
  constructor(script: ParsedScript, opts: EngineOptions = {}) {
    this.#script = script;
    this.#base = opts.cwd ?? Deno.cwd();
    this.#ctx = {
      warn: opts.warn ?? ((m) => printWarning("multilog", m)),
      pauseMs: opts.pauseMs ?? 5000,
      account: opts.account,
    };
    this.#onRotate = opts.onRotate;
    if (opts.account && script.dirs.some((d) => d.processor !== null)) {
      throw new MultilogError("a processor cannot run with an account's rights in-process", 100);
    }
    this.#stderr = opts.stderr ?? ((b) => {
      try {
        writeAll(2, b as Uint8Array<ArrayBuffer>);
      } catch { /* as buffer_flush(buffer_2) with the result ignored */ }
    });
    this.#loop = new LineLoop(script, new Stamper());
  }

  /**
   * Opens the status files and the log directories in script order (each
   * directory made, locked and recovered from a previous run). Throws
   * {@link MultilogError} with daemontools' message when one cannot be used;
   * everything opened so far is released first.
   */
  async open(): Promise<void> {
    if (this.#state !== "new") throw new MultilogError("engine already opened", 100);
    this.#state = "open";
    openEngines++;
    this.#counted = true;
    // a flood's staging areas are given back once it is over (no batch after it fades them)
    this.#unsettle = onSettle(() => {
      for (const b of this.#loop.bufs) b.shrink();
    });
    try {
      for (const file of this.#script.statusFiles) {
        const path = file.startsWith("/") ? file : `${this.#base}/${file}`;
        try {
          closeFd(asAccount(this.#ctx, () => openAppend(path)));
        } catch (e) {
          throw MultilogError.of(`unable to create ${file}: `, e);
        }
        try {
          this.#statusFiles.push(asAccount(this.#ctx, () => Deno.openSync(path, { write: true })));
        } catch (e) {
          throw MultilogError.of(`unable to write ${file}: `, e);
        }
      }
      for (const [i, spec] of this.#script.dirs.entries()) {
        const dir = new LogDir(spec, this.#base, this.#ctx, i === 0 ? this.#onRotate : undefined);
        this.#loop.bufs[i].bytes = await dir.open();
        this.#dirs.push(dir);
      }
    } catch (e) {
      this.#release();
      throw e;
    }
  }

  /**
   * Inode and size of the first log directory's `current` once no rotation
   * of it is under way (null when the script has none, or it is not known):
   * where the next bytes written to it will start.
   */
  firstCurrent(): Promise<{ ino: number; size: number } | null> {
    return this.#dirs[0]?.nextCurrent() ?? Promise.resolve(null);
  }

  /** True between lines: nothing of a line has been fed without its newline. */
  get atLineStart(): boolean {
    return this.#loop.atLineStart;
  }

  /**
   * Takes `bytes`: complete lines are split, stamped and selected at once,
   * and written to their log files in order, in the background (one write
   * at a time, off the JS thread; what comes in meanwhile joins the next).
   * The promise resolves at once unless more than {@link backlogCap} bytes
   * are waiting to be written (a rotation's fsync, a full or slow disk), and
   * then when they are under it again: a feeder that awaits it reads no
   * faster than the disk takes the log. A partial line waits for its end.
   */
  feed(bytes: Uint8Array): Promise<void> {
    this.#mustBeOpen();
    this.#loop.consume(bytes);
    this.#schedule();
    if (this.#failure) return this.#failure;
    if (this.#backlog() <= backlogCap()) return RESOLVED;
    return new Promise<void>((r) => this.#waiters.push(r)).then(() => this.#failure ?? undefined);
  }

  /** Resolves when everything fed so far is written to the log files. */
  flush(): Promise<void> {
    return this.#drained().then(() => this.#failure ?? undefined);
  }

  /**
   * What ALRM does: every directory whose `current` is not empty is rotated
   * after the lines fed so far. Resolves when that is done.
   */
  rotateNow(): Promise<void> {
    this.#mustBeOpen();
    this.#loop.forceCut();
    this.#schedule();
    return this.flush();
  }

  /**
   * End of input: a partial line is completed with a newline (as multilog
   * does at end of file), everything is written, every `current` is synced
   * and marked finished (mode 0744), and the locks are released. For TERM,
   * feed the rest of the current line first (see {@link atLineStart}).
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#mustBeOpen();
    this.#state = "closing";
    this.#loop.endOfInput();
    this.#schedule();
    this.#closing = this.#drained().then(async () => {
      try {
        if (this.#failure === null) { for (const d of this.#dirs) await d.finishCurrent(); }
      } finally {
        this.#release();
      }
    }).then(() => this.#failure ?? undefined);
    return this.#closing;
  }

  /**
   * What KILL does to multilog: the engine ends now, whatever it is waiting
   * for (a full disk, a slow fsync). What was taken but not yet written is
   * lost, as multilog's buffers are; `current` keeps mode 0644, so the next
   * start keeps it as an `@….u` file. Descriptors and locks are released at
   * once; a write already handed to the kernel completes on its own.
   */
  abort(): void {
    if (this.#state === "closed") return;
    this.#ctx.cancelled = true;
    this.#release();
    this.#wake();
  }

  /** Bytes taken but not written: staged in the buffers, or being written. */
  #backlog(): number {
    let n = this.#inFlight;
    for (const b of this.#loop.bufs) n += b.len;
    return n;
  }

  /** Resolves when no write is going on and nothing is staged (never rejects). */
  async #drained(): Promise<void> {
    while (this.#writer !== null) await this.#writer;
  }

  /** Wakes the feeders waiting for room, when there is room (or nothing more will come). */
  #wake(): void {
    if (this.#waiters.length === 0) return;
    if (this.#failure === null && this.#state !== "closed" && this.#backlog() > backlogCap()) {
      return;
    }
    for (const r of this.#waiters.splice(0)) r();
  }

  /** Starts the writer when something is staged and no writer is going. */
  #schedule(): void {
    const err = this.#loop.takeStderr();
    if (err !== null) this.#stderr(err);
    if (this.#writer !== null || this.#state === "closed" || !this.#loop.pending) return;
    this.#writer = this.#writeLoop().finally(() => {
      this.#writer = null;
      this.#schedule(); // what was staged while the last write ended
      this.#wake();
    });
  }

  /** Writes what is staged, one batch at a time, until nothing is left. */
  async #writeLoop(): Promise<void> {
    while (this.#failure === null && !this.#ctx.cancelled) {
      const status = this.#loop.takeStatus();
      const batches: [number, StagedBatch][] = [];
      let size = 0;
      for (let i = 0; i < this.#loop.bufs.length; i++) {
        const b = this.#loop.bufs[i].take();
        if (b === null) continue;
        batches.push([i, b]);
        size += b.bytes.length;
      }
      if (batches.length === 0 && status.length === 0) return;
      this.#inFlight = size;
      try {
        await this.#write(status, batches);
      } catch (e) {
        if (this.#ctx.cancelled) return;
        this.#failure = Promise.reject(e);
        this.#failure.catch(() => {});
      } finally {
        this.#inFlight = 0;
      }
      this.#wake();
    }
  }

  #mustBeOpen(): void {
    if (this.#state !== "open") {
      throw new MultilogError(`engine is ${this.#state === "new" ? "not open" : "closed"}`, 100);
    }
  }

  #release(): void {
    this.#state = "closed";
    if (this.#counted) openEngines--;
    this.#counted = false;
    this.#unsettle?.();
    this.#unsettle = null;
    for (const d of this.#dirs) d.close();
    for (const f of this.#statusFiles) f?.close();
    this.#statusFiles.length = 0;
  }

  // ---- the writes (asynchronous: they may pause) ----

  async #write(status: [number, Uint8Array][], batches: [number, StagedBatch][]): Promise<void> {
    for (const [k, bytes] of status) await this.#writeStatus(k, bytes);
    for (const [i, batch] of batches) {
      const d = this.#dirs[i];
      let prev = 0;
      for (const cut of batch.cuts) {
        if (cut > prev) await d.write(batch.bytes.subarray(prev, cut) as Uint8Array<ArrayBuffer>);
        await d.rotate();
        prev = cut;
      }
      if (batch.bytes.length > prev) {
        await d.write(batch.bytes.subarray(prev) as Uint8Array<ArrayBuffer>);
      }
      this.#loop.bufs[i].release(batch);
    }
  }

  async #writeStatus(k: number, buf: Uint8Array): Promise<void> {
    const f = this.#statusFiles[k]!, name = this.#script.statusFiles[k];
    for (;;) {
      await retry(
        this.#ctx,
        `unable to move to beginning of ${name}, pausing: `,
        () => f.seek(0, Deno.SeekMode.Start),
      );
      const w = await retry(this.#ctx, `unable to write ${name}, pausing: `, () => f.write(buf));
      if (w === STATUS_SIZE) return;
    }
  }
}
