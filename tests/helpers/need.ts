/**
 * The external programs the tests compare dt with or run around it, and the
 * Debian package each comes from. A test that needs one calls {@link need}
 * first, so a machine without it fails that test with one line naming the
 * package, not with a stack of exit codes 127.
 *
 * @module
 */
import { basename } from "node:path";

/** Program name → Debian package (what `scripts/setup.sh` installs). */
export const PACKAGES: Readonly<Record<string, string>> = {
  svscan: "daemontools",
  supervise: "daemontools",
  svc: "daemontools",
  svok: "daemontools",
  svstat: "daemontools",
  svscanboot: "daemontools",
  readproctitle: "daemontools",
  fghack: "daemontools",
  pgrphack: "daemontools",
  multilog: "daemontools",
  tai64n: "daemontools",
  tai64nlocal: "daemontools",
  setuidgid: "daemontools",
  envuidgid: "daemontools",
  envdir: "daemontools",
  softlimit: "daemontools",
  setlock: "daemontools",
  "s6-log": "s6",
  "s6-svwait": "s6",
  tini: "tini",
  "dumb-init": "dumb-init",
  script: "bsdutils",
  strace: "strace",
  nginx: "nginx",
  unshare: "util-linux",
  useradd: "passwd",
  busybox: "busybox",
  mandoc: "mandoc",
  man: "man-db",
};

/** The one-line failure of a test whose program is not installed. */
export class MissingTool extends Error {
  /** The program looked for. */
  readonly program: string;
  /** The package that provides it. */
  readonly pkg: string;

  constructor(program: string, pkg: string) {
    super(`${program} is not installed: apt-get install ${pkg} (or run: sudo scripts/setup.sh)`);
    this.name = "MissingTool";
    this.program = program;
    this.pkg = pkg;
    // one line: where the test called need() says nothing the message does not
    this.stack = `${this.name}: ${this.message}`;
  }
}

function executable(path: string): boolean {
  try {
    const st = Deno.statSync(path);
    return st.isFile && ((st.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * Finds `program` (a name looked up in `path`, or an absolute path) and returns
 * its absolute path; throws {@link MissingTool} naming `pkg` when it is not
 * there.
 *
 * @example
 * ```ts
 * import { need } from "./need.ts";
 * const sh = need("sh", "dash");
 * console.log(sh); // "/usr/bin/sh" or "/bin/sh"
 * ```
 */
export function need(
  program: string,
  pkg: string = PACKAGES[basename(program)] ?? program,
  path: string = Deno.env.get("PATH") ?? "/usr/bin:/bin",
): string {
  const name = basename(program);
  if (program.includes("/")) {
    if (executable(program)) return program;
    throw new MissingTool(program, pkg);
  }
  for (const dir of path.split(":")) {
    const p = `${dir || "."}/${name}`; // (join would drop the ./ of an empty entry)
    if (executable(p)) return p;
  }
  throw new MissingTool(name, pkg);
}

/**
 * {@link need} for programs the tests start by name or path, when the name is
 * one of {@link PACKAGES}; any other command passes through unchecked.
 */
export function needKnown(cmd: string, path?: string): void {
  const name = basename(cmd);
  const pkg = PACKAGES[name];
  if (pkg !== undefined) need(cmd, pkg, path);
}
