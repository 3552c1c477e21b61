/**
 * waitpid(2) and the decoding of a wait status.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { errno, lazyLibc } from "./libc.ts";

/** How a child ended. */
export interface WaitStatus {
  /** The pid that was reaped. */
  pid: number;
  /** Exit code when it exited, else null. */
  code: number | null;
  /** Signal number when it was killed by a signal, else null. */
  signal: number | null;
  /** True when the kill dumped core. */
  core: boolean;
  /** The raw wait status. */
  raw: number;
}

const lib = lazyLibc({
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
});

const WNOHANG = 1;
const st = new Int32Array(1);
const stBytes = new Uint8Array(st.buffer);

/** Decodes a raw wait status. */
export function decodeStatus(pid: number, raw: number): WaitStatus {
  const sig = raw & 0x7f;
  if (sig === 0) return { pid, code: (raw >> 8) & 0xff, signal: null, core: false, raw };
  return { pid, code: null, signal: sig, core: (raw & 0x80) !== 0, raw };
}

/**
 * waitpid(pid, WNOHANG): the status if `pid` (or any child, for -1) has ended,
 * null if none has, or "none" when there is no such child (ECHILD).
 */
export function waitNoHang(pid: number): WaitStatus | null | "none" {
  for (;;) {
    const r = lib().waitpid(pid, stBytes, WNOHANG);
    if (r > 0) return decodeStatus(r, st[0]);
    if (r === 0) return null;
    const e = errno();
    if (e === ERRNO.EINTR) continue;
    if (e === ERRNO.ECHILD) return "none";
    throw new SysError("waitpid", e, String(pid));
  }
}
