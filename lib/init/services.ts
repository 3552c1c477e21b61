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
