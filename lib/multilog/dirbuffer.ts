/**
 * Where daemontools' multilog would cut a log file, computed without its
 * small writes. Pure, no I/O.
 *
 * multilog 0.76 passes each directory's output through a 512-byte buffer
 * (flushed before every 1024-byte read of stdin, and when full) into
 * `c_write`, which ends `current` at the last newline of the first write
 * that reaches `size - 2000` bytes and never lets it pass `size`. The file
 * boundaries therefore depend on those write sizes. This class replays that
 * buffer arithmetic over a staging area that holds the bytes themselves, and
 * records the offsets where multilog would rotate; the caller then writes
 * the staged bytes in a few large writes, rotating at those offsets. The
 * files come out byte for byte as multilog's, for the same read pattern.
 *
 * @module
 */

/** djb's buffer size for each log directory in multilog.c. */
const DIR_BUFFER = 512;
/** How far below `size` multilog starts looking for a line end to cut at. */
const CUT_ZONE = 2000;

/** A staging area's first size: many loggers in one process each keep a few KiB until a flood. */
const SMALL = 2 << 10;

/** Staged bytes of one directory and the offsets in them where `current` is rotated. */
export interface StagedBatch {
  bytes: Uint8Array;
  cuts: number[];
}

/** A directory's staged output and the replayed buffer state. */
export class DirBuffer {
  /** Staged bytes; `[0, len)` is valid. */
  out: Uint8Array;
  /** End of the staged bytes. */
  len = 0;
  /** Bytes of the staging area multilog would already have written (`c_write`). */
  written = 0;
  /** Bytes in `current` as multilog counts them (`d->bytes`). */
  bytes = 0;
  /** Offsets in the staging area after which `current` is rotated. */
  readonly cuts: number[] = [];
  readonly #size: number;
  /** A staging area for the next batch, while one is being written. */
  #spare: Uint8Array | null = null;
  /** The size of the batches taken of late (the largest, fading by a tenth at each batch). */
  #recent = 0;

  /** `size` is the script's `s` for this directory. */
  constructor(size: number) {
    this.#size = size;
    this.out = new Uint8Array(SMALL);
  }

  /** Makes room for `n` more staged bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.out.length) return;
    const bigger = new Uint8Array(Math.max(this.out.length * 2, this.len + n));
    bigger.set(this.out.subarray(0, this.len));
    this.out = bigger;
  }

  /**
   * The last `lineLen + 1` staged bytes are a line (`buffer_put`) and its
   * newline (`buffer_PUTC`).
   */
  putLineNl(lineLen: number): void {
    const start = this.len - lineLen - 1;
    if (lineLen > DIR_BUFFER - (start - this.written)) {
      this.#flushTo(start);
      if (lineLen > DIR_BUFFER) this.#flushTo(start + lineLen);
    }
    if (this.len - 1 - this.written === DIR_BUFFER) this.#flushTo(this.len - 1);
  }

  /** The last `lineLen` staged bytes are a line put with `buffer_put` (no newline). */
  putLine(lineLen: number): void {
    const start = this.len - lineLen;
    if (lineLen > DIR_BUFFER - (start - this.written)) {
      this.#flushTo(start);
      if (lineLen > DIR_BUFFER) this.#flushTo(this.len);
    }
  }

  /** The last `k` staged bytes were put one at a time (`buffer_PUTC`). */
  putBytes(k: number): void {
    let at = this.len - k;
    while (at < this.len) {
      if (at - this.written === DIR_BUFFER) this.#flushTo(at);
      at = Math.min(this.len, this.written + DIR_BUFFER);
    }
  }

  /** `buffer_flush`: everything staged is written. */
  flush(): void {
    this.#flushTo(this.len);
  }

  /** multilog's ALRM: a rotation after everything staged, if `current` is not empty. */
  forceCut(): void {
    if (this.bytes === 0) return;
    this.flush();
    this.cuts.push(this.len);
    this.bytes = 0;
  }

  /** The staged bytes (after `flush`, all of them are written as far as multilog is concerned). */
  staged(): Uint8Array<ArrayBuffer> {
    return this.out.subarray(0, this.len) as Uint8Array<ArrayBuffer>;
  }

  /**
   * Hands over the staged bytes from `skip` on (the first `skip` are on
   * disk already) and their cuts (call after `flush`), and starts an empty
   * staging area; give the batch back with {@link release} once written.
   * Null when nothing is left; the buffer is then kept.
   */
  take(skip = 0): StagedBatch | null {
    if (this.len === skip && this.cuts.length === 0) {
      this.len = 0;
      this.written = 0;
      return null;
    }
    const batch = {
      bytes: this.out.subarray(skip, this.len),
      cuts: this.cuts.splice(0).map((c) => c - skip),
    };
    // the batches of late, a slowly fading maximum: a flood keeps its size, a backlog fades
    this.#recent = Math.max(this.len - skip, this.#recent * 0.9);
    this.out = this.#spare ?? new Uint8Array(this.#fit(this.out.length));
    this.#spare = null;
    this.len = 0;
    this.written = 0;
    return batch;
  }

  /**
   * Returns a written batch's buffer for reuse: one is kept (a batch is
   * written at a time), unless the batches of late are much smaller than it
   * (what a backlog or a flood grew is given back once it is over).
   */
  release(batch: StagedBatch): void {
    const buf = batch.bytes.buffer;
    if (this.#spare !== null || buf === this.out.buffer) return;
    if (buf.byteLength <= Math.max(SMALL, 4 * this.#recent)) this.#spare = new Uint8Array(buf);
  }

  /**
   * Gives back what a burst grew, once it is over (no batch follows a flood
   * to fade it): no spare is kept, and an empty staging area is small again.
   * A batch still being written is not kept when released.
   */
  shrink(): void {
    this.#spare = null;
    this.#recent = 0;
    if (this.len === 0 && this.cuts.length === 0 && this.out.length > SMALL) {
      this.out = new Uint8Array(SMALL);
    }
  }

  /** A staging area's size for the batches of late: room for four of them, at most `max`. */
  #fit(max: number): number {
    return Math.min(max, Math.max(SMALL, 4 * this.#recent));
  }

  /** `allwrite` of the staged bytes up to `end` through `c_write`. */
  #flushTo(end: number): void {
    while (this.written < end) this.#cWrite(end - this.written);
  }

  #cWrite(len: number): void {
    const size = this.#size;
    if (this.bytes >= size) {
      this.cuts.push(this.written);
      this.bytes = 0;
    }
    if (len >= size - this.bytes) len = size - this.bytes;
    if (this.bytes + len >= size - CUT_ZONE) {
      const w = this.out.lastIndexOf(10, this.written + len - 1);
      if (w >= this.written) len = w - this.written + 1;
    }
    this.written += len;
    this.bytes += len;
    if (this.bytes >= size - CUT_ZONE && this.out[this.written - 1] === 10) {
      this.cuts.push(this.written);
      this.bytes = 0;
    }
  }
}
