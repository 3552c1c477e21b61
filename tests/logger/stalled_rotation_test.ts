/**
 * A log directory on a stalled disk holds up its own logger, never the
 * scanner: while a rotation waits on the disk (a rename delayed by strace,
 * an open held by a fanotify listener), `svc -t` on another service gets
 * its new pid, and gets it while the rotation still waits: a scanner that
 * waited on the disk would act on it only after (the wait is 10 s). No
 * duration is asserted: the order is.
 */
import { assert } from "../helpers/assert.ts";
import { need, run, type Sandbox, testAccount, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { children, svscan, up } from "../svscan/_svscan.ts";

const CHATTY = 'n=0; while :; do n=$((n+1)); echo "line $n"; sleep 0.01; done';
const SVC = "/usr/bin/svc";

/** rename, renameat, renameat2 on this machine. */
const RENAMES = Deno.build.arch === "aarch64" ? [38, 276] : [82, 264, 316];

/** True while a thread of `pid` is in a rename system call (stopped by strace on its way in). */
function renaming(pid: number): boolean {
  try {
    for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
      try {
        const nr = Number(
          Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/syscall`).split(" ")[0],
        );
        if (RENAMES.includes(nr)) return true;
      } catch { /* gone */ }
    }
  } catch { /* gone */ }
  return false;
}

/** A tree: `slow` (a chatty service with the logger under test), and three idle services. */
function tree(sb: Sandbox, logRun: string): { slow: string; others: string[] } {
  const slow = sb.service("slow", CHATTY);
  sb.write("slow/log/run", logRun, true);
  const others = ["a", "b", "c"].map((n) => sb.service(n, "exec sleep 1000"));
  return { slow, others };
}

/**
 * With a rotation of `slow/log` waiting on the disk (`stalled` resolves once
 * it does), `svc -t` on another service: its new pid, while `stillStalled()`.
 */
async function restartWhileStalled(
  scanPid: number,
  t: { slow: string; others: string[] },
  stalled: () => Promise<unknown>,
  stillStalled: () => boolean,
): Promise<void> {
  for (const d of t.others) await up(d);
  await waitFor("the logger in the scanner", () => readStatus(`${t.slow}/log`)?.pid === scanPid);
  await waitFor("lines logged", () => {
    try {
      return Deno.statSync(`${t.slow}/log/main/current`).size > 0;
    } catch {
      return false;
    }
  });
  const other = t.others[1], old = readStatus(other)!.pid;
  assert((await run(SVC, ["-a", `${t.slow}/log`])).code === 0);
  await stalled();
  assert((await run(SVC, ["-t", other])).code === 0);
  await waitFor(`${other} restarted`, () => {
    const p = readStatus(other)?.pid ?? 0;
    return p !== old && p !== 0;
  });
  assert(stillStalled(), `${other} was restarted only once the rotation's wait was over`);
}

Deno.test("a rotation's rename held 10 s in one log directory: svc -t elsewhere is acted on meanwhile", async () => {
  const strace = need("strace", "strace");
  need(SVC, "daemontools");
  await withSandbox(async (sb) => {
    const t = tree(sb, "#!/bin/sh\nexec multilog t ./main\n");
    const main = `${t.slow}/log/main`;
    // only renames of the log directory's files (not the status files' renames)
    const paths = ["current", "previous", "newstate"].flatMap((f) => [
      "-P",
      `${main}/${f}`,
      "-P",
      `${t.slow}/log/./main/${f}`,
    ]);
    const tracer = sb.start(strace, [
      "-f",
      "--seccomp-bpf",
      "-qq",
      "-o",
      "/dev/null",
      "-e",
      "trace=rename,renameat,renameat2",
      "-e",
      "inject=rename,renameat,renameat2:delay_enter=10000000",
      ...paths,
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      "--no-config",
      new URL("../../cli.ts", import.meta.url).pathname,
      "svscan",
      sb.dir,
    ], { cwd: sb.dir, env: { PATH: "/usr/bin:/bin" } });
    const scanPid = await waitFor(
      "the scanner under strace",
      () => children(tracer.pid).find((c) => c.cmd.includes("svscan"))?.pid,
    );
    await restartWhileStalled(
      scanPid,
      t,
      () => waitFor("the rename held", () => renaming(scanPid)),
      () => renaming(scanPid),
    );
    Deno.kill(scanPid, "SIGTERM");
    await tracer.status;
  });
});

Deno.test("an account logger's rotation held on the disk (its open of current): svc -t elsewhere is acted on meanwhile", async () => {
  const python = need("/usr/bin/python3", "python3");
  need(SVC, "daemontools");
  const account = testAccount("dtlogsec");
  await withSandbox(async (sb) => {
    Deno.chmodSync(sb.dir, 0o755);
    const t = tree(sb, `#!/bin/sh\nexec setuidgid ${account.name} multilog t ./main\n`);
    const main = `${t.slow}/log/main`;
    Deno.mkdirSync(main);
    Deno.chownSync(main, account.uid, account.gid);
    const sc = svscan(sb, [sb.dir], { PATH: "/usr/bin:/bin" });
    await waitFor("the logger in the scanner", () => readStatus(`${t.slow}/log`)?.pid === sc.pid);
    // a fanotify listener holds the scanner's opens of main/current for 10 s each
    const holder = sb.start(python, [
      "-c",
      FANOTIFY_HOLD,
      main,
      String(sc.pid),
      "10",
    ]);
    await waitFor("the listener", () => holder.stdout().includes("ready"));
    await restartWhileStalled(
      sc.pid,
      t,
      () => waitFor("the open held", () => holder.stdout().includes("held")),
      () => count(holder.stdout(), "held") > count(holder.stdout(), "released"),
    );
    holder.kill("SIGKILL");
    await holder.status;
    sc.kill("SIGTERM");
    await sc.status;
  });
});

/**
 * A fanotify(7) listener (python3, ctypes): every open in directory argv[1]
 * is allowed, those of `current` by pid argv[2] only after argv[3] seconds
 * (it prints `held` when one comes, `released` when it lets it go).
 */
/** How many lines of `text` are `word`. */
function count(text: string, word: string): number {
  return text.split("\n").filter((l) => l === word).length;
}

const FANOTIFY_HOLD = `
import ctypes, os, struct, sys, threading, time
libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_char_p]
d, pid, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
fd = libc.fanotify_init(0x4 | 0x1, os.O_RDONLY)  # FAN_CLASS_CONTENT | FAN_CLOEXEC
if fd < 0 or libc.fanotify_mark(fd, 1, 0x10000 | 0x08000000, -100, d.encode()) < 0:
    raise OSError(ctypes.get_errno(), "fanotify")  # FAN_OPEN_PERM | FAN_EVENT_ON_CHILD
print("ready", flush=True)
def answer(efd, wait):
    time.sleep(wait)
    os.write(fd, struct.pack("iI", efd, 1))  # FAN_ALLOW
    os.close(efd)
    if wait:
        print("released", flush=True)
while True:
    buf, off = os.read(fd, 4096), 0
    while off < len(buf):
        size, _, _, _, _, efd, epid = struct.unpack_from("IBBHQii", buf, off)
        off += size
        try:
            name = os.readlink("/proc/self/fd/%d" % efd)
        except OSError:
            name = ""
        hold = epid == pid and name.endswith("/current")
        if hold:
            print("held", flush=True)
        threading.Thread(target=answer, args=(efd, delay if hold else 0)).start()
`;
