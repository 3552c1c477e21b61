/**
 * The one file (dist/dt-linux-ARCH): copied alone into an empty directory and
 * run where Deno, Node and npm are not, it supervises, controls and logs as
 * dt does; it unpacks once however many start at once; a damaged copy is
 * refused; a read-only place gets a message, or the copy unpacked at build.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { need, ROOT, run, withSandbox } from "../helpers/mod.ts";
import { copyInto, entries, hideRuntimes, oneFile, renamed, unpackedName } from "./_onefile.ts";
import { DAEMONTOOLS_NAMES } from "../../lib/common/program_names.ts";

/** Runs `script` as sh in new mount and PID namespaces (what it starts ends with it). */
function inNamespaces(script: string, args: string[], opts: { pid?: boolean } = {}) {
  need("unshare", "util-linux");
  const ns = opts.pid === false ? ["--mount"] : ["--mount", "--pid", "--fork", "--mount-proc"];
  return run("unshare", [...ns, "sh", "-c", script, "sh", ...args]);
}

const SCENARIO = `
W=$1 S=$2
cd "$W" || exit 99
mkdir bin
./dt-linux-x64 install-links "$W/bin" >/dev/null || echo "install-links failed"
"$W/bin/svscan" "$S" 2>"$W/scan.err" &
scanner=$!
up() { "$W/bin/svok" "$S/a" && "$W/bin/svok" "$S/b" && "$W/bin/svok" "$S/b/log" && [ -s "$S/b/log/main/current" ]; }
i=0; until up; do i=$((i + 1)); [ $i -lt 300 ] || { echo "not up"; break; }; sleep 0.1; done
echo "pidof $([ "$(pidof svscan)" = "$scanner" ] && echo yes || echo "no: $(pidof svscan), $scanner")"
echo "children $(ps -o comm= --ppid $scanner | sort | tr '\\n' ' ')"
pid() { "$W/bin/svstat" "$1" | sed -n 's/.*(pid \\([0-9]*\\)).*/\\1/p'; }
a1=$(pid "$S/a")
"$W/bin/svc" -t "$S/a"
i=0; until [ -n "$(pid "$S/a")" ] && [ "$(pid "$S/a")" != "$a1" ]; do i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1; done
echo "svc -t $([ "$(pid "$S/a")" != "$a1" ] && echo restarted || echo "not restarted")"
echo "svstat $("$W/bin/svstat" "$S/b" | sed 's/(pid [0-9]*) [0-9]* seconds/(pid N) T seconds/')"
echo "log $("$W/bin/tai64nlocal" <"$S/b/log/main/current")"
echo "dt $("$W/bin/dt" --version)"
echo "links $(ls "$W/bin" | tr '\\n' ' ')"
echo "linked $(for l in "$W"/bin/*; do readlink "$l"; done | sort -u)"
echo "exe $(readlink /proc/$scanner/exe)"
kill -TERM $scanner
wait $scanner
echo "exit $?"
echo "stderr $(cat "$W/scan.err")"
`;

Deno.test("one file: alone, without Deno, Node or npm, PATH=/usr/bin:/bin: svscan, an in-process logger, svc, svstat, tai64nlocal, pidof, install-links", async () => {
  const file = await oneFile();
  await withSandbox(async (sb) => {
    const w = sb.path("empty");
    copyInto(file, w);
    sb.service("S/a", "exec sleep 1000");
    sb.service("S/b", "echo hello from b\nexec sleep 1000");
    // the logger's form dt runs inside the scanner, by a linked name
    sb.write("S/b/log/run", `#!/bin/sh\nexec ${w}/bin/multilog t ./main\n`, true);
    const r = await inNamespaces(`${hideRuntimes(sb.path("hide"))}\n${SCENARIO}`, [
      w,
      sb.path("S"),
    ]);
    assertEquals(r.stderr, "");
    const got = Object.fromEntries(
      r.stdout.trim().split("\n").map((
        l,
      ) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]),
    );
    assertEquals(got.pidof, "yes", r.stdout);
    // two services and the log pipes' keeper; the logger runs inside the scanner
    assertEquals(got.children, "sleep sleep sleep ", r.stdout);
    assertEquals(got["svc"], "-t restarted", r.stdout);
    assertEquals(got.svstat, `${sb.path("S/b")}: up (pid N) T seconds`, r.stdout);
    assertMatch(got.log, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} hello from b$/);
    assertEquals(got.dt, "dt 0.1.0");
    assertEquals(got.links.trim().split(" ").sort(), ["dt", ...DAEMONTOOLS_NAMES].sort());
    assertEquals(got.linked, `${w}/dt-linux-x64`);
    // the unpacked Deno, beside the file
    assertMatch(got.exe, new RegExp(`^${w}/\\.dt-0\\.1\\.0-[0-9a-f]{16}/deno$`));
    assertEquals(got.exit, "0");
    assertEquals(got.stderr ?? "", "");
    assertEquals(entries(w).filter((n) => n.startsWith(".")).length, 1, String(entries(w)));
  });
});

Deno.test("one file: 50 first starts at once, after an unpacker was killed midway, unpack one copy, and each gives the right output", async () => {
  const file = await oneFile();
  await withSandbox(async (sb) => {
    const dir = sb.path("p");
    const exe = copyInto(file, dir, "dt");
    // what an unpacker killed midway leaves: its lock and its half-written copy (a pid that is gone)
    const target = `${dir}/.${unpackedName(exe)}`;
    const gone = Number(Deno.readTextFileSync("/proc/sys/kernel/pid_max")) + 1; // no process has it
    Deno.mkdirSync(`${target}.lock`);
    Deno.writeTextFileSync(`${target}.lock/pid`, `${gone}\n`);
    Deno.mkdirSync(`${target}.${gone}/one`, { recursive: true });
    Deno.writeTextFileSync(`${target}.${gone}/deno`, "half");
    const svc = sb.service("svc", "exec sleep 1000");
    const rs = await Promise.all(
      Array.from(
        { length: 50 },
        () => run(exe, ["svstat", svc], { clearEnv: true, env: { PATH: "/usr/bin:/bin" } }),
      ),
    );
    for (const r of rs) {
      assertEquals({ code: r.code, out: r.stdout, err: r.stderr }, {
        code: 0,
        out: `${svc}: unable to open supervise/ok: file does not exist\n`,
        err: "",
      });
    }
    const left = entries(dir);
    assertEquals(left.length, 2, String(left)); // dt and one .dt-VERSION-HASH, no lock, no temporary
    assertMatch(left[0], /^\.dt-0\.1\.0-[0-9a-f]{16}$/);
    assertEquals(
      entries(`${dir}/${left[0]}`),
      ["LICENSE", "LICENSE.deno", "deno", "dt.js", "man", "one"],
    );
  });
});

Deno.test("one file: a truncated or damaged copy exits 111 with one line, and nothing of it is unpacked", async () => {
  const file = await oneFile();
  await withSandbox(async (sb) => {
    const bytes = renamed(Deno.readFileSync(file));
    const cut = sb.path("cut");
    Deno.mkdirSync(cut);
    Deno.writeFileSync(`${cut}/dt`, bytes.subarray(0, bytes.length >> 1), { mode: 0o755 });
    const t = await run(`${cut}/dt`, ["svstat", sb.dir]);
    assertEquals({ code: t.code, out: t.stdout, err: t.stderr }, {
      code: 111,
      out: "",
      err:
        `svstat: fatal: unable to unpack ${cut}/dt: it has ${
          bytes.length >> 1
        } bytes, not ${bytes.length}: ` +
        "truncated or damaged; copy it again\n",
    });
    assertEquals(entries(cut), ["dt"]);
    // a byte changed in the middle of Deno, the size right
    const bad = sb.path("bad");
    Deno.mkdirSync(bad);
    const copy = bytes.slice();
    copy[copy.length - 5_000_000] ^= 0x55;
    Deno.writeFileSync(`${bad}/dt`, copy, { mode: 0o755 });
    const d = await run(`${bad}/dt`, ["--version"]);
    assertEquals({ code: d.code, out: d.stdout, err: d.stderr }, {
      code: 111,
      out: "",
      err: `dt: fatal: unable to unpack ${bad}/dt: it is damaged (a sum differs); copy it again\n`,
    });
    assertEquals(entries(bad), ["dt"]);
  });
});

Deno.test("one file: read-only, it says so in one line (exit 111); unpacked at build (--unpack), it runs read-only", async () => {
  const file = await oneFile();
  await withSandbox(async (sb) => {
    const img = sb.path("image");
    copyInto(file, img, "dt");
    // the image's file system read-only, /tmp too (a read-only container), no HOME
    const ro = (cmd: string) =>
      inNamespaces(
        [
          "set -e",
          "mount --make-rprivate /",
          `mount --bind '${img}' /mnt`,
          "mount -o remount,bind,ro /mnt",
          "mount -t tmpfs -o ro,size=4k tmpfs /tmp",
          "set +e",
          `env -i PATH=/usr/bin:/bin /mnt/dt ${cmd}`,
        ].join("\n"),
        [],
        { pid: false },
      );
    const before = await ro("svok /");
    assertEquals({ code: before.code, err: before.stderr }, {
      code: 111,
      err: "svok: fatal: unable to unpack /mnt/dt: /mnt is not writable and no cache is " +
        "(/mnt/dt --unpack unpacks it beside itself, e.g. at image build)\n",
    });
    const u = await run(`${img}/dt`, ["--unpack"], {
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin" },
    });
    assertEquals(u.code, 0, u.stderr);
    assertMatch(u.stdout, new RegExp(`^${img}/\\.dt-0\\.1\\.0-[0-9a-f]{16}\n$`));
    const after = await ro("--version");
    assertEquals({ code: after.code, out: after.stdout, err: after.stderr }, {
      code: 0,
      out: "dt 0.1.0\n",
      err: "",
    });
  });
});

Deno.test("one file: in a sticky directory it unpacks into the account's cache (0700), not beside itself", async () => {
  const file = await oneFile();
  await withSandbox(async (sb) => {
    const tmp = sb.path("tmp");
    const exe = copyInto(file, tmp, "dt");
    Deno.chmodSync(tmp, 0o1777);
    const home = sb.path("home");
    Deno.mkdirSync(home);
    const r = await run(exe, ["--version"], {
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", HOME: home },
    });
    assertEquals({ code: r.code, out: r.stdout, err: r.stderr }, {
      code: 0,
      out: "dt 0.1.0\n",
      err: "",
    });
    assertEquals(entries(tmp), ["dt"]);
    assertEquals(Deno.statSync(`${home}/.cache/dt`).mode! & 0o777, 0o700);
    const [dir] = entries(`${home}/.cache/dt`);
    assertMatch(dir, /^dt-0\.1\.0-[0-9a-f]{16}$/);
    // a cache another account can write is passed over
    const x = sb.path("x");
    Deno.mkdirSync(`${x}/dt`, { recursive: true });
    Deno.chmodSync(`${x}/dt`, 0o777);
    Deno.removeSync(`${home}/.cache/dt`, { recursive: true });
    const o = await run(exe, ["--version"], {
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", HOME: home, XDG_CACHE_HOME: x },
    });
    assertEquals({ code: o.code, err: o.stderr }, { code: 0, err: "" });
    assertEquals(entries(`${x}/dt`), []);
    assertEquals(entries(`${home}/.cache/dt`).length, 1);
  });
});

Deno.test("one file: dist/dt-linux-arm64 holds an arm64 Deno and the same bundle, and refuses another machine", async () => {
  const arm = await oneFile("arm64");
  await withSandbox(async (sb) => {
    const dir = sb.path("arm");
    copyInto(arm, dir, "dt");
    const fake = sb.write("uname", "#!/bin/sh\necho Linux aarch64\n", true);
    const u = await inNamespaces(
      `mount --make-rprivate / && mount --bind '${fake}' "$(command -v uname)" && '${dir}/dt' --unpack`,
      [],
      { pid: false },
    );
    assertEquals(u.code, 0, u.stderr);
    const unpacked = u.stdout.trim();
    const deno = Deno.readFileSync(`${unpacked}/deno`).subarray(0, 20);
    assertEquals([deno[4], deno[18] + 256 * deno[19]], [2, 0xb7]); // 64-bit, aarch64
    assertEquals(Deno.readFileSync(`${unpacked}/dt.js`), Deno.readFileSync(`${ROOT}/dist/dt.js`));
    // the arm64 file on this x86_64 machine: one line, exit 111
    if (Deno.build.arch === "x86_64") {
      Deno.removeSync(unpacked, { recursive: true });
      const r = await run(`${dir}/dt`, ["--version"]);
      assertEquals({ code: r.code, err: r.stderr }, {
        code: 111,
        err:
          `dt: fatal: unable to unpack ${dir}/dt: it is dt for linux-arm64; this is Linux x86_64\n`,
      });
    }
    assert(entries(dir).length <= 2);
  });
});

Deno.test("one file: the man pages ship inside: dt help PROGRAM prints one, install-links --man installs them", async () => {
  const file = await oneFile();
  await withSandbox(async (sb) => {
    const exe = copyInto(file, sb.path("o"), "dt");
    const h = await run(exe, ["help", "svc"]);
    assertEquals(h.code, 0, h.stderr);
    assertStringIncludes(h.stdout, ".TH SVC 8");
    const man = sb.path("man");
    const i = await run(exe, ["install-links", "--man", man]);
    assertEquals(i.code, 0, i.stderr);
    assertEquals(entries(`${man}/man8`).length, 22);
    assert(entries(`${man}/man8`).includes("dt-init.8"));
  });
});
