/**
 * Shared by the multilog tests: run dt's and daemontools' multilog on the
 * same input, and compare log directories with timestamps normalised.
 *
 * @module
 */
import { deepStrictEqual } from "node:assert/strict";
import { CLI, needKnown, type Sandbox } from "../helpers/mod.ts";
export { type FifoRun, startOnFifo } from "../helpers/fifo_run.ts";

/** Deep equality, failing with `msg`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  deepStrictEqual(actual, expected, msg);
}

/** The real daemontools programs (the oracle). */
export const DJB = {
  multilog: "/usr/bin/multilog",
  tai64n: "/usr/bin/tai64n",
  tai64nlocal: "/usr/bin/tai64nlocal",
};

/** argv for dt PROGRAM. */
export function dtArgv(prog: string, ...args: string[]): string[] {
  return [Deno.execPath(), "run", "-A", "--quiet", "--no-config", CLI, prog, ...args];
}

/** What a finished run gave. */
export interface Ran {
  code: number;
  stderr: string;
  stdout: Uint8Array;
}

const dec = new TextDecoder();

/**
 * Runs argv in `cwd` with stdin read from the file `input` (a regular file,
 * so daemontools reads it in full 1024-byte blocks: deterministic).
 */
export async function runFromFile(
  argv: string[],
  cwd: string,
  input: string,
  env?: Record<string, string>,
): Promise<Ran> {
  for (const a of argv) if (a.startsWith("/usr/bin/")) needKnown(a);
  const r = await new Deno.Command("bash", {
    args: ["-c", 'in=$1; shift; exec "$@" < "$in"', "bash", input, ...argv],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, stderr: dec.decode(r.stderr), stdout: r.stdout };
}

/** Replaces every `@` + 24 hex digits (either case) with `@STAMP`. */
export function normStamps(s: string): string {
  return s.replace(/@[0-9a-fA-F]{24}/g, "@STAMP");
}

/** Replaces local-time stamps `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` with `LOCALTIME`. */
export function normLocal(s: string): string {
  return s.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}/g, "LOCALTIME");
}

/** Latin1 view of bytes (one char per byte, so binary compares exactly). */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, i + 8192));
  }
  return s;
}

/**
 * A log directory as text: each file (rotated ones in time order, named
 * `@STAMP.s`/`.u`) with its mode and its contents, stamps normalised.
 */
export function snapshot(dir: string): string[] {
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  return names.map((n) => {
    const p = `${dir}/${n}`;
    const st = Deno.statSync(p);
    const mode = (st.mode! & 0o7777).toString(8);
    const body = st.isFile ? normStamps(latin1(Deno.readFileSync(p))) : "<dir>";
    return `${normStamps(n)} ${mode} ${body.length}\n${body}`;
  });
}

/** Both programs' results for one script and input. */
export interface Both {
  dt: Ran;
  djb: Ran;
  /** Directory dt ran in, and daemontools'. */
  dtDir: string;
  djbDir: string;
}

/** Runs dt's and daemontools' multilog with `script` on the same input file. */
export async function runBoth(
  sb: Sandbox,
  name: string,
  script: string[],
  input: Uint8Array | string,
  prepare?: (dir: string) => void,
): Promise<Both> {
  const file = sb.path(`${name}.in`);
  Deno.writeFileSync(file, typeof input === "string" ? new TextEncoder().encode(input) : input);
  const dtDir = sb.path(`${name}.dt`), djbDir = sb.path(`${name}.djb`);
  Deno.mkdirSync(dtDir);
  Deno.mkdirSync(djbDir);
  prepare?.(dtDir);
  prepare?.(djbDir);
  const [dt, djb] = await Promise.all([
    runFromFile(dtArgv("multilog", ...script), dtDir, file),
    runFromFile([DJB.multilog, ...script], djbDir, file),
  ]);
  return { dt, djb, dtDir, djbDir };
}

/** Every entry under `dir`, as `snapshot` lines per sub-directory. */
export function tree(dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (rel: string) => {
    const here = rel ? `${dir}/${rel}` : dir;
    const entries = [...Deno.readDirSync(here)].sort((a, b) => a.name < b.name ? -1 : 1);
    out[rel || "."] = snapshot(here);
    for (const e of entries) if (e.isDirectory) walk(rel ? `${rel}/${e.name}` : e.name);
  };
  walk("");
  return out;
}

/** Asserts that both runs left the same files (normalised) and said the same. */
export function assertSameRun(b: Both, what: string): void {
  assertEquals(b.dt.code, b.djb.code, `${what}: exit code`);
  assertEquals(normStamps(b.dt.stderr), normStamps(b.djb.stderr), `${what}: stderr`);
  assertEquals(tree(b.dtDir), tree(b.djbDir), `${what}: files`);
}

/** A deterministic pseudo-random generator (tests must not depend on luck). */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** Lines of assorted lengths (around the 512, 1000 and 2000 byte edges), some binary. */
export function assortedInput(seed: number, lines: number, tail = ""): Uint8Array {
  const r = rng(seed);
  const lens = [
    0,
    1,
    5,
    50,
    100,
    300,
    511,
    512,
    513,
    700,
    973,
    974,
    975,
    999,
    1000,
    1001,
    1500,
    3000,
  ];
  const parts: number[] = [];
  for (let i = 0; i < lines; i++) {
    const len = lens[Math.floor(r() * lens.length)];
    for (let j = 0; j < len; j++) {
      let c = r() < 0.08 ? Math.floor(r() * 256) : 97 + Math.floor(r() * 26);
      if (c === 10) c = 120;
      parts.push(c);
    }
    parts.push(10);
  }
  for (const c of new TextEncoder().encode(tail)) parts.push(c);
  return new Uint8Array(parts);
}

/** A program reading a FIFO that the test writes (and can read back what is left). */

/**
 * All lines in a log directory, oldest file first: the rotated files, then
 * `previous` (a rotation cut short by a crash), then `current`. A file is
 * read once however many names it has: a kill between multilog's link of
 * `previous` to its `@…` name and the unlink of `previous` leaves both.
 */
export function logLines(dir: string): string[] {
  const names = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => n.startsWith("@")).sort();
  names.push("previous", "current");
  const seen = new Set<number>();
  let text = "";
  for (const n of names) {
    try {
      const ino = Deno.lstatSync(`${dir}/${n}`).ino ?? -1;
      if (seen.has(ino)) continue;
      seen.add(ino);
      text += Deno.readTextFileSync(`${dir}/${n}`);
    } catch { /* not there */ }
  }
  return text.split("\n").filter((l) => l !== "");
}

/** Strips a leading `@` + 24 hex + space. */
export function unstamp(line: string): string {
  return line.replace(/^@[0-9a-f]{24} /, "");
}
