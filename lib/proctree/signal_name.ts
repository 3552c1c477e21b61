/**
 * Signals named in files and options (`down-signal`, `dt init -r`): a number
 * or a name, as the supervisors and init read them.
 *
 * @module
 */
import { SIG } from "../sys/signal.ts";

/** A signal given as a number (`15`) or a name (`TERM`, `SIGTERM`); null when unknown. */
export function parseSignal(text: string, allowZero: boolean): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n === 0) return allowZero ? 0 : null;
    return n >= 1 && n <= 31 ? n : null;
  }
  const name = text.toUpperCase().replace(/^SIG/, "");
  return SIG[name] ?? null;
}
