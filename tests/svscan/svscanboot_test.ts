/**
 * svscanboot and readproctitle: svscan's errors end up in readproctitle's
 * process title, as `ps` shows it.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { dt, LAUNCHER, waitFor, withSandbox } from "../helpers/mod.ts";
import { shiftIn } from "../../lib/cmd/readproctitle.ts";
import { TITLE_ARGS } from "../../lib/cmd/svscanboot.ts";
import { readStatus } from "../supervise/_service.ts";
import { children, fileLines, signal, up } from "./_svscan.ts";

const enc = new TextEncoder();

function cmdline(pid: number): string {
  return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").trim();
}

Deno.test("readproctitle: shifts input into the last argument, keeping its '...'", () => {
  const shifted = (dots: string, input: string) => {
    const w = enc.encode(dots);
    shiftIn(w, enc.encode(input));
    return new TextDecoder().decode(w);
  };
  assertEquals(shifted("..........", "ab"), "........ab");
  assertEquals(shifted("..........", "0123456789xyz"), "...6789xyz");
  assertEquals(shifted(".....", "a\0b\nc"), "...\nc");
});

/**
 * Starts a readproctitle (argv after `exec -a readproctitle`; then the words of
 * `tail`, a bash expression, if any), writes `input`, leaves stdin open.
 */
async function startTitle(argv: string[], input: Uint8Array, tail = "") {
  const child = new Deno.Command("bash", {
    args: ["-c", `exec -a readproctitle "$@" ${tail}`, "bash", ...argv],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(input);
  return { child, w };
}

Deno.test("readproctitle: /proc/PID/cmdline byte for byte as daemontools' readproctitle", async () => {
  const args = ["service", "errors:", ".".repeat(40)];
  const input = new Uint8Array([
    ...enc.encode("svscan: warning: oops\nsecond \xff"),
    0xff,
    0,
    1,
    10,
  ]);
  const ref = await startTitle(["/usr/bin/readproctitle", ...args], input);
  const ours = await startTitle([LAUNCHER, "readproctitle", ...args], input);
  try {
    const raw = (pid: number) => Deno.readFileSync(`/proc/${pid}/cmdline`);
    const want = await waitFor("daemontools' title", () => {
      const b = raw(ref.child.pid);
      return b[b.length - 2] === 10 ? b : null;
    });
    assertEquals(new TextDecoder().decode(want.subarray(0, 14)), "readproctitle\0");
    await waitFor("dt's title", () => raw(ours.child.pid).join() === want.join());
    assertEquals(
      new TextDecoder().decode(Deno.readFileSync(`/proc/${ours.child.pid}/comm`)),
      "readproctitle\n",
    );
  } finally {
    await ref.w.close();
    await ours.w.close();
  }
  assertEquals((await ref.child.status).code, 0);
  assertEquals((await ours.child.status).code, 0);
  assertEquals((await dt(["readproctitle"])).code, 100);
  assertEquals((await dt(["readproctitle", "abcd"])).code, 100);
});

Deno.test("readproctitle: a last argument that is not dots, and bytes that are not UTF-8, as daemontools'", async () => {
  // daemontools' readproctitle shows dots in place of its last argument from the start
  const tail = `"$(printf 'e\\377rrors:')" "$(printf 'abc\\377efgh')"`;
  const raw = (pid: number) => Deno.readFileSync(`/proc/${pid}/cmdline`);
  for (const bytes of [new Uint8Array(0), enc.encode("hi"), new Uint8Array([0x68, 0xff])]) {
    const ref = await startTitle(["/usr/bin/readproctitle", "service"], bytes, tail);
    const ours = await startTitle([LAUNCHER, "readproctitle", "service"], bytes, tail);
    try {
      // (between its exec and its first write the title is still the command line: wait past it)
      const ends = (b: Uint8Array) =>
        latin1(b).startsWith("readproctitle\0") &&
        (bytes.length === 0
          ? latin1(b).endsWith("\0........\0")
          : b[b.length - 2] === bytes.at(-1));
      const want = await waitFor("daemontools' title", () => {
        const b = raw(ref.child.pid);
        return ends(b) ? b : null;
      });
      if (bytes.length === 0) {
        assertEquals(latin1(want), "readproctitle\0service\0e\xffrrors:\0........\0");
      }
      await waitFor("dt's title", () => latin1(raw(ours.child.pid)) === latin1(want), 5000)
        .catch(() => {});
      assertEquals(latin1(raw(ours.child.pid)), latin1(want), `after ${bytes}`);
    } finally {
      await ref.w.close();
      await ours.w.close();
    }
    assertEquals((await ref.child.status).code, 0);
    assertEquals((await ours.child.status).code, 0);
  }
});

function latin1(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

Deno.test("svscanboot: services run with daemontools' PATH only, errors show in readproctitle", async () => {
  await withSandbox(async (sb) => {
    const good = sb.service("service/good", "env > ../../env.out\nexec sleep 1000");
    Deno.mkdirSync(sb.path("service/norun"));
    // a supervisor left from before: svscanboot tells it to let go (svc -dx), then takes over
    const old = sb.startDt(["supervise", good], { cwd: sb.dir });
    const oldPid = await up(good);
    const p = sb.startDt(["svscanboot", sb.path("service")], { cwd: sb.dir });
    assertEquals((await old.status).code, 0);
    await waitFor("taken over", () => {
      signal(p.pid, "SIGALRM");
      const pid = readStatus(good)?.pid ?? 0;
      return pid !== 0 && pid !== oldPid;
    });
    const rpt = await waitFor("readproctitle", () => {
      return children(p.pid).find((k) => k.cmd.startsWith("readproctitle "));
    });
    // daemontools' svscanboot starts `readproctitle service errors: ....`: separate entries
    const shown = Deno.readFileSync(`/proc/${rpt.pid}/cmdline`);
    assertEquals(shown.length, ["readproctitle", ...TITLE_ARGS].join("\0").length + 1);
    assertEquals(
      new TextDecoder().decode(shown.subarray(0, 33)),
      "readproctitle\0service\0errors:\0...",
    );
    await waitFor("error in the title", () => {
      return cmdline(rpt.pid).endsWith(
        "supervise: fatal: unable to start norun/run: file does not exist",
      );
    });
    assertEquals(fileLines(sb.path("env.out")).filter((l) => !l.startsWith("PWD=")), [
      "PATH=/command:/usr/local/bin:/usr/local/sbin:/bin:/sbin:/usr/bin:/usr/sbin:/usr/X11R6/bin",
    ]);
    signal(p.pid, "SIGTERM");
    assertEquals((await p.status).code, 0);
    await waitFor("readproctitle gone", () => !children(p.pid).length);
    assert(p.stderr() === "", "everything went to readproctitle");
  });
});
