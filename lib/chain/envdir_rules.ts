/**
 * envdir's rules for one file's contents, exactly as daemontools 0.76 applies
 * them. Pure.
 *
 * - an empty file removes the variable;
 * - otherwise the value is the first line, with trailing spaces and tabs cut,
 *   and each NUL byte turned into a newline;
 * - a name that vanishes between readdir and open (a dangling symlink) keeps
 *   the previous file's buffer: daemontools reuses one buffer, and the value
 *   of such a name is computed from what the previous file left there.
 *
 * @module
 */

/** The value a buffer yields (null: remove the variable) and the buffer left behind. */
export interface EnvdirValue {
  /** The variable's value, or null to remove it. */
  value: Uint8Array | null;
  /** The buffer as envdir leaves it (the value plus a NUL), for a file that vanishes next. */
  buffer: Uint8Array;
}

/**
 * Applies the rules to one file's bytes.
 *
 * @example
 * ```ts
 * const enc = new TextEncoder();
 * envdirValue(enc.encode("a\0b \t\nrest")).value; // bytes of "a\nb"
 * envdirValue(new Uint8Array()).value;            // null
 * ```
 */
export function envdirValue(buf: Uint8Array): EnvdirValue {
  if (buf.length === 0) return { value: null, buffer: buf };
  let len = buf.indexOf(0x0a);
  if (len === -1) len = buf.length;
  while (len > 0 && (buf[len - 1] === 0x20 || buf[len - 1] === 0x09)) len--;
  const value = buf.slice(0, len).map((b) => b === 0 ? 0x0a : b);
  const buffer = new Uint8Array(len + 1);
  buffer.set(value);
  return { value, buffer };
}
