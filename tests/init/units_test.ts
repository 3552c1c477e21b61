/** Pure parts of dt init: the command line, signal routing, exit codes, raw args. */
import { assert, assertEquals } from "../helpers/assert.ts";
import { parseInitArgs } from "../../lib/init/args.ts";
import { exitCode, forwardAs, startsEnd } from "../../lib/init/signals.ts";
import { parseRaw, rawTail } from "../../lib/sys/cmdline.ts";
import { isFailure } from "../../lib/common/failure.ts";

Deno.test("parseInitArgs: short, long, clustered, and PROG after the first non-option", () => {
  const r = parseInitArgs([
    "-cvw",
    "-r15:3",
    "--rewrite",
    "HUP:0",
    "-e",
    "2",
    "--grace=1.5",
    "ls",
    "-l",
  ]);
  assert(!isFailure(r));
  assertEquals(r.singleChild && r.verbose && r.warnReaped, true);
  assertEquals([...r.rewrites], [[15, 3], [1, 0]]);
  assertEquals([...r.okCodes], [2]);
  assertEquals(r.graceMs, 1500);
  assertEquals(r.prog, ["ls", "-l"]);
  const s = parseInitArgs(["-S", "/svc", "--", "-x"]);
  assert(!isFailure(s));
  assertEquals([s.services, s.prog], ["/svc", ["-x"]]);
});

Deno.test("parseInitArgs: errors", () => {
  for (
    const bad of [["-x"], ["--nope"], ["-r", "15"], ["-r", "99:1"], ["-e", "300"], ["-t", "x"], [
      "-t",
    ]]
  ) {
    const f = parseInitArgs(bad);
    assert(isFailure(f), bad.join(" "));
    assertEquals(f.code, 100);
    assertEquals(f.lines.length, 2, bad.join(" "));
  }
});

Deno.test("forwardAs: rewrites, drops, and STOP for job control in a session of its own", () => {
  const rw = new Map([[15, 3], [10, 0]]);
  assertEquals(forwardAs(15, rw, true), 3);
  assertEquals(forwardAs(10, rw, true), 0);
  assertEquals(forwardAs(20, rw, true), 19);
  assertEquals(forwardAs(20, rw, false), 20);
  assertEquals(forwardAs(20, new Map([[20, 20]]), true), 20);
  assertEquals(startsEnd(15, 3), true);
  assertEquals(startsEnd(15, 0), false);
  assertEquals(startsEnd(1, 1), false);
});

Deno.test("exitCode: code, 128+N, and -e", () => {
  assertEquals(exitCode({ code: 7, signal: null }, new Set()), 7);
  assertEquals(exitCode({ code: null, signal: 15 }, new Set()), 143);
  assertEquals(exitCode({ code: null, signal: 15 }, new Set([143])), 0);
  assertEquals(exitCode({ code: 7, signal: null }, new Set([7])), 0);
});

Deno.test("rawTail: the raw bytes when they match what Deno decoded", () => {
  const raw = parseRaw(new Uint8Array([100, 0, 0xff, 0, 0, 97, 0]));
  assertEquals(raw.length, 4);
  const t = rawTail(["\ufffd", "", "a"], raw);
  assertEquals(t[0], new Uint8Array([0xff]));
  assertEquals(rawTail(["zz"], raw), ["zz"]);
});
