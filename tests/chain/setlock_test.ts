/**
 * setlock between two processes: the lock is held across exec (by the final
 * program, same pid), contention gives daemontools' message or silence, a
 * waiter waits, and a chain that fails after taking the lock leaves it free.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { waitFor } from "../helpers/mod.ts";
import { ACCOUNT, chainSandbox, ensureAccount, runClean } from "./_probe.ts";

function lockFree(path: string): boolean {
  return new Deno.Command("flock", { args: ["-n", path, "true"] }).outputSync().code === 0;
}

Deno.test("setlock: contention between two processes, the lock held across exec", async () => {
  ensureAccount();
  const { sb, bin, env } = chainSandbox();
  try {
    const lk = sb.path("lk");
    // holder: setlock, then setuidgid and pgrphack in-process, then sleep (same pid)
    const holder = sb.start(
      `${bin}/setlock`,
      [lk, "setuidgid", ACCOUNT, "pgrphack", "sleep", "600"],
      { cwd: sb.dir, env },
    );
    await waitFor(
      "the holder to exec sleep",
      () => Deno.readTextFileSync(`/proc/${holder.pid}/comm`).trim() === "sleep",
    );
    assert(!lockFree(lk), "the exec'd program holds the lock");
    const status = Deno.readTextFileSync(`/proc/${holder.pid}/status`);
    const uid = (await runClean(["id", "-u", ACCOUNT], env, sb.dir)).stdout.trim();
    assert(new RegExp(`^Uid:\\s+${uid}\\s`, "m").test(status), status);
    const fdinfo = [...Deno.readDirSync(`/proc/${holder.pid}/fd`)]
      .filter((e) => Deno.readLinkSync(`/proc/${holder.pid}/fd/${e.name}`) === lk);
    assertEquals(fdinfo.length, 1, "one fd on the lock file");

    // -n: daemontools' message and 111, the same from Debian's setlock
    for (const prog of [`${bin}/setlock`, "/usr/bin/setlock"]) {
      const r = await runClean([prog, "-n", lk, "echo", "ran"], env, sb.dir);
      assertEquals({ code: r.code, out: r.stdout, err: r.stderr }, {
        code: 111,
        out: "",
        err: `setlock: fatal: unable to lock ${lk}: temporary failure\n`,
      }, prog);
      const x = await runClean([prog, "-nx", lk, "echo", "ran"], env, sb.dir);
      assertEquals({ code: x.code, out: x.stdout, err: x.stderr }, { code: 0, out: "", err: "" });
    }

    // a waiter blocks in flock(2) until the holder ends
    const marker = sb.path("marker");
    const waiter = sb.start(`${bin}/setlock`, [lk, "sh", "-c", `echo got > ${marker}`], {
      cwd: sb.dir,
      env,
    });
    await waitFor("the waiter to block in flock", () => {
      const sc = Deno.readTextFileSync(`/proc/${waiter.pid}/syscall`);
      return sc.startsWith("73 "); // flock on x86_64
    });
    assert(!Deno.readDirSync(sb.dir).some((e) => e.name === "marker"), "no run while locked");
    holder.kill("SIGKILL");
    await holder.status;
    const st = await waiter.status;
    assertEquals(st.code, 0);
    assertEquals(Deno.readTextFileSync(marker), "got\n");
    assert(lockFree(lk), "released when the waiter's program ended");
  } finally {
    await sb.close();
  }
});

Deno.test("setlock: a chain that fails after the lock leaves nothing held", async () => {
  ensureAccount();
  const { sb, bin, env } = chainSandbox();
  try {
    const lk = sb.path("lk");
    const cases: [string[], number, string][] = [
      [["setuidgid", "nosuch", "true"], 111, "setuidgid: fatal: unknown account nosuch\n"],
      [
        ["envdir", "/nonexistent", "true"],
        111,
        "envdir: fatal: unable to switch to directory /nonexistent: file does not exist\n",
      ],
      [
        ["softlimit", "-m", "bad", "true"],
        100,
        "softlimit: usage: softlimit [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] " +
        "[-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] " +
        "[-s stackbytes] [-t cpusecs] child\n",
      ],
      [
        ["pgrphack", "/nonexistent"],
        111,
        "pgrphack: fatal: unable to run /nonexistent: file does not exist\n",
      ],
    ];
    for (const [rest, code, err] of cases) {
      const r = await runClean([`${bin}/setlock`, lk, ...rest], env, sb.dir);
      assertEquals({ code: r.code, err: r.stderr }, { code, err }, rest.join(" "));
      assert(lockFree(lk), `lock free after: ${rest.join(" ")}`);
    }
  } finally {
    await sb.close();
  }
});
