/**
 * The process's name as `ps`, `pidof`, `pgrep -x`, `killall` and
 * /proc/PID/cmdline see it: separate argv entries (`svscan\0.\0`, as
 * daemontools' svscan shows) and comm the program's name.
 *
 * A Deno process's argv is Deno's (`deno run -A … cli.ts svscan .`). The
 * kernel reads /proc/PID/cmdline from the memory between the process's
 * arg_start and arg_end, so the title is written into a buffer of its own
 * (allocated once, never freed) and those two addresses are pointed at it
 * with prctl(PR_SET_MM, PR_SET_MM_MAP) — which needs no capability when the
 * executable link is left alone (PR_SET_MM_ARG_START/END would need
 * CAP_SYS_RESOURCE). The other fields of the map are this process's own,
 * from /proc/self/stat. Where the kernel refuses (no CONFIG_CHECKPOINT_RESTORE),
 * the title is written over Deno's own argv area instead, padded with NULs
 * (cmdline then ends in a run of NULs; the tools above still match it).
 * comm is set with prctl(PR_SET_NAME) on the main thread.
 *
 * @module
 */
import { encodeRaw } from "../common/raw_text.ts";
import { lazyLibc } from "./libc.ts";
import { basename } from "../common/paths.ts";

const lib = lazyLibc({
  prctl: { parameters: ["i32", "u64", "buffer", "u64", "u64"], result: "i32" },
  malloc: { parameters: ["usize"], result: "pointer" },
  syscall: { parameters: ["i64", "i64"], result: "i64" },
});

const PR_SET_NAME = 15, PR_SET_MM = 35, PR_SET_MM_MAP = 14, SYS_BRK = 12n;

/** A title being shown: its bytes can be changed in place (same length). */
export interface Title {
  /** The bytes /proc/PID/cmdline shows (argv entries, each NUL-terminated). */
  readonly bytes: Uint8Array;
  /** True when cmdline shows exactly `bytes` (false: Deno's argv area, padded). */
  readonly exact: boolean;
}

/**
 * argv as the bytes of a command line: each entry followed by NUL (a string's
 * bytes as lib/common/raw_text.ts keeps them: an argument that is not UTF-8
 * shows as given).
 */
function cmdlineBytes(argv: readonly (string | Uint8Array)[]): Uint8Array {
  const parts = argv.map((a) => typeof a === "string" ? encodeRaw(a) : a);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length + 1;
  }
  return out;
}

/** Fields of /proc/self/stat, numbered as proc(5) numbers them (1 = pid). */
function statFields(): bigint[] {
  const s = Deno.readTextFileSync("/proc/self/stat");
  const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3
  return [0n, 0n, 0n, ...rest.map((f) => /^-?\d+$/.test(f) ? BigInt(f) : 0n)];
}

/** Sets comm (15 bytes at most), as the kernel cuts it. */
function setComm(name: string): void {
  const b = new TextEncoder().encode(name).subarray(0, 15);
  const c = new Uint8Array(16);
  c.set(b);
  lib().prctl(PR_SET_NAME, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(c))), c, 0n, 0n);
}

/**
 * Shows `argv` as this process's command line and `argv[0]`'s basename as
 * its comm. Returns the title (whose bytes can be rewritten in place), or
 * null when neither way works.
 */
export function setTitle(argv: readonly (string | Uint8Array)[]): Title | null {
  const bytes = cmdlineBytes(argv);
  const first = typeof argv[0] === "string" ? argv[0] : new TextDecoder().decode(argv[0]);
  try {
    setComm(basename(first));
  } catch { /* comm is a nicety */ }
  try {
    return mapped(bytes) ?? inPlace(bytes);
  } catch {
    return null;
  }
}

/** The title in a buffer of its own, with arg_start/arg_end pointed at it. */
function mapped(bytes: Uint8Array): Title | null {
  const l = lib();
  const p = l.malloc(BigInt(bytes.length));
  if (p === null) return null;
  const buf = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p, bytes.length));
  buf.set(bytes);
  const start = BigInt(Deno.UnsafePointer.value(p));
  const f = statFields();
  const brk = BigInt(l.syscall(SYS_BRK, 0n));
  // struct prctl_mm_map: 11 addresses, auxv pointer, auxv_size (u32), exe_fd (u32)
  const map = new BigUint64Array(13);
  map.set([f[26], f[27], f[45], f[46], f[47], brk, f[28], start, start + BigInt(bytes.length)]);
  map[9] = f[50];
  map[10] = f[51];
  map[11] = 0n;
  new Uint32Array(map.buffer)[25] = 0xffffffff; // exe_fd -1: keep /proc/PID/exe
  const r = l.prctl(PR_SET_MM, BigInt(PR_SET_MM_MAP), new Uint8Array(map.buffer), 104n, 0n);
  return r === 0 ? { bytes: buf, exact: true } : null;
}

/** The title over Deno's own argv area, NUL-padded (when it fits). */
function inPlace(bytes: Uint8Array): Title | null {
  const f = statFields();
  const start = f[48], end = f[49];
  const len = Number(end - start);
  if (len < bytes.length || start === 0n) return null;
  const area = new Uint8Array(
    Deno.UnsafePointerView.getArrayBuffer(Deno.UnsafePointer.create(start)!, len),
  );
  area.fill(0);
  area.set(bytes);
  return { bytes: area.subarray(0, bytes.length), exact: false };
}
