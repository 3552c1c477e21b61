/**
 * Upgrading dt without restarting a service: the step docs/svscan.md gives,
 * run as it is written there, under every way the docs start a scanner
 * (`dt svscan` and `dt svscanboot`, restarted by what started them), with the
 * one file replaced by a new version; and a svscanboot killed leaves no
 * readproctitle behind.
 */
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { LAUNCHER, need, ROOT, run, withSandbox } from "../helpers/mod.ts";
import { type Block, parse, section } from "../../scripts/man/markdown.ts";
import { copyInto, oneFile, unpackedName } from "./_onefile.ts";

/** The code of docs/svscan.md's upgrade step: the block that kills the scanner. */
function recipe(): string {
  const md = Deno.readTextFileSync(`${ROOT}/docs/svscan.md`);
  const blocks = section(
    parse(md),
    "When the scanner dies, and upgrading dt without restarting services",
  );
  const codes: string[] = [];
  const walk = (bs: Block[]) => {
    for (const b of bs) {
      if (b.kind === "code") codes.push(b.lines.join("\n"));
      if (b.kind === "list") b.items.forEach(walk);
    }
  };
  walk(blocks);
  const found = codes.filter((c) => c.includes("pidof svscan"));
  assertEquals(found.length, 1, "docs/svscan.md: one block with the upgrade step");
  return found[0];
}

/** Starts the tree the way a boot does (a loop that starts it again, as init's respawn), runs the step. */
const SCENARIO = (how: string, step: string) => `
S=$1 WORK=$2
set -e
mount --make-rprivate /
mount --bind "$3" /usr/local/bin
set +e
export PATH=/usr/local/bin:/usr/bin:/bin
dt install-links /usr/local/bin >/dev/null
(while :; do /usr/local/bin/dt ${how} "$S" 2>>"$WORK/scan.err"; sleep 0.2; done) &
loop=$!
up() { svok "$S/a" && svok "$S/b" && svok "$S/b/log" && svok "$S/c"; }
ready() { dt svstat --json "$S/c" | grep -q '"ready": true'; }
i=0; until up && [ -s "$S/b/log/main/current" ] && ready; do i=$((i + 1)); [ $i -lt 300 ] || { echo "not up"; break; }; sleep 0.1; done
pid() { svstat "$1" | sed -n 's/.*(pid \\([0-9]*\\)).*/\\1/p'; }
echo "before $(pid "$S/a") $(pid "$S/b")"
old=$(pidof svscan)
echo "found $([ -n "$old" ] && echo yes || echo no)"
[ -n "$old" ] || exit 0
cd "$WORK"
# ---- the step, as docs/svscan.md writes it
${step}
# ----
i=0; until n=$(pidof svscan) && [ -n "$n" ] && [ "$n" != "$old" ] && up; do
  i=$((i + 1)); [ $i -lt 300 ] || { echo "no new scanner"; break; }; sleep 0.1
done
sleep 1
echo "after $(pid "$S/a") $(pid "$S/b")"
echo "ready $(ready && echo yes || echo no)"
# the lifecycle of an adopted service: its down-signal, then its finish, with runit's arguments
svc -d "$S/c"
i=0; until grep -q finish "$WORK/c.log" 2>/dev/null; do i=$((i + 1)); [ $i -lt 200 ] || break; sleep 0.1; done
echo "clog $(tr '\n' ' ' <"$WORK/c.log")"
new=$(pidof svscan)
echo "exe $(readlink /proc/$new/exe)"
echo "readproctitle $(for p in $(pidof readproctitle); do ps -o ppid= -p $p | tr -d ' '; done | tr '\\n' ' ')"
echo "new $new"
kill $loop
kill -TERM $new
i=0; while [ -d /proc/$new ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.05; done
`;

for (const how of ["svscan", "svscanboot"]) {
  Deno.test(`upgrade: the step of docs/svscan.md, as written, under dt ${how}: the new file runs, every service keeps its pid`, async () => {
    need("unshare", "util-linux");
    const file = await oneFile();
    await withSandbox(async (sb) => {
      const ulb = sb.path("usr-local-bin");
      copyInto(file, ulb, "dt"); // what runs: the old version
      const work = sb.path("work");
      const next = copyInto(file, work, "dt-linux-x64"); // the new version the step installs
      sb.service("S/a", 'echo "a starts" >&2\nexec sleep 1000');
      sb.service("S/b", "echo b starts\nexec sleep 1000");
      sb.write("S/b/log/run", "#!/bin/sh\nexec multilog t ./main\n", true);
      // c: down-signal HUP (TERM ignored), ready on fd 3, a finish that says how it ended (HUP:
      // a shell's background job, as the boot loop here, has QUIT ignored, and passes that on)
      sb.service(
        "S/c",
        `trap '' TERM\ntrap 'echo quit >> ${work}/c.log; exit 3' HUP\n` +
          `echo run >> ${work}/c.log\necho >&3\nwhile :; do sleep 0.1; done`,
      );
      sb.write("S/c/down-signal", "HUP\n");
      sb.write("S/c/notification-fd", "3\n");
      sb.write("S/c/finish", `#!/bin/sh\necho "finish $1 $2" >> ${work}/c.log\n`, true);
      const r = await run("unshare", [
        "--mount",
        "--pid",
        "--fork",
        "--mount-proc",
        "sh",
        "-c",
        SCENARIO(how, recipe()),
        "sh",
        sb.path("S"),
        work,
        ulb,
      ]);
      const got = Object.fromEntries(
        r.stdout.trim().split("\n").map((
          l,
        ) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
      );
      const why = `${r.stdout}${r.stderr}`;
      assertEquals(got.found, "yes", `pidof svscan found no scanner under dt ${how}: ${why}`);
      assertMatch(got.before ?? "", /^\d+ \d+$/, why);
      assertEquals(got.after, got.before, why);
      assertEquals(got.exe, `/usr/local/bin/.${unpackedName(next)}/deno`, why);
      // ready stays ready; stopped with its down-signal; finish once, with runit's arguments
      assertEquals(got.ready, "yes", why);
      assertMatch(got.clog ?? "", /^run quit finish (3 0|-1 0) $/, why);
      // under svscanboot: one readproctitle, the new scanner's child
      if (how === "svscanboot") assertEquals(got.readproctitle, `${got.new} `, why);
    });
  });
}

const KILLED = `
DT=$1 S=$2
(while :; do "$DT" svscanboot "$S"; sleep 0.2; done) &
loop=$!
up() { "$DT" svok "$S/a" && "$DT" svok "$S/b" && "$DT" svok "$S/b/log"; }
i=0; until up; do i=$((i + 1)); [ $i -lt 300 ] || { echo "not up"; break; }; sleep 0.1; done
pid() { "$DT" svstat "$1" | sed -n 's/.*(pid \\([0-9]*\\)).*/\\1/p'; }
echo "before $(pid "$S/a") $(pid "$S/b")"
boot=$(ps -o pid= --ppid $loop | tr -d ' ')
kill -KILL $boot
i=0; until n=$(ps -o pid= --ppid $loop | tr -d ' ') && [ -n "$n" ] && [ "$n" != "$boot" ] && up; do
  i=$((i + 1)); [ $i -lt 300 ] || { echo "no new scanner"; break; }; sleep 0.1
done
# what a service writes to stderr now reaches the new readproctitle
i=0; until tr '\\0' ' ' </proc/$(pidof readproctitle | cut -d' ' -f1)/cmdline | grep -q 'a tick'; do
  i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
echo "after $(pid "$S/a") $(pid "$S/b")"
echo "readproctitle $(for p in $(pidof readproctitle); do ps -o ppid= -p $p | tr -d ' '; done | tr '\\n' ' ')"
echo "scanner $n"
echo "title $(tr '\\0' ' ' </proc/$(pidof readproctitle | cut -d' ' -f1)/cmdline | grep -c 'a tick')"
kill $loop
kill -TERM $n
i=0; while [ -d /proc/$n ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.05; done
`;

Deno.test("upgrade: a svscanboot killed: the next one adopts every service and takes its errors pipe over, no readproctitle left behind", async () => {
  need("unshare", "util-linux");
  await withSandbox(async (sb) => {
    // a service without a log writes its stderr (and stdout) to readproctitle's pipe
    sb.service("S/a", "while :; do echo 'a tick' >&2; sleep 0.3; done");
    sb.service("S/b", "exec sleep 1000");
    sb.write("S/b/log/run", `#!/bin/sh\nexec ${LAUNCHER} multilog t ./main\n`, true);
    const r = await run("unshare", [
      "--pid",
      "--fork",
      "--mount-proc",
      "sh",
      "-c",
      KILLED,
      "sh",
      LAUNCHER,
      sb.path("S"),
    ]);
    const got = Object.fromEntries(
      r.stdout.trim().split("\n").map((
        l,
      ) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
    );
    const why = `${r.stdout}${r.stderr}`;
    assertMatch(got.before ?? "", /^\d+ \d+$/, why);
    assertEquals(got.after, got.before, why);
    assertEquals(got.readproctitle, `${got.scanner} `, why);
    assertEquals(got.title, "1", why);
  });
});
