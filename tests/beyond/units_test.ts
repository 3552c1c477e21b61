import { assertEquals } from "../helpers/assert.ts";
import { parseFd, parseMs, parseSignalFile } from "../../lib/supervise/service_files.ts";
import { finishArgs } from "../../lib/supervise/finish.ts";
import { notifyName, parseNotify, parseNotifyBytes } from "../../lib/supervise/readiness.ts";
import { applyEvent, parseSvwait, reached } from "../../lib/control/svwait.ts";
import { decodeExtra, encodeExtra, initialExtra } from "../../lib/supervise/extra_status.ts";
import { jsonStatus } from "../../lib/control/svstat_json.ts";

Deno.test("service files: numbers, signals, fds", () => {
  assertEquals(parseMs("5000\n"), 5000);
  assertEquals(parseMs("-1"), null);
  assertEquals(parseMs("1.5"), null);
  assertEquals(parseSignalFile("QUIT\n"), 3);
  assertEquals(parseSignalFile("SIGINT"), 2);
  assertEquals(parseSignalFile("9"), 9);
  assertEquals(parseSignalFile("NOPE"), null);
  assertEquals(parseFd("3\n"), 3);
  assertEquals(parseFd("1"), null);
  assertEquals(parseFd("x"), null);
});

Deno.test("finish args: exit code or -1, signal or 0", () => {
  assertEquals(finishArgs({ code: 0, signal: null }), ["0", "0"]);
  assertEquals(finishArgs({ code: 3, signal: null }), ["3", "0"]);
  assertEquals(finishArgs({ code: null, signal: 15 }), ["-1", "15"]);
});

Deno.test("notify datagrams", () => {
  assertEquals(parseNotify("READY=1\nSTATUS=serving"), { ready: true, status: "serving" });
  assertEquals(parseNotify("WATCHDOG=1"), { ready: false, status: null });
  assertEquals(parseNotify("MAINPID=12\nREADY=1\n"), { ready: true, status: null });
  const b = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
  assertEquals(parseNotifyBytes(b("STATUS=caf\xc3\xa9\nREADY=1")), { ready: true, status: "café" });
  assertEquals(parseNotifyBytes(b("STATUS=\xff\xfe\nREADY=1")), null);
  assertEquals(parseNotifyBytes(b("READY=1\0")), null);
  assertEquals(parseNotifyBytes(new Uint8Array()), { ready: false, status: null });
});

Deno.test("notify socket names: abstract, unique, within sun_path", () => {
  const a = notifyName("2049:1234567"), b = notifyName("2049:1234567");
  assertEquals(/^dt\/notify\/\d+\/2049:1234567\/\d+\.[0-9a-f]{16}$/.test(a), true);
  assertEquals(a === b, false);
  assertEquals(notifyName(`${"9".repeat(20)}:${"9".repeat(20)}`).length <= 107, true);
});

Deno.test("svwait: arguments as s6-svwait", () => {
  assertEquals(parseSvwait(["-U", "-t", "5000", "a", "b"]), {
    want: "U",
    any: false,
    timeoutMs: 5000,
    dirs: ["a", "b"],
  });
  assertEquals(parseSvwait(["-do", "-t10", "a"]), {
    want: "d",
    any: true,
    timeoutMs: 10,
    dirs: ["a"],
  });
  const usage = (...lines: string[]) => ({
    prog: "dt svwait",
    code: 100,
    lines: [...lines, "dt svwait: usage: dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR..."],
  });
  assertEquals(parseSvwait(["-x"]), usage("dt svwait: fatal: unknown option: -x"));
  assertEquals(parseSvwait(["-t"]), usage("dt svwait: fatal: option -t needs a value"));
  assertEquals(
    parseSvwait(["-t", "soon"]),
    usage("dt svwait: fatal: bad timeout: soon (want milliseconds, 0 to 9999999999)"),
  );
  assertEquals(parseSvwait(["-u"]), usage()); // no DIR: the usage alone
});

Deno.test("svwait: states and events", () => {
  const up = { up: true, ready: false, finished: false };
  assertEquals(reached("u", up), true);
  assertEquals(reached("U", up), false);
  const d = applyEvent("d", () => up);
  assertEquals([reached("d", d), reached("D", d)], [true, false]);
  assertEquals(reached("D", applyEvent("D", () => up)), true);
  assertEquals(reached("U", applyEvent("U", () => up)), true);
  assertEquals(applyEvent("u", () => up), up);
});

Deno.test("extra status: round trip, junk refused", () => {
  const x = { ...initialExtra(1000), lastExit: { code: null, signal: 9 }, restarts: 2 };
  assertEquals(decodeExtra(encodeExtra(x)), x);
  assertEquals(decodeExtra("{"), null);
  assertEquals(decodeExtra('{"state":"sideways"}'), null);
});

Deno.test("svstat --json: one entry from the 18 bytes and the extra state", () => {
  const when = { sec: 100, nano: 0 };
  const at = { sec: 110, nano: 0 };
  const base = { when, pid: 0, paused: false, want: "u" as const };
  // daemontools' own supervise: no extra state
  assertEquals(jsonStatus("s", base, true, null, at, 0), {
    dir: "s",
    state: "down",
    pid: null,
    seconds: 10,
    normally: "up",
    paused: false,
    want: "up",
    ready: null,
    ready_seconds: null,
    last_exit: null,
    restarts: null,
    left_down: null,
  });
  const x = {
    ...initialExtra(0),
    state: "finishing" as const,
    pid: 77,
    lastExit: { code: 3, signal: null },
    restarts: 1,
    ready: false,
  };
  const j = jsonStatus("s", base, false, x, at, 4500);
  assertEquals([j.state, j.pid, j.seconds, j.normally, j.ready], [
    "finishing",
    77,
    4,
    "down",
    false,
  ]);
  assertEquals(j.last_exit, { code: 3, signal: null });
});
