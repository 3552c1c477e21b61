import { assertEquals } from "../helpers/assert.ts";
import {
  envChange,
  envdirValue,
  envGet,
  mergeEnv,
  parseEnviron,
  parseLimitValue,
  parseStep,
  USAGE,
} from "../../lib/chain/mod.ts";
import { dispatchChain } from "../../lib/chain/resolve.ts";
import { fghackLayout } from "../../lib/chain/fghack.ts";
import { softValue } from "../../lib/chain/softlimit_args.ts";
import { RLIMIT } from "../../lib/sys/rlimit.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const strs = (xs: Uint8Array[]) => xs.map((x) => dec.decode(x));

Deno.test("envdir rules: first line, trailing blanks, NUL as newline, empty removes", () => {
  assertEquals(dec.decode(envdirValue(b("val  \t \nsecond")).value!), "val");
  assertEquals(dec.decode(envdirValue(b("a\0b\nc")).value!), "a\nb");
  assertEquals(dec.decode(envdirValue(b("  lead")).value!), "  lead");
  assertEquals(dec.decode(envdirValue(b("\n")).value!), "");
  assertEquals(dec.decode(envdirValue(b("x \0")).value!), "x \n");
  assertEquals(envdirValue(new Uint8Array()).value, null);
});

Deno.test("envdir rules: a vanished file reuses the previous buffer, as daemontools does", () => {
  const first = envdirValue(b("one\0x"));
  assertEquals(dec.decode(first.value!), "one\nx");
  const again = envdirValue(first.buffer); // buffer "one\nx\0": cut at the newline
  assertEquals(dec.decode(again.value!), "one");
  assertEquals(dec.decode(envdirValue(again.buffer).value!), "one\n"); // the NUL becomes a newline
});

Deno.test("pathexec env merge: removal moves the last entry, additions append", () => {
  const env = ["X1=1", "X2=2", "X3=3", "X4=4", "X5=5"].map(b);
  assertEquals(strs(mergeEnv(env, [b("X2")])), ["X1=1", "X5=5", "X3=3", "X4=4"]);
  assertEquals(strs(mergeEnv(env, [b("X1"), b("X2")])), ["X5=5", "X4=4", "X3=3"]);
  assertEquals(strs(mergeEnv([b("A=1")], [envChange("A", "2")])), ["A=2"]);
  // a file named B=C sets B to "C=x"
  assertEquals(strs(mergeEnv([b("B=old")], [envChange("B=C", "x")])), ["B=C=x"]);
  assertEquals(strs(mergeEnv([b("PATHX=1")], [b("PATH")])), ["PATHX=1"]);
  assertEquals(envGet([b("PATHX=1"), b("PATH=/bin")], "PATH"), "/bin");
  assertEquals(strs(parseEnviron(b("A=1\0B=2\0"))), ["A=1", "B=2"]);
});

Deno.test("softlimit values: digits wrap modulo 2^64, '=' is the hard limit, empty is 0", () => {
  assertEquals(parseLimitValue("50000000"), 50000000n);
  assertEquals(parseLimitValue("0100"), 100n);
  assertEquals(parseLimitValue(""), 0n);
  assertEquals(parseLimitValue("18446744073709551616"), 0n);
  assertEquals(parseLimitValue("="), "=");
  for (const bad of ["+5", " 5", "5x", "=x", "-1"]) assertEquals(parseLimitValue(bad), null);
  assertEquals(softValue("=", 20000n), 20000n);
  assertEquals(softValue(30000n, 20000n), 20000n);
  assertEquals(softValue(100n, 20000n), 100n);
});

Deno.test("parseStep: options, usage lines and codes of each program", () => {
  assertEquals(parseStep("setlock", ["-nx", "-X", "f", "p", "a"]), {
    prog: "setlock",
    file: "f",
    nonblock: true,
    silent: false,
    child: ["p", "a"],
  });
  assertEquals(parseStep("envdir", ["d"]), {
    prog: "envdir",
    code: 111,
    lines: [USAGE.envdir.line],
  });
  assertEquals(parseStep("pgrphack", ["-x"]), { prog: "pgrphack", child: ["-x"] });
  const m = parseStep("softlimit", ["-m", "=", "-o5", "p"]);
  assertEquals(m, {
    prog: "softlimit",
    limits: [
      ...[RLIMIT.DATA, RLIMIT.STACK, RLIMIT.MEMLOCK, RLIMIT.AS].map((r) => ({
        resource: r,
        value: "=" as const,
      })),
      { resource: RLIMIT.NOFILE, value: 5n },
    ],
    child: ["p"],
  });
  assertEquals(parseStep("softlimit", ["-z", "p"]), {
    prog: "softlimit",
    code: 100,
    lines: ["softlimit: illegal option -- z", USAGE.softlimit.line],
  });
  assertEquals(parseStep("softlimit", ["-m"]), {
    prog: "softlimit",
    code: 100,
    lines: ["softlimit: option requires an argument -- m", USAGE.softlimit.line],
  });
  // a bad value is reported before a later bad letter, as daemontools applies options in turn
  assertEquals(parseStep("softlimit", ["-m", "1x", "-z", "p"]), {
    prog: "softlimit",
    code: 100,
    lines: [USAGE.softlimit.line],
  });
});

Deno.test("dispatchChain: names, dt NAME, and programs that are not chain programs", () => {
  assertEquals(dispatchChain(["/x/setuidgid", "a", "p"]), { prog: "setuidgid", args: ["a", "p"] });
  assertEquals(dispatchChain(["dt", "fghack", "p"]), { prog: "fghack", args: ["p"] });
  assertEquals(dispatchChain(["dt", "svstat", "d"]), null);
  assertEquals(dispatchChain(["svstat", "envdir", "d"]), null);
  assertEquals(dispatchChain(["dt"]), null);
});

Deno.test("fghack layout: the write end on the lowest free fds, 31 in all, under the fd limit", () => {
  assertEquals(fghackLayout([0, 1, 2], 1024), [
    4,
    3,
    ...Array.from({ length: 29 }, (_, i) => i + 5),
  ]);
  assertEquals(fghackLayout([0, 1, 2, 3], 1024).slice(0, 3), [5, 4, 6]);
  assertEquals(fghackLayout([0, 1, 2], 8), [4, 3, 5, 6, 7]);
});
