/**
 * The services of `dt init -S`: whether their directory can be scanned at
 * all (asked before anything starts), and whether they are up yet (pure
 * apart from a stat of each `down` file).
 *
 * @module
 */
import type { Scanner } from "../svscan/scanner.ts";

/**
 * Throws the system's error when `dir` cannot be read as a directory
 * (missing, not a directory, no access): `dt init -S` then starts nothing.
 */
export function checkServiceTree(dir: string): void {
  Deno.readDirSync(dir);
}

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
 * supervisor, or a supervisor whose process is not running, or (`NAME (not
 * ready)`) one that declares readiness and has not said it is ready. A directory with
 * a `down` file is meant to stay down and is not waited for.
 */
export function servicesNotUp(scanner: Pick<Scanner, "services" | "dir">): string[] {
  const out: string[] = [];
  for (const e of scanner.services) {
    const dir = `${scanner.dir}/${e.name}`;
    // one that declares readiness (notification-fd, notify-socket) is waited for until ready
    if (!wantsDown(dir) && !(e.main?.pid)) out.push(e.name);
    else if (!wantsDown(dir) && e.main?.extra.ready === false) out.push(`${e.name} (not ready)`);
    if (e.logged && !wantsDown(`${dir}/log`) && !(e.log?.pid)) out.push(`${e.name}/log`);
  }
  return out;
}
