/**
 * RLIMIT_NPROC at setuid time, as the kernel sees it for daemontools: setuid()
 * marks the process when the account already runs more tasks than the soft
 * limit, and the next execve then fails with EAGAIN. Deno has several threads,
 * each counted as a task of the new account as glibc switches them one by one,
 * so dt works out the verdict a one-thread setuidgid would get.
 *
 * @module
 */

/** Tasks on the whole system (the total of /proc/loadavg), or Infinity if unknown. */
function totalTasks(): number {
  try {
    const total = Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[3]?.split("/")[1]);
    return Number.isFinite(total) ? total : Infinity;
  } catch {
    return Infinity;
  }
}

/** Tasks (threads) run by real uid `uid`, outside this process. */
function tasksOf(uid: number): number {
  let n = 0;
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    try {
      const status = Deno.readTextFileSync(`/proc/${e.name}/status`);
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
      n += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** Room for this process's own threads when deciding whether counting can matter. */
const OWN_THREADS = 64n;

/**
 * Whether setuid to `uid` under soft limit `soft` would make daemontools'
 * next execve fail (more tasks than the limit already run as `uid`; root is
 * exempt), and whether this process's own threads could trip the limit.
 */
export function nprocVerdict(uid: number, soft: bigint): { exceeded: boolean; tight: boolean } {
  if (uid === 0) return { exceeded: false, tight: false };
  const total = totalTasks();
  if (total !== Infinity && BigInt(total) + OWN_THREADS <= soft) {
    return { exceeded: false, tight: false };
  }
  return { exceeded: BigInt(tasksOf(uid)) > soft, tight: true };
}
