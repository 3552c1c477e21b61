/**
 * multilog 0.76's line loop (`doit`), pure: bytes in, and out of them each
 * log directory's staged output (a {@link DirBuffer}, with the offsets where
 * daemontools would rotate `current`), each status file's content and the
 * bytes `e` prints. Lines are split, stamped, and run through the script
 * (selection by patterns, `e`, `=`) on their first {@link LINE_MAX} bytes;
 * the rest of a longer line passes unseen. No I/O: the engine
 * (`engine.ts`) writes what is staged here.
 *
 * A chunk is taken as multilog would take it from a file: read
 * {@link READ_SIZE} bytes at a time, every directory's buffer flushed
 * before each read, which fixes where `current` is cut.
 *
 * @module
 */
import { STAMP_LEN } from "../tai64n/stamp.ts";
import { DirBuffer } from "./dirbuffer.ts";
import { match } from "./match.ts";
import { newlines } from "./newlines.ts";
import type { ParsedScript } from "./script.ts";

/** Bytes of a line multilog looks at (patterns, `e`, `=`); the rest passes unseen. */
export const LINE_MAX = 1000;
/** Size of a status file written by `=`: the line, padded with newlines. */
export const STATUS_SIZE = 1001;
/** multilog reads stdin 1024 bytes at a time and flushes its buffers before each read. */
export const READ_SIZE = 1024;
/** What `e` prints of a line: its first 200 bytes, then `...` when it is longer. */
const STDERR_MAX = 200;

const NL = 10;
const NEWLINE = new Uint8Array([NL]);
const ELLIPSIS = new TextEncoder().encode("...\n");

const A_SELECT = 0, A_DESELECT = 1, A_STDERR = 2, A_STATUS = 3, A_DIR = 4;

/** Where stamps come from: `Stamper` (the clock) in the engine, anything that writes 25 bytes in a test. */
export interface StampSource {
  /** Writes a stamp (`@` and 24 hex digits) at `out[off…off+25)`. */
  write(out: Uint8Array, off: number): void;
}

/**
 * The line loop of one script.
 *
 * @example
 * ```ts
 * import { parseScript } from "./script.ts";
 *
 * const fixed = { write: (out: Uint8Array, off: number) => out.fill(64, off, off + 25) };
 * const loop = new LineLoop(parseScript(["t", "e", "-*debug*", "./main"]), fixed);
 * loop.consume(new TextEncoder().encode("hello\na debug line\n"));
 * const text = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());
 * const stamp = "@".repeat(25);
 * if (text(loop.bufs[0].staged()) !== `${stamp} hello\n`) throw new Error("selection");
 * if (text(loop.takeStderr()) !== `${stamp} hello\n${stamp} a debug line\n`) throw new Error("e");
 * ```
 */
export class LineLoop {
  /**
   * Each log directory's staged output, in script order: the engine sets
   * `bytes` (the size of `current`) when it opens the directory, and takes
   * the staged bytes and cuts to write them.
   */
  readonly bufs: DirBuffer[];
  /** Each status file's content (`=`), in script order: the last line given to it, newline-padded. */
  readonly status: Uint8Array[];
  readonly #statusDirty: boolean[];
  readonly #stamper: StampSource;
  readonly #inspects: boolean;
  readonly #selected: Uint8Array;
  readonly #kinds: Int8Array;
  readonly #args: (Uint8Array | number)[] = [];
  /** The line being looked at: stamp, its first bytes, newlines after them. */
  readonly #line = new Uint8Array(STATUS_SIZE).fill(NL);
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
  #nls = new Int32Array(64);
  #inBase = -1;

  /** The loop of `script`, stamping lines with `stamper` when the script starts with `t`. */
  constructor(script: ParsedScript, stamper: StampSource) {
    this.#stamper = stamper;
    this.#inspects = script.inspectsLines;
    this.bufs = script.dirs.map((d) => new DirBuffer(d.size));
    this.status = script.statusFiles.map(() => new Uint8Array(STATUS_SIZE));
    this.#statusDirty = script.statusFiles.map(() => false);
    this.#ts = script.timestamp ? STAMP_LEN + 1 : 0;
    // one directory, every line: stamp straight into its staging area
    this.#directStamp = script.timestamp && !script.inspectsLines && script.dirs.length === 1;
    this.#selected = new Uint8Array(script.dirs.length).fill(1);
    this.#kinds = new Int8Array(script.actions.length);
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
  }

  /** True between lines: nothing of a line has been taken without its newline. */
  get atLineStart(): boolean {
    return !this.#started && !this.#inTail;
  }

  /** True when something waits to be written: staged bytes, a cut, a changed status file. */
  get pending(): boolean {
    return this.#statusDirty.includes(true) || this.bufs.some((b) => b.len > 0 || b.cuts.length);
  }

  /**
   * Takes `chunk`: every line it completes is run through the script and
   * staged; a partial line waits for the rest. Every buffer is flushed at
   * the end, as before multilog's next read.
   */
  consume(chunk: Uint8Array): void {
    const n = chunk.length, ts = this.#ts, line = this.#line;
    if (n === 0) return;
    const A = this.#chunkStart = this.#inPos;
    this.#nextB = A + READ_SIZE;
    const found = newlines(chunk, this.#nls);
    const nls = this.#nls = found.at, count = found.count;
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
          // the whole line is here: taken straight from the chunk
          if (ts && !this.#directStamp) this.#stamp();
          this.#boundary(A + nl);
          const len = ts + nl - pos;
          if (this.#inspects) {
            line.set(chunk.subarray(pos, nl + 1), ts);
            this.#select(len);
            line.fill(NL, ts, len + 1);
          }
          this.#emit(chunk, pos, nl + 1, len, true, this.#inBase, this.#directStamp);
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
      // at 1000 bytes multilog stops looking, and the rest of the line streams past
      const full = this.#lineLen === LINE_MAX;
      if (full || pos === nl) {
        this.#boundary(A + (full ? pos - 1 : nl));
        if (!full) {
          pos++;
          k++;
        }
        this.#emitCollected(!full);
        this.#inTail = full;
      }
    }
    this.#inPos += n;
    this.#inBase = -1;
    for (const b of this.bufs) b.flush();
  }

  /** End of input: a partial line is completed with a newline, as multilog does at end of file. */
  endOfInput(): void {
    if (this.#started) this.#emitCollected(true);
    else if (this.#inTail) {
      this.#inTail = false;
      this.#tailBytes(NEWLINE, 0, 1);
    }
    for (const b of this.bufs) b.flush();
  }

  /** What ALRM does: every directory whose `current` is not empty is cut after what is staged. */
  forceCut(): void {
    for (const b of this.bufs) b.forceCut();
  }

  /** The bytes `e` printed since the last call, or null when there are none. */
  takeStderr(): Uint8Array | null {
    if (this.#errLen === 0) return null;
    const bytes = this.#err.slice(0, this.#errLen);
    this.#errLen = 0;
    return bytes;
  }

  /** The status files changed since the last call: their index and a copy of their content. */
  takeStatus(): [number, Uint8Array][] {
    const changed: [number, Uint8Array][] = [];
    for (let k = 0; k < this.#statusDirty.length; k++) {
      if (!this.#statusDirty[k]) continue;
      this.#statusDirty[k] = false;
      changed.push([k, this.status[k].slice()]);
    }
    return changed;
  }

  /**
   * Copies the chunk to the far end of the first directory's staging area,
   * with room before it for everything this chunk can add, so its lines are
   * moved into place with `copyWithin` (no view allocated per line).
   */
  #stageInput(chunk: Uint8Array, lines: number): void {
    this.#inBase = -1;
    if (this.bufs.length === 0) return;
    const b = this.bufs[0], n = chunk.length;
    b.reserve(STATUS_SIZE + this.#ts * (lines + 1) + 2 * n + 64);
    this.#inBase = b.out.length - n;
    b.out.set(chunk, this.#inBase);
  }

  #stamp(): void {
    this.#stamper.write(this.#line, 0);
    this.#line[STAMP_LEN] = 32;
  }

  /** A read at a 1024-byte boundary in `[…, last]` flushed every buffer first. */
  #boundary(last: number): void {
    if (this.#nextB > last) return;
    for (const b of this.bufs) b.flush();
    const A = this.#chunkStart;
    this.#nextB = A + READ_SIZE * (Math.floor((last - A) / READ_SIZE) + 1);
  }

  /** The line collected in `#line` is complete (with its newline when `withNl`). */
  #emitCollected(withNl: boolean): void {
    const len = this.#lineLen, line = this.#line, ts = this.#ts;
    if (this.#inspects) this.#select(len);
    this.#emit(line, ts, withNl ? len + 1 : len, len, withNl, -1, false);
    line.fill(NL, ts, len + 1); // #line is newline-padded
    this.#lineLen = 0;
    this.#started = false;
  }

  /**
   * Puts a complete line of `len` bytes into each selected directory, as
   * `buffer_put` and, with its newline when `withNl`, `buffer_PUTC`: the
   * stamp (from `#line`, or written now when `direct`), then `src[from…to)`.
   * `staged` is where `src` sits in the first directory's staging area
   * (-1: not there); from there the line is moved with `copyWithin`.
   */
  #emit(
    src: Uint8Array,
    from: number,
    to: number,
    len: number,
    withNl: boolean,
    staged: number,
    direct: boolean,
  ): void {
    const ts = this.#ts, line = this.#line, bufs = this.bufs, size = ts + to - from;
    for (let j = 0; j < bufs.length; j++) {
      if (!this.#selected[j]) continue;
      const b = bufs[j];
      b.reserve(size);
      const out = b.out, o = b.len;
      if (direct) {
        this.#stamper.write(out, o);
        out[o + STAMP_LEN] = 32;
      } else for (let i = 0; i < ts; i++) out[o + i] = line[i];
      if (j === 0 && staged !== -1) out.copyWithin(o + ts, staged + from, staged + to);
      else out.set(src.subarray(from, to), o + ts);
      b.len = o + size;
      if (withNl) b.putLineNl(len);
      else b.putLine(len);
    }
  }

  /** Bytes past the first 1000 of a line: PUTC'd one by one between reads. */
  #tail(chunk: Uint8Array, from: number, to: number): void {
    const A = this.#chunkStart;
    let cur = from;
    while (cur < to) {
      if (this.#nextB === A + cur) {
        for (const b of this.bufs) b.flush();
        this.#nextB += READ_SIZE;
      }
      const end = Math.min(to, this.#nextB - A);
      this.#tailBytes(chunk, cur, end);
      cur = end;
    }
  }

  #tailBytes(src: Uint8Array, from: number, to: number): void {
    const part = src.subarray(from, to);
    for (let j = 0; j < this.bufs.length; j++) {
      if (!this.#selected[j]) continue;
      const b = this.bufs[j];
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
          if (sel) this.#printLine(len);
          break;
        case A_STATUS:
          if (sel) this.#keepStatus(args[i] as number);
          break;
        case A_DIR:
          this.#selected[args[i] as number] = sel ? 1 : 0;
          break;
      }
    }
  }

  /** `e`: the line (its first 200 bytes and `...` when longer) to stderr. */
  #printLine(len: number): void {
    const line = this.#line;
    if (len > STDERR_MAX) {
      this.#errPut(line.subarray(0, STDERR_MAX));
      this.#errPut(ELLIPSIS);
    } else this.#errPut(line.subarray(0, len + 1));
  }

  /** `=`: the line, newline-padded, becomes status file `k`'s content. */
  #keepStatus(k: number): void {
    this.status[k].set(this.#line.subarray(0, STATUS_SIZE));
    this.#statusDirty[k] = true;
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
}
