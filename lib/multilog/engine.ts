/**
 * The log engine: multilog 0.76's line loop as a library object, with no
 * globals and no exits, so a supervisor can run many of them in one process.
 * Bytes come in through {@link MultilogEngine.feed}; each call is handled
 * whole (lines split, stamped, selected, written to every log directory)
 * before its promise resolves, and calls are served strictly in order. When
 * a directory cannot be written the promise waits (warning and retrying like
 * multilog) — a feeder that awaits it stops reading, which is multilog's
 * back-pressure on the service.
 *
 * @module
 */
import { warn as printWarning } from "../common/output.ts";
import { close as closeFd, writeAll } from "../sys/fd.ts";
import { STAMP_LEN, Stamper } from "../tai64n/stamp.ts";
import { DirBuffer, type StagedBatch } from "./dirbuffer.ts";
import { MultilogError } from "./errors.ts";
import { asAccount, type FileContext, type FsCredentials, openAppend, retry } from "./files.ts";
import { LogDir } from "./logdir.ts";
import { match } from "./match.ts";
import { newlines } from "./newlines.ts";
import type { ParsedScript } from "./script.ts";

/** Bytes of a line multilog looks at (patterns, `e`, `=`); the rest passes unseen. */
export const LINE_MAX = 1000;
/** Size of a status file written by `=`: the line, padded with newlines. */
export const STATUS_SIZE = 1001;
/** multilog reads stdin 1024 bytes at a time and flushes its buffers before each read. */
export const READ_SIZE = 1024;

const NL = 10;
const ELLIPSIS = new TextEncoder().encode("...\n");

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

const A_SELECT = 0, A_DESELECT = 1, A_STDERR = 2, A_STATUS = 3, A_DIR = 4;

/**
 * multilog's engine.
 *
 * @example
 * ```ts
 * const engine = new MultilogEngine(parseScript(["t", "s4096", "./main"]));
 * await engine.open();
 * await engine.feed(new TextEncoder().encode("hello\n"));
 * await engine.rotateNow();
 * await engine.close();
 * ```
 */
export class MultilogEngine {
  readonly #script: ParsedScript;
  readonly #ctx: FileContext;
  readonly #base: string;
  readonly #stderr: (bytes: Uint8Array) => void;
  readonly #stamper = new Stamper();
  readonly #dirs: LogDir[] = [];
  readonly #bufs: DirBuffer[] = [];
  readonly #selected: Uint8Array;
  readonly #kinds: Int8Array;
  readonly #args: (Uint8Array | number)[];
  readonly #statusFiles: (Deno.FsFile | null)[] = [];
  readonly #statusBufs: Uint8Array[] = [];
  readonly #statusDirty: boolean[] = [];
  readonly #line = new Uint8Array(STATUS_SIZE);
  readonly #ts: number;
  readonly #directStamp: boolean;
  #err = new Uint8Array(0);
  #errLen = 0;
  #lineLen = 0;
  #started = false;
  #inTail = false;
  #inPos = 0;
  #chunkStart = 0;
  #nextB = READ_SIZE;
  #nls = new Int32Array(4096);
  #nlCount = 0;
  #inBase = -1;
  #writer: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  readonly #waiters: (() => void)[] = [];
  #inFlight = 0;
  #failure: Promise<never> | null = null;
  #counted = false;
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
    if (opts.account && script.dirs.some((d) => d.processor !== null)) {
      throw new MultilogError("a processor cannot run with an account's rights in-process", 100);
    }
    this.#stderr = opts.stderr ?? ((b) => {
      try {
        writeAll(2, b as Uint8Array<ArrayBuffer>);
      } catch { /* as buffer_flush(buffer_2) with the result ignored */ }
    });
    this.#ts = script.timestamp ? STAMP_LEN + 1 : 0;
    // one directory, every line: stamp straight into its staging area
    this.#directStamp = script.timestamp && !script.inspectsLines && script.dirs.length === 1;
    this.#selected = new Uint8Array(script.dirs.length).fill(1);
    this.#kinds = new Int8Array(script.actions.length);
    this.#args = [];
    let statusIndex = 0;
    script.actions.forEach((a, i) => {
      switch (a.kind) {
        case "select":
        case "deselect":
          this.#kinds[i] = a.kind === "select" ? A_SELECT : A_DESELECT;
          this.#args.push(a.pattern);
          break;
        case "stderr":
          this.#kinds[i] = A_STDERR;
          this.#args.push(0);
          break;
        case "status":
          this.#kinds[i] = A_STATUS;
          this.#args.push(statusIndex++);
          break;
        case "dir":
          this.#kinds[i] = A_DIR;
          this.#args.push(a.index);
          break;
      }
    });
    this.#line.fill(NL);
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
        this.#statusBufs.push(new Uint8Array(STATUS_SIZE));
        this.#statusDirty.push(false);
      }
      for (const spec of this.#script.dirs) {
        const dir = new LogDir(spec, this.#base, this.#ctx);
        const buf = new DirBuffer(spec.size);
        buf.bytes = await dir.open();
        this.#dirs.push(dir);
        this.#bufs.push(buf);
      }
    } catch (e) {
      this.#release();
      throw e;
    }
  }

  /**
   * Inode and size of the first log directory's `current` now (null when
   * the script has none, or while it is being rotated): where the next
   * bytes written to it will start.
   */
  firstCurrent(): { ino: number; size: number } | null {
    return this.#dirs[0]?.currentFile() ?? null;
  }

  /** True between lines: nothing of a line has been fed without its newline. */
  get atLineStart(): boolean {
    return !this.#started && !this.#inTail;
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
    this.#consume(bytes);
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
    for (const b of this.#bufs) b.forceCut();
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
    this.#endOfInput();
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
    for (const b of this.#bufs) n += b.len;
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
    if (this.#errLen) {
      this.#stderr(this.#err.slice(0, this.#errLen));
      this.#errLen = 0;
    }
    if (this.#writer !== null || this.#state === "closed") return;
    if (
      !this.#statusDirty.includes(true) && this.#bufs.every((b) => b.len === 0 && !b.cuts.length)
    ) {
      return;
    }
    this.#writer = this.#writeLoop().finally(() => {
      this.#writer = null;
      this.#schedule(); // what was staged while the last write ended
      this.#wake();
    });
  }

  /** Writes what is staged, one batch at a time, until nothing is left. */
  async #writeLoop(): Promise<void> {
    while (this.#failure === null && !this.#ctx.cancelled) {
      const status: [number, Uint8Array][] = [];
      for (let k = 0; k < this.#statusDirty.length; k++) {
        if (!this.#statusDirty[k]) continue;
        this.#statusDirty[k] = false;
        status.push([k, this.#statusBufs[k].slice()]);
      }
      const batches: [number, StagedBatch][] = [];
      let size = 0;
      for (let i = 0; i < this.#bufs.length; i++) {
        const b = this.#bufs[i].take();
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
    for (const d of this.#dirs) d.close();
    for (const f of this.#statusFiles) f?.close();
    this.#statusFiles.length = 0;
  }

  // ---- the line loop (synchronous; multilog's doit) ----

  #consume(chunk: Uint8Array): void {
    const n = chunk.length, ts = this.#ts, line = this.#line;
    if (n === 0) return;
    const A = this.#chunkStart = this.#inPos;
    this.#nextB = A + READ_SIZE;
    const nls = this.#newlines(chunk);
    const count = this.#nlCount;
    this.#stageInput(chunk, count);
    let pos = 0, k = 0;
    while (pos < n) {
      const nl = k < count ? nls[k] : -1;
      if (this.#inTail) {
        const end = nl === -1 ? n : nl + 1;
        this.#tail(chunk, pos, end);
        pos = end;
        if (nl !== -1) {
          this.#inTail = false;
          k++;
        }
        continue;
      }
      if (!this.#started) {
        if (nl !== -1 && nl - pos + ts < LINE_MAX) {
          // the whole line is here: the fast path
          if (ts && !this.#directStamp) this.#stamp();
          this.#boundary(A + nl);
          const len = ts + nl - pos;
          if (this.#script.inspectsLines) {
            line.set(chunk.subarray(pos, nl + 1), ts);
            this.#select(len);
            line.fill(NL, ts, len + 1);
          }
          this.#emitFromInput(chunk, pos, nl + 1, len);
          pos = nl + 1;
          k++;
          continue;
        }
        this.#started = true;
        if (ts) this.#stamp();
        this.#lineLen = ts;
      }
      const stop = nl === -1 ? n : nl;
      const take = Math.min(stop - pos, LINE_MAX - this.#lineLen);
      line.set(chunk.subarray(pos, pos + take), this.#lineLen);
      this.#lineLen += take;
      pos += take;
      if (this.#lineLen === LINE_MAX) {
        // multilog looked at 1000 bytes; the rest of the line streams past
        this.#boundary(A + pos - 1);
        this.#finishLine(false);
        this.#inTail = true;
      } else if (pos === nl) {
        this.#boundary(A + nl);
        pos++;
        k++;
        this.#finishLine(true);
      }
    }
    this.#inPos += n;
    this.#inBase = -1;
    for (const b of this.#bufs) b.flush();
  }

  /** Offsets of the newlines in `chunk` (count in `#nlCount`), in the engine's one index. */
  #newlines(chunk: Uint8Array): Int32Array {
    const r = newlines(chunk, this.#nls);
    this.#nls = r.at;
    this.#nlCount = r.count;
    return r.at;
  }

  /**
   * Copies the chunk to the far end of the first directory's staging area,
   * with room before it for everything this chunk can add, so its lines are
   * moved into place with `copyWithin` (no view allocated per line).
   */
  #stageInput(chunk: Uint8Array, lines: number): void {
    this.#inBase = -1;
    if (this.#bufs.length === 0) return;
    const b = this.#bufs[0], n = chunk.length;
    b.reserve(STATUS_SIZE + this.#ts * (lines + 1) + 2 * n + 64);
    this.#inBase = b.out.length - n;
    b.out.set(chunk, this.#inBase);
  }

  /** Puts the stamp (in `#line`) and `chunk[from…to)` (a line and its newline) into each selected directory. */
  #emitFromInput(chunk: Uint8Array, from: number, to: number, len: number): void {
    const ts = this.#ts, line = this.#line, bufs = this.#bufs;
    for (let j = 0; j < bufs.length; j++) {
      if (!this.#selected[j]) continue;
      const b = bufs[j];
      b.reserve(len + 1);
      const out = b.out, o = b.len;
      if (this.#directStamp) {
        this.#stamper.write(out, o);
        out[o + STAMP_LEN] = 32;
      } else for (let i = 0; i < ts; i++) out[o + i] = line[i];
      if (j === 0 && this.#inBase !== -1) {
        out.copyWithin(o + ts, this.#inBase + from, this.#inBase + to);
      } else out.set(chunk.subarray(from, to), o + ts);
      b.len = o + len + 1;
      b.putLineNl(len);
    }
  }

  #endOfInput(): void {
    if (this.#started) this.#finishLine(true);
    else if (this.#inTail) {
      this.#inTail = false;
      this.#tailBytes(new Uint8Array([NL]), 0, 1);
    }
    for (const b of this.#bufs) b.flush();
  }

  #stamp(): void {
    this.#stamper.write(this.#line, 0);
    this.#line[STAMP_LEN] = 32;
  }

  /** A read at a 1024-byte boundary in `[…, last]` flushed every buffer first. */
  #boundary(last: number): void {
    if (this.#nextB > last) return;
    for (const b of this.#bufs) b.flush();
    const A = this.#chunkStart;
    this.#nextB = A + READ_SIZE * (Math.floor((last - A) / READ_SIZE) + 1);
  }

  /**
   * The line collected in `#line` is complete: put it into each selected
   * directory, with a newline (`buffer_PUTC`) when `withNl`.
   */
  #finishLine(withNl: boolean): void {
    const len = this.#lineLen, line = this.#line;
    if (this.#script.inspectsLines) this.#select(len);
    const bytes = line.subarray(0, withNl ? len + 1 : len); // #line is newline-padded
    for (let j = 0; j < this.#bufs.length; j++) {
      if (!this.#selected[j]) continue;
      const b = this.#bufs[j];
      b.reserve(bytes.length);
      b.out.set(bytes, b.len);
      b.len += bytes.length;
      if (withNl) b.putLineNl(len);
      else b.putLine(len);
    }
    line.fill(NL, 0, len + 1);
    this.#lineLen = 0;
    this.#started = false;
  }

  /** Bytes past the first 1000 of a line: PUTC'd one by one between reads. */
  #tail(chunk: Uint8Array, from: number, to: number): void {
    const A = this.#chunkStart;
    let cur = from;
    while (cur < to) {
      if (this.#nextB === A + cur) {
        for (const b of this.#bufs) b.flush();
        this.#nextB += READ_SIZE;
      }
      const end = Math.min(to, this.#nextB - A);
      this.#tailBytes(chunk, cur, end);
      cur = end;
    }
  }

  #tailBytes(src: Uint8Array, from: number, to: number): void {
    const part = src.subarray(from, to);
    for (let j = 0; j < this.#bufs.length; j++) {
      if (!this.#selected[j]) continue;
      const b = this.#bufs[j];
      b.reserve(part.length);
      b.out.set(part, b.len);
      b.len += part.length;
      b.putBytes(part.length);
    }
  }

  /** Runs the script's actions over `#line[0…len)`: selection, `e`, `=`. */
  #select(len: number): void {
    const line = this.#line, kinds = this.#kinds, args = this.#args;
    let sel = true;
    for (let i = 0; i < kinds.length; i++) {
      switch (kinds[i]) {
        case A_SELECT:
          if (!sel && match(args[i] as Uint8Array, line, len)) sel = true;
          break;
        case A_DESELECT:
          if (sel && match(args[i] as Uint8Array, line, len)) sel = false;
          break;
        case A_STDERR:
          if (sel) {
            if (len > 200) {
              this.#errPut(line.subarray(0, 200));
              this.#errPut(ELLIPSIS);
            } else this.#errPut(line.subarray(0, len + 1));
          }
          break;
        case A_STATUS:
          if (sel) {
            const k = args[i] as number;
            this.#statusBufs[k].set(line.subarray(0, STATUS_SIZE));
            this.#statusDirty[k] = true;
          }
          break;
        case A_DIR:
          this.#selected[args[i] as number] = sel ? 1 : 0;
          break;
      }
    }
  }

  #errPut(b: Uint8Array): void {
    if (this.#errLen + b.length > this.#err.length) {
      const bigger = new Uint8Array(Math.max(4096, 2 * (this.#errLen + b.length)));
      bigger.set(this.#err.subarray(0, this.#errLen));
      this.#err = bigger;
    }
    this.#err.set(b, this.#errLen);
    this.#errLen += b.length;
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
      this.#bufs[i].release(batch);
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
