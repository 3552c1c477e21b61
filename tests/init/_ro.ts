/**
 * Running dt as a container runtime runs it today: as an arbitrary uid
 * (12345, in no group, under no_new_privs), with the service tree
 * bind-mounted read-only and a fresh tmpfs on /run (`docker run --user 12345
 * --read-only --tmpfs /run`, Kubernetes' restricted pod security), as PID 1 of
 * a PID namespace or as a child (a subreaper) — and finding what it wrote.
 *
 * @module
 */
import { LAUNCHER, need, type Sandbox } from "../helpers/mod.ts";
import type { Mode } from "./_lib.ts";

/** The uid (and gid) dt runs as: no account, no group, no home. */
export const UID = 12345;

/** How the namespace is set up before dt starts. */
export interface RoSetup {
  /** Directories bind-mounted read-only over themselves. */
  readOnly: string[];
  /** Mount a fresh tmpfs (mode 1777, as Docker's `--tmpfs`) on /run; default true. */
  tmpfsRun?: boolean;
  /** Shell lines run as root in the namespace after the mounts (set-up a test needs). */
  extra?: string;
}

/**
 * The command line that runs `dt ARGS…` (the launcher) as {@link UID} with
 * no_new_privs in a new mount namespace set up as `setup` says, as PID 1 of a
 * new PID namespace (`pid1`) or as the test's child (`sub`: every exec keeps
 * the pid, so the child is dt).
 */
export function roCommand(mode: Mode, setup: RoSetup, args: string[]): string[] {
  need("/usr/bin/setpriv", "util-linux");
  const lines = ["set -e"];
  for (const d of setup.readOnly) lines.push(`mount --bind -o ro '${d}' '${d}'`);
  if (setup.tmpfsRun !== false) lines.push("mount -t tmpfs -o mode=1777 tmpfs /run");
  if (setup.extra) lines.push(setup.extra);
  lines.push(
    `exec setpriv --reuid ${UID} --regid ${UID} --clear-groups --no-new-privs "$@"`,
  );
  const sh = ["sh", "-c", lines.join("\n"), "sh", LAUNCHER, ...args];
  return mode === "pid1"
    ? ["unshare", "--mount", "--pid", "--fork", "--mount-proc", "--kill-child", ...sh]
    : ["unshare", "--mount", ...sh];
}

/** The pid of dt started by {@link roCommand} as `proc` (the namespace's PID 1, or proc itself). */
export function dtPid(mode: Mode, procPid: number): number {
  if (mode === "sub") return procPid;
  const kids = Deno.readTextFileSync(`/proc/${procPid}/task/${procPid}/children`).trim();
  return kids === "" ? 0 : Number(kids.split(" ")[0]);
}

/** A sandbox an account other than root can enter, with a directory `out` it can write. */
export function openToAll(sb: Sandbox): string {
  Deno.chmodSync(sb.dir, 0o755);
  const out = sb.path("out");
  Deno.mkdirSync(out, { recursive: true });
  Deno.chmodSync(out, 0o777);
  return out;
}

/**
 * What {@link UID} may have written since `marker` outside /proc, /sys, /dev,
 * /run and /tmp: every file or directory newer than the marker that the
 * account owns, that its group owns, or that any account may write (a file
 * made in such a directory changes the directory). Other processes' writes
 * (other accounts', to files the account cannot write) are not its.
 */
export async function writtenOutside(marker: string): Promise<string[]> {
  const cmd = new Deno.Command("find", {
    args: [
      "/",
      "-xdev",
      "(",
      ...["/proc", "/sys", "/dev", "/run", "/tmp"].flatMap((p, i) => [
        ...(i ? ["-o"] : []),
        "-path",
        p,
      ]),
      ")",
      "-prune",
      "-o",
      "-newer",
      marker,
      "(",
      "-user",
      String(UID),
      "-o",
      "-group",
      String(UID),
      "-o",
      "-perm",
      "-0002",
      "-type",
      "d",
      "-o",
      "-perm",
      "-0002",
      "-type",
      "f",
      ")",
      "-print",
    ],
    stdout: "piped",
    stderr: "null",
  });
  const r = await cmd.output();
  return new TextDecoder().decode(r.stdout).split("\n").filter((l) => l !== "");
}
