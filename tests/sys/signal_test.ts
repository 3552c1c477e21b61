/** kill(2) for a process that may be gone: ESRCH is an answer, a bad signal a bug. */
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { SIG, signalIfThere } from "../../lib/sys/signal.ts";
import { SysError } from "../../lib/common/errors.ts";

Deno.test("signalIfThere: true when sent, false for a process that is gone, throws for a bad signal", async () => {
  const child = new Deno.Command("sleep", { args: ["1000"] }).spawn();
  assertEquals(signalIfThere(child.pid, 0), true);
  const e = assertThrows(() => signalIfThere(child.pid, 99), SysError);
  assertEquals([e.call, e.code], ["kill", "EINVAL"]);
  assertEquals(signalIfThere(child.pid, SIG.KILL), true);
  await child.status;
  assertEquals(signalIfThere(child.pid, SIG.TERM), false); // reaped: no such process
});
