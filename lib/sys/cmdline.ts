/**
 * The arguments dt was started with, byte for byte. Deno's `Deno.args` turns
 * bytes that are not UTF-8 into U+FFFD, and dt's entry point rewrites the
 * process title (and with it /proc/self/cmdline) after this module is loaded,
 * so the command line is read once, here, at import time.
 *
 * @module
 */
const dec = new TextDecoder();

/** This process's arguments as raw bytes (argv[0] first), read at import; null when unreadable. */
export const CMDLINE: Uint8Array[] | null = (() => {
  try {
    return parseRaw(Deno.readFileSync("/proc/self/cmdline"));
  } catch {
    return null;
  }
})();

/** Splits a NUL-separated cmdline into its arguments (empty ones kept). */
export function parseRaw(raw: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = raw.indexOf(0); i !== -1; i = raw.indexOf(0, start)) {
    out.push(raw.slice(start, i));
    start = i + 1;
  }
  if (start < raw.length) out.push(raw.slice(start));
  return out;
}

/**
 * The raw bytes of the last `args.length` arguments dt got, when they match
 * `args` (as Deno decoded them); otherwise `args` themselves.
 */
export function rawTail(
  args: readonly string[],
  cmdline: Uint8Array[] | null = CMDLINE,
): (string | Uint8Array)[] {
  if (cmdline === null || cmdline.length < args.length) return [...args];
  const tail = cmdline.slice(cmdline.length - args.length);
  const same = tail.every((b, i) => dec.decode(b) === args[i]);
  return same ? tail : [...args];
}
