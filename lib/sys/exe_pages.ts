/**
 * Start-up's pages of the runtime, given back. A Deno process maps the whole
 * `deno` executable and, as it starts (the snapshot, the parser, the module
 * loader), touches some 25 MiB of it that a long-running program never runs
 * again. Those pages are the file's own bytes, shared with the page cache:
 * unmapping them (madvise MADV_DONTNEED) takes them off this process's RSS and
 * PSS and leaves them in the page cache, where the next dt program still finds
 * them; what this process runs again is mapped again by a minor fault.
 *
 * Only mappings of the executable that are not writable and hold no copied
 * (anonymous) page are touched: for those, mapped again means the same bytes.
 * A relocated page (RELRO) is a copy and would come back unrelocated, so a
 * mapping with one is left alone.
 *
 * @module
 */
import { lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  madvise: { parameters: ["usize", "usize", "i32"], result: "i32" },
});

const MADV_DONTNEED = 4;

/** One mapping to give back: its address range and its resident KiB. */
export interface CleanMapping {
  start: bigint;
  end: bigint;
  rssKiB: number;
}

/**
 * The mappings of `exe` in `smaps` (the text of /proc/PID/smaps) that hold the
 * file's bytes only: not writable, no anonymous page. Pure.
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert";
 * const smaps = [
 *   "1000-3000 r-xp 00000000 08:01 7 /usr/bin/deno", "Rss: 8 kB", "Anonymous: 0 kB",
 *   "3000-4000 r--p 00002000 08:01 7 /usr/bin/deno", "Rss: 4 kB", "Anonymous: 4 kB",
 *   "4000-5000 rw-p 00003000 08:01 7 /usr/bin/deno", "Rss: 4 kB", "Anonymous: 0 kB",
 * ].join("\n");
 * assertEquals(cleanExeMappings(smaps, "/usr/bin/deno"), [
 *   { start: 0x1000n, end: 0x3000n, rssKiB: 8 },
 * ]);
 * ```
 */
export function cleanExeMappings(smaps: string, exe: string): CleanMapping[] {
  const out: CleanMapping[] = [];
  let cur: (CleanMapping & { ok: boolean; anon: number }) | null = null;
  const flush = () => {
    if (cur?.ok && cur.anon === 0) out.push({ start: cur.start, end: cur.end, rssKiB: cur.rssKiB });
  };
  for (const line of smaps.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+ *(.*)$/.exec(line);
    if (head) {
      flush();
      cur = {
        start: BigInt(`0x${head[1]}`),
        end: BigInt(`0x${head[2]}`),
        ok: head[4] === exe && !head[3].includes("w"),
        rssKiB: 0,
        anon: -1,
      };
      continue;
    }
    if (cur === null) continue;
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (field?.[1] === "Rss") cur.rssKiB = Number(field[2]);
    else if (field) cur.anon = Number(field[2]);
  }
  flush();
  return out;
}

/**
 * Unmaps the pages of this process's executable that only start-up used (see
 * the module's text); returns the KiB that were resident in them, 0 when
 * nothing could be done. Never throws: this only saves memory.
 */
export function dropExePages(): number {
  try {
    const exe = Deno.readLinkSync("/proc/self/exe");
    const clean = cleanExeMappings(Deno.readTextFileSync("/proc/self/smaps"), exe);
    let kib = 0;
    for (const m of clean) {
      if (lib().madvise(m.start, m.end - m.start, MADV_DONTNEED) === 0) kib += m.rssKiB;
    }
    return kib;
  } catch {
    return 0;
  }
}
