/**
 * An in-process logger on a disk that is full or slow, as daemontools users
 * meet it: the writer is held back by the pipe (the scanner's memory stays
 * bounded), KILL ends the logger at once, and a slow disk holds up nothing
 * but its own logger — `svc` on other services still answers.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { need, run, type Sandbox, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { endKeepers, restarted, svscan, up } from "../svscan/_svscan.ts";

/** A service that writes numbered lines of ~80 bytes as fast as the pipe takes them. */
const FLOOD =
  'n=0; while :; do n=$((n+1)); echo "line $n ................................................................"; done';

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return Number(m?.[1] ?? 0);
}

function wchan(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/wchan`);
  } catch {
    return "";
  }
}

/** Runs `fn` with a tmpfs of `size` mounted at `dir` (made), unmounted afterwards. */
async function withTmpfs(dir: string, size: string, fn: () => Promise<void>): Promise<void> {
  Deno.mkdirSync(dir, { recursive: true });
  const m = await run("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
  assertEquals(m.code, 0, `mount: ${m.stderr}`);
  try {
    await fn();
  } finally {
    await run("umount", ["-l", dir]);
  }
}

/** The numbers of every logged line, oldest file first; [] while a rotation is under way. */
function loggedNumbers(main: string): number[] {
  const list = () => [...Deno.readDirSync(main)].map((e) => e.name).sort().join(" ");
  const before = list();
  if (before.includes("previous")) return []; // lines between current and an @ file
  const names = before.split(" ").filter((n) => n.startsWith("@")).concat(["current"]);
  const ns = names.flatMap((n) => Deno.readTextFileSync(`${main}/${n}`).split("\n"))
    .filter((l) => l !== "").map((l) => Number(l.split(" ")[2]));
  return list() === before ? ns : [];
}

/** Lines of FLOOD_UNTIL: more than the full 1 MB disk and every buffer on the way hold. */
const LINES = 80000;
/** FLOOD, but LINES lines only, then idle. */
const FLOOD_UNTIL =
  `n=0; while [ $n -lt ${LINES} ]; do n=$((n+1)); echo "line $n ................................................................"; done; exec sleep 1000`;

/** A service flooding a logger whose ./main is a full 1 MB tmpfs. */
async function fullDisk(
  fn: (sb: Sandbox, sc: ReturnType<typeof svscan>, web: string, disk: string) => Promise<void>,
  run = FLOOD,
): Promise<void> {
  await withSandbox(async (sb) => {
    const disk = sb.path(".disk");
    await withTmpfs(disk, "1m", async () => {
      const web = sb.service("web", run);
      // s2000000: current alone outgrows the disk
      sb.write("web/log/run", "#!/bin/sh\nexec multilog t s2000000 ./main\n", true);
      Deno.mkdirSync(`${disk}/main`);
      Deno.symlinkSync(`${disk}/main`, `${web}/log/main`);
      const sc = svscan(sb, [sb.dir], { PATH: "/usr/bin:/bin" });
      try {
        assertEquals(await up(`${web}/log`), sc.pid, "the logger runs in the scanner");
        await waitFor("the disk full", () => sc.stderr().includes("out of disk space"), 60000);
        await fn(sb, sc, web, disk);
      } finally {
        await stopTree(sb, sc, [web]);
      }
    });
  });
}

Deno.test("full disk: the writer blocks on the pipe, the scanner's memory stays bounded, nothing is lost", async () => {
  await fullDisk(async (_sb, sc, web, disk) => {
    const writer = readStatus(web)!.pid;
    await waitFor("the writer blocked in the pipe", () => /pipe_write$/.test(wchan(writer)), 20000);
    const before = rssKiB(sc.pid);
    let peak = before;
    const end = Date.now() + 30000;
    while (Date.now() < end) {
      peak = Math.max(peak, rssKiB(sc.pid));
      await new Promise((r) => setTimeout(r, 250));
    }
    const growthMiB = (peak - before) / 1024;
    // daemontools' multilog holds ~1.3 MB here; dt's bound is its logger budget
    assert(growthMiB < 16, `scanner RSS grew ${growthMiB.toFixed(1)} MiB in 30 s on a full disk`);
    assert(/pipe_write$/.test(wchan(writer)), "the writer is still held back");
    // space comes back: logging goes on where it stopped, with no line lost
    assertEquals((await run("mount", ["-o", "remount,size=64m", disk])).code, 0);
    const ns = await waitFor("every line logged", () => {
      const n = loggedNumbers(`${disk}/main`);
      return n.at(-1) === LINES ? n : null;
    }, 60000).catch((e) => {
      const files = [...Deno.readDirSync(`${disk}/main`)].map((f) => f.name).join(" ");
      throw new Error(`${e.message}\nfiles: ${files}\nscanner: ${sc.stderr().slice(-1500)}`);
    });
    ns.forEach((n, i) => assertEquals(n, i + 1, `line ${i + 1}`));
  }, FLOOD_UNTIL);
});

Deno.test("full disk: svc -dk ends a wedged in-process logger at once; it restarts with current kept as .u", async () => {
  await fullDisk(async (_sb, sc, web, disk) => {
    const log = `${web}/log`;
    assertEquals((await run("/usr/bin/svc", ["-dk", log])).code, 0);
    await waitFor("the logger down", () => readStatus(log)?.pid === 0, 1000);
    const st = await run("/usr/bin/svstat", [log]);
    assert(st.stdout.startsWith(`${log}: down `), st.stdout);
    // KILL, as for multilog: current was not marked finished, and a new start keeps it as .u
    assertEquals((await run("mount", ["-o", "remount,size=64m", disk])).code, 0);
    assertEquals((await run("/usr/bin/svc", ["-u", log])).code, 0);
    await waitFor(
      "a .u file",
      () => [...Deno.readDirSync(`${disk}/main`)].some((e) => /^@[0-9a-f]{24}\.u$/.test(e.name)),
    );
    assertEquals(readStatus(log)?.pid, sc.pid);
  });
});

Deno.test("slow disk (no io_uring): a write of one logger held for a minute; svc -t on another service is acted on meanwhile", async () => {
  need("strace", "strace");
  await withSandbox(async (sb) => {
    const web = sb.service("web", FLOOD);
    sb.write("web/log/run", "#!/bin/sh\nexec multilog t s16000000 ./main\n", true);
    const other = sb.service("other", "exec sleep 1000");
    // the blocking pool's write(2) calls, which strace can delay (io_uring's are the kernel's own)
    const sc = svscan(sb, [sb.dir], { PATH: "/usr/bin:/bin", DT_IO_URING: "0" });
    let tracer: Deno.ChildProcess | null = null;
    try {
      await up(`${web}/log`);
      const first = await up(other);
      await waitFor("logging", () => Deno.statSync(`${web}/log/main/current`).size > 100000);
      // every write, fsync and sync_file_range on the log's current waits 60 s before it is made
      tracer = new Deno.Command("strace", {
        args: [
          "-qq",
          "-f",
          "-p",
          String(sc.pid),
          "-o",
          "/dev/null",
          "-e",
          "trace=write,pwrite64,fsync,fdatasync,sync_file_range",
          "-P",
          `${web}/log/main/current`,
          "-e",
          "inject=write,pwrite64,fsync,fdatasync,sync_file_range:delay_enter=60000000",
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      // the tracer is attached once current stops growing: a write to it is held
      const current = () => Deno.statSync(`${web}/log/main/current`).size;
      const held = await waitFor("the log's writes delayed", () => {
        const s = current();
        return new Promise<number | null>((r) =>
          setTimeout(() => r(current() === s ? s : null), 1000)
        );
      }, 20000);
      let pid = first;
      for (let i = 0; i < 3; i++) {
        // past supervise's one second between starts, so only the event loop can delay it
        await new Promise((r) => setTimeout(r, 1100));
        assertEquals((await run("/usr/bin/svc", ["-t", other])).code, 0);
        pid = await restarted(other, pid);
        // acted on while the log's write still waits: an event loop waiting on it would not be
        assertEquals(
          current(),
          held,
          "the log's delayed write was made before svc -t was acted on",
        );
      }
    } finally {
      if (tracer) {
        tracer.kill("SIGKILL");
        await tracer.status;
      }
      await stopTree(sb, sc, [web, other]);
    }
  });
});

Deno.test("frozen disk (io_uring): one logger's writes wait on a frozen file system; svc -t on another service answers, svstat too", async () => {
  for (const [p, pkg] of [["mkfs.ext4", "e2fsprogs"], ["fsfreeze", "util-linux"]]) need(p, pkg);
  await withSandbox(async (sb) => {
    const img = sb.path(".img"), disk = sb.path(".disk");
    Deno.mkdirSync(disk);
    Deno.writeFileSync(img, new Uint8Array());
    Deno.truncateSync(img, 32 << 20);
    assertEquals((await run("mkfs.ext4", ["-q", img])).code, 0);
    assertEquals((await run("mount", ["-o", "loop", img, disk])).code, 0);
    let frozen = false;
    const web = sb.service("web", FLOOD);
    sb.write("web/log/run", "#!/bin/sh\nexec multilog t s16000000 ./main\n", true);
    Deno.mkdirSync(`${disk}/main`);
    Deno.symlinkSync(`${disk}/main`, `${web}/log/main`);
    const other = sb.service("other", "exec sleep 1000");
    const sc = svscan(sb, [sb.dir], { PATH: "/usr/bin:/bin" });
    try {
      assertEquals(await up(`${web}/log`), sc.pid, "the logger runs in the scanner");
      let pid = await up(other);
      await waitFor("logging", () => Deno.statSync(`${web}/log/main/current`).size > 100000);
      // every write to the log's file system now waits (in the kernel) until it is thawed
      assertEquals((await run("fsfreeze", ["-f", disk])).code, 0);
      frozen = true;
      const current = () => Deno.statSync(`${web}/log/main/current`).size;
      await waitFor("the log's writes stopped", async () => {
        const s = current();
        await new Promise((r) => setTimeout(r, 500));
        return current() === s;
      }, 20000);
      for (let i = 0; i < 3; i++) {
        // past supervise's one second between starts
        await new Promise((r) => setTimeout(r, 1100));
        assertEquals((await run("/usr/bin/svc", ["-t", other])).code, 0);
        // an event loop waiting on the frozen disk would never get to it
        pid = await restarted(other, pid);
      }
      const st = await run("/usr/bin/svstat", [other]);
      assert(st.stdout.startsWith(`${other}: up (pid ${pid})`), st.stdout);
      // thawed: the logger goes on
      const at = current();
      assertEquals((await run("fsfreeze", ["-u", disk])).code, 0);
      frozen = false;
      await waitFor("logging again", () => current() > at);
    } finally {
      // a write waiting on a frozen file system holds its thread until the thaw, even through KILL
      if (frozen) await run("fsfreeze", ["-u", disk]);
      await stopTree(sb, sc, [web, other]);
      await run("umount", ["-l", disk]);
    }
  });
});

/** Stops what a test started: the scanner, the services in `dirs` (by their pids), the pipe keepers. */
async function stopTree(sb: Sandbox, sc: ReturnType<typeof svscan>, dirs: string[]): Promise<void> {
  sc.kill("SIGKILL");
  await sc.status;
  for (const d of dirs) {
    const pid = readStatus(d)?.pid;
    if (pid) Deno.kill(pid, "SIGKILL");
  }
  endKeepers(sb);
}
