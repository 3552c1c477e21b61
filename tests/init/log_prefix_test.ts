/**
 * `dt init --log-prefix` (issue 28, item 5): every service without a `log/`,
 * and PROG, on dt's stdout line by line, prefixed with its name, whole lines
 * only; a stdout nobody reads blocks the writers, not dt's memory.
 */
import { LAUNCHER, waitFor, withSandbox } from "../helpers/mod.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { MODES } from "./_lib.ts";
import { dtPid } from "./_ro.ts";

/** Lines each writer writes: about 8 MB each, 24 MB in all, far over what dt may hold. */
const N = 160000;
/** What one writer writes: `NAME I xxxx…` for I in 1..N, through awk (4 KiB writes: lines cut anywhere). */
const chatter = (name: string) =>
  `awk 'BEGIN { for (i = 1; i <= ${N}; i++) printf "${name} %d %s\\n", i, "${"x".repeat(40)}" }'`;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return m ? Number(m[1]) : 0;
}

for (const mode of MODES) {
  Deno.test(`dt init -l (${mode}): two chatty services and PROG, every line whole and prefixed; stdout blocked 5 s: writers blocked, memory bounded, nothing lost`, async () => {
    await withSandbox(async (sb) => {
      const out = sb.path("out");
      Deno.mkdirSync(out);
      for (const name of ["a", "b"]) {
        sb.write(
          `svc/${name}/run`,
          `#!/bin/sh\n[ -e ${out}/${name}.done ] || { ${
            chatter(name)
          }; : > ${out}/${name}.done; }\n` +
            "exec sleep 1000\n",
          true,
        );
      }
      sb.write(
        "app",
        `#!/bin/sh\ntrap 'printf "app bye"; exit 0' TERM\n${
          chatter("app")
        }\n: > ${out}/app.done\n` +
          "while :; do sleep 0.05; done\n",
        true,
      );
      const fifo = sb.path("stdout");
      new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
      const dtArgs = [LAUNCHER, "init", "-l", "-S", sb.path("svc"), "--", sb.path("app")];
      const inner = ["sh", "-c", `exec "$@" > '${fifo}'`, "sh", ...dtArgs];
      const cmd = mode === "pid1"
        ? ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", ...inner]
        : inner;
      const opened = Deno.open(fifo, { read: true }); // resolves once dt's side opens it
      const proc = sb.start(cmd[0], cmd.slice(1), { cwd: sb.dir });
      const reader = await opened;
      const pid = await waitFor("dt's pid", () => dtPid(mode, proc.pid));
      // nobody reads: once every writer has started, dt holds what it holds
      await waitFor("every writer started", () => awks(pid) === 3);
      const before = rssKiB(pid);
      await new Promise((r) => setTimeout(r, 5000));
      const after = rssKiB(pid);
      // the writers are blocked, not done: what they wrote waits in their pipes
      for (const n of ["a", "b", "app"]) {
        assert(!exists(`${out}/${n}.done`), `${n} finished while stdout was blocked`);
      }
      assertEquals(awks(pid), 3);
      assert(
        after - before < 16 * 1024,
        `dt grew by ${after - before} KiB while stdout was blocked (${before} -> ${after})`,
      );

      // now read it all: every line whole, prefixed with its writer's name, none lost
      const seen: Record<string, number> = { a: 0, b: 0, app: 0 };
      const bad: string[] = [];
      let rest = "";
      const dec = new TextDecoder();
      const buf = new Uint8Array(1 << 16);
      const total = () => seen.a + seen.b + seen.app;
      const deadline = Date.now() + 120000;
      while (total() < 3 * N && Date.now() < deadline) {
        const n = await reader.read(buf);
        if (n === null) break;
        rest += dec.decode(buf.subarray(0, n), { stream: true });
        const lines = rest.split("\n");
        rest = lines.pop()!;
        for (const l of lines) {
          const m = /^(a|b|app): (a|b|app) (\d+) x{40}$/.exec(l);
          if (m === null || m[1] !== m[2] || Number(m[3]) !== seen[m[1]] + 1) {
            if (bad.length < 5) bad.push(l.slice(0, 120));
            continue;
          }
          seen[m[1]]++;
        }
      }
      assertEquals(bad, []);
      assertEquals(seen, { a: N, b: N, app: N });
      Deno.kill(pid, "SIGTERM");
      // the rest, to the end: PROG's last words, an unfinished line, get their newline
      for (let n; (n = await reader.read(buf)) !== null;) {
        rest += dec.decode(buf.subarray(0, n), { stream: true });
      }
      reader.close();
      assertEquals((await proc.status).code, 0, proc.stderr());
      assertEquals(rest, "app: app bye\n");
    });
  });
}

/** How many awk processes run below `pid`. */
function awks(pid: number): number {
  let n = 0;
  const walk = (p: number) => {
    let kids: string[] = [];
    try {
      kids = Deno.readTextFileSync(`/proc/${p}/task/${p}/children`).trim().split(" ");
    } catch { /* gone */ }
    for (const k of kids.filter((k) => k !== "")) {
      try {
        if (Deno.readTextFileSync(`/proc/${k}/comm`).trim().endsWith("awk")) n++;
      } catch { /* gone */ }
      walk(Number(k));
    }
  };
  walk(pid);
  return n;
}

function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}
