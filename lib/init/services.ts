/**
 * Whether the services of `dt init -S` are up yet. Pure apart from a stat of
 * each `down` file.
 *
 * @module
 */
import type { Scanner } from "../svscan/scanner.ts";

function wantsDown(dir: string): boolean {
  try {
    Deno.statSync(`${dir}/down`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The services (and loggers, as `NAME/log`) that should be up and are not: no
 * supervisor, or a supervisor whose process is not running. A directory with
 * a `down` file is meant to stay down and is not waited for.
 */
export function servicesNotUp(scanner: Pick<Scanner, "services" | "dir">): string[] {
  const out: string[] = [];
  for (const e of scanner.services) {
    const dir = `${scanner.dir}/${e.name}`;
    if (!wantsDown(dir) && !(e.main?.pid)) out.push(e.name);
    if (e.pipe !== null && !wantsDown(`${dir}/log`) && !(e.log?.pid)) out.push(`${e.name}/log`);
  }
  return out;
}
