/**
 * The long-running programs under their daemontools names, as tools written
 * for daemontools find them: `pidof`, `pgrep -x`, `ps -C` and `killall -0`
 * find dt's svscan, supervise, multilog (as a process) and readproctitle, and
 * /proc/PID/cmdline has the arguments as separate entries — the same answers
 * as daemontools' own programs, each run alone in a PID namespace.
 */
import { assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, needDaemontools, REF, run, withSandbox } from "../helpers/mod.ts";

/** In a PID namespace: start PROG ARGS (stdin a pipe that stays open), wait for its comm and argv[0], ask the tools. */
const PROBE = `
name=$1; shift
sleep 1000 | "$@" & p=$!
# comm and then the command line change (dt sets one, then the other): both, before asking
argv0() { tr '\\0' '\\n' </proc/$p/cmdline 2>/dev/null | head -n 1; }
for i in $(seq 400); do
  [ "$(cat /proc/$p/comm 2>/dev/null)" = "$name" ] && [ "$(argv0)" = "$name" ] && break; sleep 0.025
done
has() { case " $1 " in *" $p "*) echo yes ;; *) echo no ;; esac; }
echo "comm $(cat /proc/$p/comm)"
echo "pidof $(has "$(pidof "$name")")"
echo "pgrep -x $(has "$(pgrep -x "$name" | tr '\\n' ' ')")"
echo "ps -C $(has "$(ps -C "$name" -o pid= | tr -d ' ' | tr '\\n' ' ')")"
killall -0 "$name" 2>/dev/null && echo "killall -0 found" || echo "killall -0 not found"
echo "cmdline $(od -An -c /proc/$p/cmdline | tr -s ' \\n' ' ')"
`;

async function names(name: string, argv: string[], cwd: string): Promise<string> {
  const r = await run("unshare", [
    "--pid",
    "--fork",
    "--mount-proc",
    "bash",
    "-c",
    PROBE,
    "bash",
    name,
    ...argv,
  ], { cwd });
  assertEquals(r.stderr, "");
  return r.stdout;
}

const CASES: [string, string[]][] = [
  ["svscan", ["."]],
  ["supervise", ["svc"]],
  ["multilog", ["t", "./main"]],
  ["readproctitle", ["service", "errors:", "........"]],
];

for (const [name, args] of CASES) {
  Deno.test({
    name: `names: ${name} as daemontools' ${name} is found`,
    fn: async () => {
      needDaemontools();
      await withSandbox(async (sb) => {
        sb.service("svc", "exec sleep 1000");
        const want = await names(name, [
          "bash",
          "-c",
          `exec -a ${name} "$@"`,
          name,
          `${REF}/${name}`,
          ...args,
        ], sb.dir);
        assertEquals(want.includes("pidof yes"), true, want);
        for (const made of ["svc/supervise", "main"]) {
          try {
            Deno.removeSync(sb.path(made), { recursive: true });
          } catch { /* not made by this program */ }
        }
        const got = await names(name, [LAUNCHER, name, ...args], sb.dir);
        assertEquals(got, want);
      });
    },
  });
}

/**
 * In a PID namespace: run the boot (ARGS), wait for a process named svscan, ask
 * the tools about it; DIR in its command line reads `DIR`.
 */
const BOOT_PROBE = `
dir=$1; shift
"$@" & b=$!
p=
for i in $(seq 400); do p=$(pidof svscan) && break; sleep 0.025; done
has() { case " $1 " in *" $p "*) echo yes ;; *) echo no ;; esac; }
[ -n "$p" ] || { echo "found none"; kill $b; exit 0; }
# (comm is set a moment before the command line)
for i in $(seq 400); do [ "$(tr '\\0' '\\n' </proc/$p/cmdline | head -1)" = svscan ] && break; sleep 0.025; done
echo "found one"
echo "comm $(cat /proc/$p/comm)"
echo "pgrep -x $(has "$(pgrep -x svscan | tr '\\n' ' ')")"
echo "ps -C $(has "$(ps -C svscan -o pid= | tr -d ' ' | tr '\\n' ' ')")"
echo "cmdline $(tr '\\0' '\\n' </proc/$p/cmdline | sed "s#^$dir\\$#DIR#" | tr '\\n' ' ')"
kill $b
`;

Deno.test("names: the scanner of svscanboot is `svscan DIR`, as under daemontools' boot", async () => {
  needDaemontools();
  await withSandbox(async (sb) => {
    const dir = sb.path("service");
    sb.service("service/web", "exec sleep 1000");
    // Debian's svscanboot, on this directory rather than /etc/service, with /usr/bin's programs
    const script = Deno.readTextFileSync(`${REF}/svscanboot`)
      .replaceAll("/etc/service", dir)
      .replace(/^PATH=.*$/m, "PATH=/usr/bin:/bin");
    sb.write("svscanboot", script, true);
    const probe = (argv: string[]) =>
      run("unshare", [
        "--pid",
        "--fork",
        "--mount-proc",
        "bash",
        "-c",
        BOOT_PROBE,
        "bash",
        dir,
        ...argv,
      ], {
        cwd: sb.dir,
      });
    const want = await probe(["sh", sb.path("svscanboot")]);
    assertEquals(want.stdout.split("\n")[0], "found one", want.stdout + want.stderr);
    Deno.removeSync(sb.path("service/web/supervise"), { recursive: true });
    const got = await probe([LAUNCHER, "svscanboot", dir]);
    assertEquals(got.stdout, want.stdout);
  });
});
