/**
 * `dt help PROGRAM`: prints PROGRAM's man page (roff, for `man -l -`) from the
 * pages shipped beside dt (lib/install/man.ts), so a machine without network
 * or a man directory dt installed into still has them.
 *
 * @module
 */
import { fatal, out, usage } from "../common/output.ts";
import { manSource, pageOf, pages } from "../install/man.ts";

const PROG = "dt help";

/** Runs help with a program's name. */
export function main(args: string[]): number {
  if (args.length !== 1) usage(PROG, "PROGRAM");
  const src = manSource();
  if (src === null) {
    fatal(PROG, 111, "unable to find dt's man pages (a checkout makes them: deno task bundle)");
  }
  const page = pageOf(args[0], pages(src));
  if (page === null) {
    fatal(PROG, 100, `no manual page for ${args[0]} (dt --help lists the programs)`);
  }
  out(Deno.readTextFileSync(`${src}/${page}.8`));
  return 0;
}
