/**
 * daemontools' pattern match (match.c): the pattern must cover the whole
 * line; `*` matches any run of bytes up to the first occurrence of the
 * pattern's next byte (no backtracking), and a trailing `*` matches the rest.
 *
 * @module
 */

/**
 * True when `pattern` matches `line[0…len)`.
 *
 * @example
 * ```ts
 * const e = new TextEncoder();
 * match(e.encode("*err*"), e.encode("an error here"), 13); // true
 * match(e.encode("*b"), e.encode("abcb"), 4); // false: * stops at the first b
 * ```
 */
export function match(pattern: Uint8Array, line: Uint8Array, len: number): boolean {
  let p = 0, b = 0;
  for (;;) {
    if (p === pattern.length) return b === len;
    let ch = pattern[p++];
    if (ch === 42) {
      if (p === pattern.length) return true;
      ch = pattern[p];
      for (;;) {
        if (b === len) return false;
        if (line[b] === ch) break;
        b++;
      }
      continue;
    }
    if (b === len) return false;
    if (line[b] !== ch) return false;
    b++;
  }
}
