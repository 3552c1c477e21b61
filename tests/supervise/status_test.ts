import { assertEquals } from "../helpers/assert.ts";
import { decodeStatus, encodeStatus } from "../../lib/supervise/status.ts";
import { format, parse, TAI_EPOCH } from "../../lib/tai64n/codec.ts";

Deno.test("status: byte layout is daemontools' (TAI64N, pid LE, paused, want)", () => {
  const b = encodeStatus({
    when: { sec: 0x6b05a141, nano: 0x3119d10c },
    pid: 0x0def,
    paused: true,
    want: "u",
  });
  assertEquals(
    [...b].map((x) => x.toString(16).padStart(2, "0")).join(" "),
    "40 00 00 00 6b 05 a1 4b 31 19 d1 0c ef 0d 00 00 01 75",
  );
});

Deno.test("status: paused is written as 0 while down; once is want 0", () => {
  const b = encodeStatus({ when: { sec: 1, nano: 2 }, pid: 0, paused: true, want: null });
  assertEquals(b[16], 0);
  assertEquals(b[17], 0);
  assertEquals(decodeStatus(b)?.want, null);
});

Deno.test("status: round trip, and short input is a bad format", () => {
  const s = {
    when: { sec: 1764000000, nano: 123456500 },
    pid: 4194304,
    paused: false,
    want: "d" as const,
  };
  assertEquals(decodeStatus(encodeStatus(s)), s);
  assertEquals(decodeStatus(new Uint8Array(17)), null);
});

Deno.test("tai64n: format and parse agree with the 2^62+10 epoch", () => {
  assertEquals(format({ sec: 0, nano: 0 }), "@400000000000000a00000000");
  assertEquals(TAI_EPOCH, (1n << 62n) + 10n);
  assertEquals(parse("@400000006b05a14b3119d10c rest"), { sec: 0x6b05a141, nano: 0x3119d10c });
  assertEquals(parse("@40000000zz"), null);
});
