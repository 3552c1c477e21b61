/**
 * The 18-byte `supervise/status` file of daemontools 0.76, as a pure codec:
 * TAI64N of the last pid change (12 bytes), pid little-endian (4), paused (1),
 * want `u`/`d`/0 (1).
 *
 * @module
 */
import { pack, type Tai64n, unpack } from "../tai64n/codec.ts";

/** What a status file says. */
export interface Status {
  /** Time of the last change of pid (start or end of the service). */
  when: Tai64n;
  /** Pid of the service, 0 when it is down. */
  pid: number;
  /** True when paused with `svc -p` (only meaningful while up). */
  paused: boolean;
  /** `u` (wants up), `d` (wants down), or null (`svc -o`: run once, no wish). */
  want: "u" | "d" | null;
}

/** Size of the status file. */
export const STATUS_SIZE = 18;

/** Encodes a status as daemontools writes it. */
export function encodeStatus(s: Status): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(STATUS_SIZE);
  pack(s.when, b, 0);
  new DataView(b.buffer).setUint32(12, s.pid >>> 0, true);
  b[16] = s.pid && s.paused ? 1 : 0;
  b[17] = s.want === null ? 0 : s.want.charCodeAt(0);
  return b;
}

/** Decodes a status file's bytes; null when shorter than 18 bytes (daemontools: "bad format"). */
export function decodeStatus(b: Uint8Array): Status | null {
  if (b.length < STATUS_SIZE) return null;
  const w = String.fromCharCode(b[17]);
  return {
    when: unpack(b, 0),
    pid: new DataView(b.buffer, b.byteOffset).getUint32(12, true),
    paused: b[16] !== 0,
    want: w === "u" || w === "d" ? w : null,
  };
}
