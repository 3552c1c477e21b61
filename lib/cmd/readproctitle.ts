/**
 * `readproctitle IGNORED... DOTS`: as daemontools 0.76, turns every byte of
 * its last argument into a dot, then reads its stdin and shifts every byte it
 * reads into that argument, in place, so that `ps` shows the latest text
 * (svscanboot's error output) in place of the dots. The last argument keeps
 * its first three bytes; NUL bytes are skipped; every other byte is kept as
 * it is. It exits 0 at end of input, 111 on a read error, and 100 without
 * arguments or with a last argument shorter than 5 bytes (silently, as 0.76
 * does). The arguments are shown byte for byte, as given.
 *
 * The command line is `readproctitle ARGS…`, each argument its own entry, as
 * /proc/PID/cmdline shows daemontools' (lib/sys/title.ts); its length never
 * changes.
 *
 * @module
 */
import { encodeRaw } from "../common/raw_text.ts";
import { closedAtStart } from "../sys/launched.ts";
import { setTitle } from "../sys/title.ts";

/** Shifts the non-NUL bytes of `input` into `window` from the right, keeping its first 3. */
export function shiftIn(window: Uint8Array, input: Uint8Array): void {
  const keep = window.length - 3;
  if (keep <= 0) return;
  for (const b of input) {
    if (b === 0) continue;
    window.copyWithin(3, 4);
    window[window.length - 1] = b;
  }
}

/** Shows stdin in the process title until end of input. */
export async function main(args: string[]): Promise<number> {
  if (args.length < 1) return 100;
  // the arguments hold bytes that are not UTF-8 as given (lib/common/raw_text.ts): so does the title
  const lastLen = encodeRaw(args[args.length - 1]).length;
  if (lastLen < 5) return 100;
  const title = setTitle(["readproctitle", ...args.slice(0, -1), ".".repeat(lastLen)]);
  // the last argument in the title, without its NUL
  const window = title === null
    ? new Uint8Array(lastLen)
    : title.bytes.subarray(title.bytes.length - 1 - lastLen, title.bytes.length - 1);
  if (closedAtStart(0)) return 111;
  try {
    for await (const chunk of Deno.stdin.readable) shiftIn(window, chunk);
  } catch {
    return 111;
  }
  return 0;
}
