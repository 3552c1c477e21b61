/**
 * multilog's `finish`: a finished file (`previous`, `processed`, or a
 * `current` a crash left) gets the name `@<tai64n>.<code>` beside its old
 * one, the old name goes, then the oldest log files go until fewer than
 * `num` are left. Every step warns and pauses while it fails, as multilog
 * does; a file already named (more than one link) only loses its old name.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { isErrno } from "../common/errors.ts";
import { sleep } from "../common/long_timer.ts";
import type { FileStat, PathCalls } from "../sys/path_async.ts";
import { STAMP_LEN, type Stamper } from "../tai64n/stamp.ts";
import { type FileContext, listDir, liveOrCancelled, retry } from "./files.ts";

/** The log directory a step is about. */
export interface LogDirPlace {
  /** The script's spelling, for messages. */
  readonly name: string;
  /** Its path. */
  readonly path: string;
  /** Warnings, the pause, the account, cancellation. */
  readonly ctx: FileContext;
}

const dec = new TextDecoder(), enc = new TextEncoder();

/**
 * Gives `file` of `dir` a name `@<now>.<code>` (from `stamper`) unless it has
 * one already, removes the old name, then removes the oldest log files until
 * fewer than `num` are left. Every step through `steps`.
 */
export async function finishFile(
  dir: LogDirPlace,
  num: number,
  stamper: Stamper,
  file: string,
  code: string,
  steps: PathCalls,
): Promise<void> {
  const n = dir.name, ctx = dir.ctx;
  const at = (f: string) => `${dir.path}/${f}`;
  let st: FileStat | null = null;
  while (st === null) {
    liveOrCancelled(ctx);
    try {
      st = await steps.stat(at(file));
    } catch (e) {
      liveOrCancelled(ctx);
      if (isErrno(e, "ENOENT")) return;
      ctx.warn(`unable to stat ${n}/${file}, pausing: ${reason(e)}`);
      await sleep(ctx.pauseMs);
    }
  }
  if (st.nlink === 1) {
    const name = new Uint8Array(STAMP_LEN + 2);
    for (;;) {
      liveOrCancelled(ctx);
      stamper.write(name, 0);
      name[STAMP_LEN] = 46; // .
      name[STAMP_LEN + 1] = code.charCodeAt(0);
      const fn = dec.decode(name);
      try {
        await steps.link(at(file), at(fn));
        break;
      } catch (e) {
        liveOrCancelled(ctx);
        ctx.warn(`unable to link to ${n}/${fn}, pausing: ${reason(e)}`);
        await sleep(ctx.pauseMs);
      }
    }
  }
  await retry(ctx, `unable to remove ${n}/${file}, pausing: `, () => steps.unlink(at(file)));
  for (;;) {
    liveOrCancelled(ctx);
    let fit: boolean;
    try {
      fit = await filesFit(dir.path, num, steps);
    } catch (e) {
      liveOrCancelled(ctx);
      ctx.warn(`unable to read ${n}, pausing: ${reason(e)}`);
      await sleep(ctx.pauseMs);
      continue;
    }
    if (fit) return;
  }
}

/** multilog's first candidate for the oldest name, `@z`. */
const AT_Z = enc.encode("@z");

/**
 * True when fewer than `num` log files are in `path`; otherwise removes the
 * oldest (names compared as bytes, as multilog's str_diff does).
 */
async function filesFit(path: string, num: number, steps: PathCalls): Promise<boolean> {
  const names = await listDir(steps, path);
  const logFile = (name: Uint8Array) => name[0] === 64 && name.length >= 25; // @
  let count = 0;
  let oldest = AT_Z;
  for (const name of names) {
    if (!logFile(name)) continue;
    count++;
    if (compareBytes(name, oldest) < 0) oldest = name.slice(0, 25);
  }
  if (count < num) return true;
  for (const name of names) {
    if (logFile(name) && startsWith(name, oldest)) {
      const file = new Uint8Array([...enc.encode(`${path}/`), ...name]);
      // as multilog's unlink() with the result ignored: the next pass finds it still there
      await steps.unlink(file).catch(() => {});
      break;
    }
  }
  return false;
}

/** Byte-wise comparison, as str_diff (unsigned). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function startsWith(a: Uint8Array, prefix: Uint8Array): boolean {
  if (a.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (a[i] !== prefix[i]) return false;
  return true;
}
