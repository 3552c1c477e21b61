/**
 * A `setuidgid ACCOUNT multilog` logger run inside the (root) scanner touches
 * files with ACCOUNT's rights as the kernel sees them, exactly as daemontools'
 * setuidgid + multilog processes do: each case runs both ways, under the same
 * dt svscan — the in-process logger, and daemontools' own binaries as
 * processes (DT_INPROCESS_LOG=0, PATH without dt) — and they must agree.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { type Sandbox, testAccount, waitFor, withSandbox } from "../helpers/mod.ts";
import { readStatus } from "../supervise/_service.ts";
import { svscan } from "../svscan/_svscan.ts";

const ACCOUNT = testAccount("dtlogsec");
const SECRET = "root's secret\n";
/** A service that writes numbered lines for as long as it runs. */
const CHATTY = 'n=0; while :; do n=$((n+1)); echo "line $n of a chatty service"; done';

/** What one run left: the logger's messages (distinct, in order) and the root file. */
interface Outcome {
  messages: string[];
  victim: string;
  logPid: number;
  scanPid: number;
}

function victimState(path: string): string {
  const st = Deno.lstatSync(path);
  return `${(st.mode! & 0o7777).toString(8)} ${st.uid}:${st.gid} ${Deno.readTextFileSync(path)}`;
}

function multilogLines(stderr: string, sbDir: string): string[] {
  const seen: string[] = [];
  for (const l of stderr.split("\n")) {
    if (!l.startsWith("multilog: ")) continue;
    const m = l.replaceAll(sbDir, "SB");
    if (!seen.includes(m)) seen.push(m);
  }
  return seen;
}

/**
 * Runs a sandbox whose `web` service has `logRun`, in-process or through
 * daemontools' programs; `prepare` sets up the log directory, `until` says
 * when enough happened. The sandbox is traversable (0755), so a root file's
 * own mode is what protects it.
 */
async function scenario(
  inProcess: boolean,
  logRun: (sb: Sandbox) => string,
  prepare: (sb: Sandbox, log: string) => void | Promise<void>,
  until: (messages: string[], sb: Sandbox) => boolean,
): Promise<Outcome> {
  let out: Outcome | null = null;
  await withSandbox(async (sb) => {
    Deno.chmodSync(sb.dir, 0o755);
    sb.write("victim", SECRET);
    Deno.chmodSync(sb.path("victim"), 0o600);
    const dir = sb.service("web", CHATTY);
    sb.write("web/log/run", logRun(sb), true);
    await prepare(sb, `${dir}/log`);
    const sc = svscan(sb, [sb.dir], {
      PATH: "/usr/bin:/bin",
      DT_INPROCESS_LOG: inProcess ? "1" : "0",
    });
    let logPid = 0; // the logger's pid whenever it was seen up (it may be between starts)
    const messages = await waitFor(
      "the logger's messages",
      () => {
        logPid = readStatus(`${dir}/log`)?.pid || logPid;
        const m = multilogLines(sc.stderr(), sb.dir);
        return until(m, sb) ? m : null;
      },
      60000,
    );
    sc.kill("SIGTERM");
    assertEquals((await sc.status).code, 0);
    out = { messages, victim: victimState(sb.path("victim")), logPid, scanPid: sc.pid };
  });
  return out!;
}

const SETUIDGID_LOG = () => `#!/bin/sh\nexec setuidgid ${ACCOUNT.name} multilog t ./main\n`;

/** Both ways; checks the in-process run really was in-process and the root file is untouched. */
async function bothWays(
  logRun: (sb: Sandbox) => string,
  prepare: (sb: Sandbox, log: string) => void | Promise<void>,
  until: (messages: string[], sb: Sandbox) => boolean,
): Promise<[Outcome, Outcome]> {
  const dt = await scenario(true, logRun, prepare, until);
  const djb = await scenario(false, logRun, prepare, until);
  const untouched = `600 0:0 ${SECRET}`;
  assertEquals(dt.victim, untouched, "dt's in-process logger left the root file alone");
  assertEquals(djb.victim, untouched, "daemontools left the root file alone");
  return [dt, djb];
}

const fatal = (m: string[]) => m.some((l) => l.startsWith("multilog: fatal: "));

Deno.test("account logger: a root-owned log/main with mode 000 is refused, as by daemontools", async () => {
  const [dt, djb] = await bothWays(SETUIDGID_LOG, (_sb, log) => {
    Deno.mkdirSync(`${log}/main`);
    Deno.chmodSync(`${log}/main`, 0);
  }, fatal);
  assertEquals(dt.messages, djb.messages);
  assertEquals(dt.messages, ["multilog: fatal: unable to open directory ./main: access denied"]);
});

Deno.test("account logger: log/main linked into a root-only directory is refused", async () => {
  const [dt, djb] = await bothWays(SETUIDGID_LOG, (sb, log) => {
    const privateDir = sb.path(".private"); // a dot: not a service of the scan directory
    Deno.mkdirSync(privateDir, { mode: 0o700 });
    Deno.chmodSync(privateDir, 0o700);
    Deno.symlinkSync(privateDir, `${log}/main`);
  }, (m, sb) => {
    // nothing may appear in the private directory, whichever way it ran
    assertEquals([...Deno.readDirSync(sb.path(".private"))].length, 0);
    return fatal(m);
  });
  assertEquals(dt.messages, djb.messages);
  assertEquals(dt.messages, ["multilog: fatal: unable to open directory ./main: access denied"]);
});

/**
 * What multilog can say while the account keeps swapping `current` for a link
 * to a root file: refusals of the steps that meet the link (which ones
 * depends on timing), warnings while rotating, fatal while starting.
 */
const SWAP_MESSAGE =
  /^multilog: (warning|fatal): unable to [a-z ]+ \.\/main\/[@0-9a-z.]+(, pausing)?: (access denied|permission denied|file does not exist)$/;

Deno.test("account logger: current swapped for a link to a root file, in a loop, for seconds", async () => {
  const run = async (inProcess: boolean) => {
    let started = 0, seenUp = 0;
    const o = await scenario(
      inProcess,
      () => `#!/bin/sh\nexec setuidgid ${ACCOUNT.name} multilog t s4096 ./main\n`,
      (sb, log) => {
        Deno.mkdirSync(`${log}/main`);
        Deno.chownSync(`${log}/main`, ACCOUNT.uid, ACCOUNT.gid);
        // the account, as itself, keeps replacing main/current with a link to the root file
        sb.start("/usr/bin/setuidgid", [
          ACCOUNT.name,
          "sh",
          "-c",
          `while :; do ln -sf ${sb.path("victim")} current; done`,
        ], { cwd: `${log}/main`, stdio: "null" });
        started = Date.now();
      },
      (m, sb) => {
        // under load many starts fail at once (the link met while opening): wait until the
        // logger has been seen up too, so the check of where it ran has a pid to look at
        seenUp ||= readStatus(sb.path("web/log"))?.pid ?? 0;
        return seenUp !== 0 && Date.now() - started > 4000 && m.some((l) => l.includes("denied"));
      },
    );
    return o;
  };
  const dt = await run(true);
  const djb = await run(false);
  assertEquals(dt.logPid, dt.scanPid, "the in-process logger ran inside the scanner");
  assert(djb.logPid !== djb.scanPid);
  for (const o of [dt, djb]) {
    assertEquals(o.victim, `600 0:0 ${SECRET}`);
    assert(o.messages.length > 0);
    for (const m of o.messages) assert(SWAP_MESSAGE.test(m), `unexpected: ${m}`);
  }
});

Deno.test("account logger: an =FILE target the account may not write is refused", async () => {
  const [dt, djb] = await bothWays(
    (sb) => `#!/bin/sh\nexec setuidgid ${ACCOUNT.name} multilog t =${sb.path("victim")} ./main\n`,
    (_sb, log) => {
      Deno.mkdirSync(`${log}/main`);
      Deno.chownSync(`${log}/main`, ACCOUNT.uid, ACCOUNT.gid);
    },
    fatal,
  );
  assertEquals(dt.messages, djb.messages);
  assertEquals(dt.messages, ["multilog: fatal: unable to create SB/victim: access denied"]);
});

Deno.test("account logger: a !processor runs as the account (a process, not in the scanner)", async () => {
  const logUids: number[] = [];
  const prepare = (sb: Sandbox, log: string) => {
    Deno.mkdirSync(`${log}/main`);
    Deno.chownSync(`${log}/main`, ACCOUNT.uid, ACCOUNT.gid);
    sb.write("proc", `#!/bin/sh\ncat\necho processed >> ${sb.path("victim")}\n`, true);
  };
  const [dt, djb] = await bothWays(
    (sb) =>
      `#!/bin/sh\nexec setuidgid ${ACCOUNT.name} multilog t s4096 !${sb.path("proc")} ./main\n`,
    prepare,
    (m, sb) => {
      if (!m.includes("multilog: warning: processor failed in ./main, pausing")) return false;
      // the logger that ran the processor: its uid, as the kernel has it
      const pid = readStatus(sb.path("web/log"))?.pid ?? 0;
      logUids.push(Deno.statSync(`/proc/${pid}`).uid ?? -1);
      return true;
    },
  );
  assertEquals(dt.messages, djb.messages);
  assert(dt.logPid !== dt.scanPid && dt.logPid > 0);
  assertEquals(logUids, [ACCOUNT.uid, ACCOUNT.uid]);
});
