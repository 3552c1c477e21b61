/**
 * POSIX `cksum`: the CRC-32 (polynomial 0x04C11DB7, most significant bit
 * first) of the bytes and then of their length, complemented, as every
 * `cksum` prints it (`CRC SIZE NAME`). The one file's unpacker checks what it
 * unpacked with the system's `cksum`; the build computes the same here.
 *
 * @module
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** The CRC `cksum` prints for `data`. */
export function cksum(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) {
    crc = ((crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xff]) >>> 0;
  }
  // then the length, least significant byte first, as many bytes as it takes
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) {
    crc = ((crc << 8) ^ TABLE[((crc >>> 24) ^ (n & 0xff)) & 0xff]) >>> 0;
  }
  return (~crc) >>> 0;
}

/** The line `cksum NAME` prints for `data` (no newline). */
export function cksumLine(name: string, data: Uint8Array): string {
  return `${cksum(data)} ${data.length} ${name}`;
}
