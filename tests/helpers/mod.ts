/**
 * Test harness: run dt for real, in temporary directories, and make sure every
 * process a test started is gone when it ends.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { MissingTool, needKnown } from "./need.ts";

export { MissingTool, need, needKnown, PACKAGES } from "./need.ts";
export { type TestAccount, testAccount } from "./accounts.ts";

/** Project root. */
export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The entry point. */
export const CLI = `${ROOT}/cli.ts`;
/** The launcher that keeps the invoked name. */
export const LAUNCHER = `${ROOT}/bin/dt`;

/** What a finished command gave. */
export interface Result {
  pid: number;
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  out: Uint8Array;
}

const dec = new TextDecoder();

/** Options for running a command. */
export interface RunOpts {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
  /** argv[0] for the program (runs through `bash -c 'exec -a NAME …'`). */
  argv0?: string;
  /** Run with exactly `env`, inheriting nothing. */
  clearEnv?: boolean;
}

/** Runs `dt ARGS…` (deno run cli.ts) to completion. */
export function dt(args: string[], opts: RunOpts = {}): Promise<Result> {
  return run(Deno.execPath(), ["run", "-A", "--quiet", "--no-config", CLI, ...args], opts);
}

/** Runs any program to completion, with optional stdin. */
export async function run(cmd: string, args: string[], opts: RunOpts = {}): Promise<Result> {
  needKnown(cmd, opts.env?.PATH);
  let c = cmd, a = args;
  if (opts.argv0 !== undefined) {
    c = "bash";
    a = ["-c", 'n=$1; shift; exec -a "$n" "$@"', "bash", opts.argv0, cmd, ...args];
  }
  const child = new Deno.Command(c, {
    args: a,
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: opts.clearEnv,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(
      typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin,
    );
    await w.close();
  }
  const r = await child.output();
  return {
    pid: child.pid,
    code: r.code,
    signal: r.signal,
    stdout: dec.decode(r.stdout),
    stderr: dec.decode(r.stderr),
    out: r.stdout,
  };
}

/** Polls `fn` until it returns a truthy value, or throws after `timeout` ms naming `what`. */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  timeout = 15000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Checks for `ms` that `fn` stays true (polling every 25 ms), failing at once,
 * naming `what`, when it is not: for "nothing happens meanwhile", a bounded
 * wait that stops as soon as something did.
 */
export async function holds(
  what: string,
  fn: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!(await fn())) throw new Error(`no longer true: ${what}`);
    if (Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, Math.min(25, Math.max(0, deadline - Date.now()))));
  }
}

/** A long-running process started by a test. */
export interface Proc {
  pid: number;
  /** Resolves when it ends. */
  status: Promise<Deno.CommandStatus>;
  kill(sig?: Deno.Signal): void;
  /** stderr collected so far (when piped). */
  stderr(): string;
  /** stdout collected so far (when piped). */
  stdout(): string;
  /**
   * Resolves when stdout and stderr have been read to their end (at once when
   * not piped), or after `ms` when something else still holds them open.
   */
  drained(ms?: number): Promise<void>;
}

/** A temporary directory and everything started in it, cleaned up by `close()`. */
export class Sandbox {
  readonly dir: string;
  readonly #procs: Proc[] = [];

  constructor(prefix = "dt-test-") {
    this.dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix }));
  }

  /** Path inside the sandbox. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Writes a file (mode 0755 when `exec`), creating parent dirs. */
  write(rel: string, text: string, exec = false): string {
    const p = this.path(rel);
    Deno.mkdirSync(dirname(p), { recursive: true });
    Deno.writeTextFileSync(p, text);
    if (exec) Deno.chmodSync(p, 0o755);
    return p;
  }

  /** Makes a service directory with a `run` script (body after `#!/bin/sh`). */
  service(rel: string, run: string, opts: { down?: boolean } = {}): string {
    this.write(`${rel}/run`, `#!/bin/sh\n${run}\n`, true);
    if (opts.down) this.write(`${rel}/down`, "");
    return this.path(rel);
  }

  /** Starts a long-running command; it is killed (and waited for) at close(). */
  start(cmd: string, args: string[], opts: RunOpts & { stdio?: "piped" | "null" } = {}): Proc {
    needKnown(cmd, opts.env?.PATH);
    let c = cmd, a = args;
    if (opts.argv0 !== undefined) {
      c = "bash";
      a = ["-c", 'n=$1; shift; exec -a "$n" "$@"', "bash", opts.argv0, cmd, ...args];
    }
    const piped = opts.stdio !== "null";
    const child = new Deno.Command(c, {
      args: a,
      cwd: opts.cwd,
      env: opts.env,
      stdin: "null",
      stdout: piped ? "piped" : "null",
      stderr: piped ? "piped" : "null",
    }).spawn();
    let err = "", outp = "";
    let readers: Promise<unknown> = Promise.resolve();
    if (piped) {
      readers = Promise.all([
        (async () => {
          for await (const b of child.stderr) err += dec.decode(b);
        })().catch(() => {}),
        (async () => {
          for await (const b of child.stdout) outp += dec.decode(b);
        })().catch(() => {}),
      ]);
    }
    const p: Proc = {
      pid: child.pid,
      status: child.status,
      kill: (sig: Deno.Signal = "SIGTERM") => {
        try {
          child.kill(sig);
        } catch { /* gone */ }
      },
      stderr: () => err,
      stdout: () => outp,
      drained: async (ms = 1000) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([readers, new Promise((r) => timer = setTimeout(r, ms))]);
        clearTimeout(timer);
      },
    };
    this.#procs.push(p);
    return p;
  }

  /** Starts `dt ARGS…` as a long-running process. */
  startDt(args: string[], opts: RunOpts & { stdio?: "piped" | "null" } = {}): Proc {
    return this.start(Deno.execPath(), ["run", "-A", "--quiet", "--no-config", CLI, ...args], opts);
  }

  /**
   * Stops everything this test started, then fails if any process is still
   * running with its cwd or command line inside the sandbox (a leak).
   */
  async close(): Promise<void> {
    for (const p of this.#procs) p.kill("SIGKILL");
    await Promise.all(this.#procs.map((p) => p.status.catch(() => {})));
    // a process on its way out (an orphaned `sleep 0.1`) gets a moment; one that stays is a leak
    let leaked = processesUnder(this.dir);
    const deadline = Date.now() + 1500;
    while (leaked.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      leaked = processesUnder(this.dir);
    }
    const described = leaked.map((pid) => {
      try {
        const cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
        return `${pid} (${cmd})`;
      } catch {
        return String(pid);
      }
    });
    if (leaked.length && Deno.env.get("DT_TEST_DEBUG")) {
      for (const f of ["web/starts", "starts"]) {
        try {
          console.error(f, Deno.readTextFileSync(this.path(f)));
        } catch { /* none */ }
      }
      for (const p of this.#procs) console.error("stderr of", p.pid, p.stderr());
    }
    for (const pid of leaked) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
    try {
      Deno.removeSync(this.dir, { recursive: true });
    } catch { /* best effort */ }
    if (leaked.length) throw new Error(`test leaked processes: ${described.join(", ")}`);
  }
}

/** Pids whose cwd or command line mention `dir` (zombies excluded). */
export function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const pid = Number(e.name);
    if (pid === Deno.pid) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      let hit = false;
      try {
        const cwd = Deno.readLinkSync(`/proc/${pid}/cwd`);
        hit = cwd === dir || cwd.startsWith(dir + "/");
      } catch { /* no access */ }
      if (!hit) hit = Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes(dir);
      if (hit) found.push(pid);
    } catch { /* gone */ }
  }
  return found;
}

/** Runs `fn` with a fresh sandbox, always closing it (and failing on leaks). */
export async function withSandbox(fn: (sb: Sandbox) => Promise<void>): Promise<void> {
  const sb = new Sandbox();
  try {
    await fn(sb);
  } catch (e) {
    // the test's own failure comes first; leaks after it are its consequence
    await sb.close().catch(() => {});
    throw e;
  }
  await sb.close();
}

/** Where Debian's daemontools lives: tests call the reference by this absolute path, never via PATH. */
export const REF = "/usr/bin";

/** True when `path` is a real daemontools program (an ELF binary), not a link to dt. */
export function isReference(path: string): boolean {
  try {
    const real = Deno.realPathSync(path);
    if (real === Deno.realPathSync(LAUNCHER)) return false;
    const f = Deno.openSync(real);
    const head = new Uint8Array(4);
    const n = f.readSync(head);
    f.close();
    return n === 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  } catch {
    return false;
  }
}

/**
 * True when daemontools' own binaries are installed at {@link REF} (they are in CI). Not
 * exported: a test that needs them calls {@link needDaemontools}, never `if` on this.
 */
const HAVE_DAEMONTOOLS = isReference(`${REF}/supervise`) && isReference(`${REF}/svc`);

/** Fails the test in one line unless daemontools' own binaries are at {@link REF}. */
export function needDaemontools(): void {
  if (!HAVE_DAEMONTOOLS) {
    throw new MissingTool(`${REF}/supervise (daemontools' own)`, "daemontools");
  }
}

/** A bin dir in the sandbox with every program name linked to the launcher; prepend to PATH. */
export function linkPrograms(sb: Sandbox, names: string[]): string {
  const bin = sb.path("bin");
  Deno.mkdirSync(bin, { recursive: true });
  for (const n of ["dt", ...names]) Deno.symlinkSync(LAUNCHER, `${bin}/${n}`);
  return bin;
}
