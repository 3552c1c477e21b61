/**
 * `readproctitle IGNORED... DOTS`: as daemontools 0.76, reads its stdin and
 * shifts every byte it reads into its last argument, so that `ps` shows the
 * latest text (svscanboot's error output) in place of the dots. The last
 * argument keeps its first three characters as `...`; NUL bytes are skipped.
 * It exits 0 at end of input, 111 on a read error, and 100 without arguments
 * or with a last argument shorter than 5 characters (silently, as 0.76 does).
 *
 * dt rewrites its title with node:process `title`, which writes
 * /proc/PID/cmdline: the title is `readproctitle ARGS...`, always of the same
 * length. A byte that is not printable ASCII is shown as `?`, as `ps` shows it.
 *
 * @module
 */
import process from "node:process";

/** The title after `bytes` were shifted into `window` (the last argument, as shown). */
export function shiftIn(window: string, bytes: Uint8Array): string {
  let w = window;
  const add: string[] = [];
  for (const b of bytes) {
    if (b === 0) continue;
    add.push(b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "?");
  }
  if (add.length === 0) return w;
  const keep = w.length - 3;
  const tail = (w.slice(3) + add.join("")).slice(-keep);
  w = w.slice(0, 3) + tail;
  return w;
}

/** Shows stdin in the process title until end of input. */
export async function main(args: string[]): Promise<number> {
  if (args.length < 1) return 100;
  const last = args[args.length - 1];
  if (last.length < 5) return 100;
  const head = ["readproctitle", ...args.slice(0, -1)].join(" ") + " ";
  let window = ".".repeat(last.length);
  const show = () => {
    try {
      process.title = head + window;
    } catch {
      // a title that cannot be set is not worth dying for
    }
  };
  show();
  try {
    for await (const chunk of Deno.stdin.readable) {
      window = shiftIn(window, chunk);
      show();
    }
  } catch {
    return 111;
  }
  return 0;
}
