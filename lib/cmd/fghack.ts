/**
 * `fghack`: daemontools' fghack. Its chain is run by lib/chain: later dt chain
 * programs are applied in this process and only the final program is exec'd.
 *
 * @module
 */
import { runChain } from "../chain/run.ts";

/** Runs fghack with `args` (after the program name). */
export function main(args: string[]): Promise<number> {
  return runChain("fghack", args);
}
