/**
 * What an account that owns a service's or a log's directory can plant there
 * (a link to a root file, a FIFO, a directory, a socket, a link to
 * /dev/zero) while a root scanner runs, or before it starts: the scanner
 * (started through the launcher, as users start it) never writes through
 * it, never waits on it, and says so in one warning naming the file.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, type Sandbox, testAccount, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { up } from "./_svscan.ts";

const ACCOUNT = testAccount("dtlogsec");
/** A service that writes numbered lines for as long as it runs. */
const CHATTY = 'n=0; while :; do n=$((n+1)); echo "line $n"; done';
/** The same in bursts of 2000 lines with a second and a half between (a logger idle between). */
const BURSTS = "n=0; while :; do i=0; while [ $i -lt 2000 ]; do n=$((n+1)); i=$((i+1)); " +
  'echo "line $n"; done; sleep 1.5; done';
const SECRET = "root's secret\n";

/** Runs `script` with `sh -c` as the test account (as it would do it itself). */
async function asAccount(script: string, cwd: string): Promise<void> {
  const r = await new Deno.Command("setpriv", {
    args: [
      `--reuid=${ACCOUNT.uid}`,
      `--regid=${ACCOUNT.gid}`,
      "--clear-groups",
      "sh",
      "-c",
      script,
    ],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  assertEquals(r.code, 0, new TextDecoder().decode(r.stderr));
}

/** A root-only file in a root-only directory of the sandbox; its state, to compare. */
function victim(sb: Sandbox): { path: string; state(): string } {
  Deno.mkdirSync(sb.path(".root"), { mode: 0o700 });
  const path = sb.path(".root/victim");
  Deno.writeTextFileSync(path, SECRET, { mode: 0o600 });
  Deno.chmodSync(path, 0o600);
  const state = () => {
    const st = Deno.lstatSync(path);
    const names = [...Deno.readDirSync(sb.path(".root"))].map((e) => e.name).sort().join(",");
    return `${(st.mode! & 0o7777).toString(8)} ${st.uid} ${st.mtime?.getTime()} ${names} ${
      Deno.readTextFileSync(path)
    }`;
  };
  return { path, state };
}

/** `web` logging through `setuidgid ACCOUNT multilog t ./main`, with `S/log` the account's. */
function loggedService(sb: Sandbox, body = CHATTY): string {
  Deno.chmodSync(sb.dir, 0o755);
  const dir = sb.service("web", `exec 2>&1\n${body}`);
  const run = `#!/bin/sh\nexec setuidgid ${ACCOUNT.name} multilog t s16777215 ./main\n`;
  sb.write("web/log/run", run, true);
  Deno.mkdirSync(`${dir}/log/main`);
  for (const p of [`${dir}/log`, `${dir}/log/main`]) {
    Deno.chownSync(p, ACCOUNT.uid, ACCOUNT.gid);
  }
  return dir;
}

/** Every `line N` number logged in `main` (current and rotated files; read again across a rotation). */
function logged(main: string): Set<number> {
  for (;;) {
    const seen = new Set<number>();
    try {
      for (const e of Deno.readDirSync(main)) {
        if (e.name !== "current" && !e.name.startsWith("@")) continue;
        for (const m of Deno.readTextFileSync(`${main}/${e.name}`).matchAll(/ line (\d+)\n/g)) {
          seen.add(Number(m[1]));
        }
      }
      return seen;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

/**
 * True when every number from the lowest kept (older files are rotated away)
 * to the highest logged is there: each line at least once.
 */
function noneLost(seen: Set<number>): boolean {
  let min = Infinity;
  for (const n of seen) min = Math.min(min, n);
  const max = highest(seen);
  for (let n = min; n <= max; n++) if (!seen.has(n)) return false;
  return max > 0;
}

/** The highest number in `seen` (0 when empty). */
function highest(seen: Set<number>): number {
  let max = 0;
  for (const n of seen) max = Math.max(max, n);
  return max;
}

function scanner(sb: Sandbox) {
  return sb.start(LAUNCHER, ["svscan", sb.dir], { cwd: sb.dir, env: { PATH: "/usr/bin:/bin" } });
}

const PLANT = (target: string) =>
  `mv supervise old && mkdir supervise && ln -s ${target} supervise/journal`;

Deno.test("planted journal: a link to a root file, planted while the scanner runs, is never written", async () => {
  await withSandbox(async (sb) => {
    const v = victim(sb);
    const before = v.state();
    const dir = loggedService(sb, BURSTS);
    let sc = scanner(sb);
    await up(`${dir}/log`);
    await waitFor("lines logged", () => logged(`${dir}/log/main`).size > 100);
    await asAccount(PLANT(v.path), `${dir}/log`);
    // seconds of chatty logging, with idle seconds between bursts (the old code reopened by path)
    const at = highest(logged(`${dir}/log/main`));
    await waitFor("three more bursts", () => highest(logged(`${dir}/log/main`)) > at + 6000);
    assertEquals(v.state(), before, "the root file, while the scanner runs");
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
    // a new scanner finds the account's supervise/ with its link
    sc = scanner(sb);
    await waitFor("the warning", () => /supervise\/journal: a symbolic link/.test(sc.stderr()));
    const again = highest(logged(`${dir}/log/main`));
    await waitFor("lines logged again", () => highest(logged(`${dir}/log/main`)) > again + 100);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
    assertEquals(v.state(), before, "the root file, after a new scanner");
    assert(noneLost(logged(`${dir}/log/main`)), "every line logged at least once");
    const warnings = sc.stderr().split("\n").filter((l) => l.includes("supervise/journal"));
    assertEquals(warnings.length, 1, sc.stderr());
    assert(warnings[0].startsWith("multilog: warning: unable to open "), warnings[0]);
  });
});

Deno.test("planted journal: a link to a root file planted before the scanner starts is never written", async () => {
  await withSandbox(async (sb) => {
    const v = victim(sb);
    const before = v.state();
    const dir = loggedService(sb);
    Deno.mkdirSync(`${dir}/log/supervise`);
    Deno.chownSync(`${dir}/log/supervise`, ACCOUNT.uid, ACCOUNT.gid);
    await asAccount(`ln -s ${v.path} supervise/journal`, `${dir}/log`);
    const sc = scanner(sb);
    await waitFor("lines logged", () => logged(`${dir}/log/main`).size > 2000);
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
    assertEquals(v.state(), before);
    assert(noneLost(logged(`${dir}/log/main`)), "every line logged at least once");
    assert(
      /supervise\/journal: a symbolic link, not a regular file/.test(sc.stderr()),
      sc.stderr(),
    );
  });
});

/** What can be planted where a file belongs, made by `make(path)`. */
const KINDS: Record<string, (path: string) => void | Promise<void>> = {
  fifo: (p) => void new Deno.Command("mkfifo", { args: [p] }).outputSync(),
  dir: (p) => Deno.mkdirSync(p),
  zero: (p) => Deno.symlinkSync("/dev/zero", p),
  socket: async (p) => {
    const r = await new Deno.Command("python3", {
      args: ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", p],
    }).output();
    assertEquals(r.code, 0);
  },
};

/** The files of `S/log` dt reads for a process logger (and what a warning says of each). */
const READ = ["timeout-kill", "timeout-finish", "down-signal", "notification-fd"];

Deno.test("planted files: a FIFO, a directory, /dev/zero or a socket where a file belongs holds up nothing", async () => {
  await withSandbox(async (sb) => {
    Deno.chmodSync(sb.dir, 0o755);
    const quiet = sb.service("quiet", "exec sleep 1000");
    const planted: { service: string; file: string }[] = [];
    for (const [kind, make] of Object.entries(KINDS)) {
      // the journal of an in-process logger
      const j = sb.service(`j-${kind}`, `exec 2>&1\n${CHATTY}`);
      sb.write(`j-${kind}/log/run`, "#!/bin/sh\nexec multilog t ./main\n", true);
      Deno.mkdirSync(`${j}/log/supervise`, { mode: 0o700 });
      await make(`${j}/log/supervise/journal`);
      // (svscan names services relative to the scan directory, as daemontools' does)
      planted.push({ service: `j-${kind}`, file: `j-${kind}/log/supervise/journal` });
      // each file dt reads in S/log, for a logger run as a process
      for (const name of READ) {
        const s = sb.service(`l-${kind}-${name}`, "exec sleep 1000");
        sb.write(`l-${kind}-${name}/log/run`, "#!/bin/sh\nexec cat > /dev/null\n", true);
        await make(`${s}/log/${name}`);
        planted.push({ service: `l-${kind}-${name}`, file: `l-${kind}-${name}/log/${name}` });
      }
      // log/run itself: no canonical script there, and no process can start from it
      const r = sb.service(`r-${kind}`, "exec sleep 1000");
      Deno.mkdirSync(`${r}/log`);
      await make(`${r}/log/run`);
    }
    const sc = scanner(sb);
    const pid = await up(quiet);
    for (const p of planted) {
      await waitFor(`a warning naming ${p.file}`, () => sc.stderr().includes(p.file));
    }
    // the control of another service is answered at once (a scanner held in open(2) never would)
    await new Deno.Command("/usr/bin/svc", { args: ["-t", quiet] }).output();
    await waitFor("quiet restarted", () => (readStatus(quiet)?.pid ?? pid) !== pid, 3000);
    const lines = sc.stderr().split("\n");
    for (const p of planted) {
      const about = lines.filter((l) => l.includes(p.file));
      assertEquals(about.length, 1, `one warning naming ${p.file}:\n${about.join("\n")}`);
    }
    // the journals' loggers log all the same (at least once)
    for (const kind of Object.keys(KINDS)) {
      await waitFor(`j-${kind} logs`, () => logged(sb.path(`j-${kind}/log/main`)).size > 0);
    }
    for (const kind of Object.keys(KINDS)) assert(readStatus(sb.path(`l-${kind}-timeout-kill`)));
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
  });
});
