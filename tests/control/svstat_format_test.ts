import { assertEquals } from "../helpers/assert.ts";
import { formatStatus } from "../../lib/control/svstat.ts";

const at = { sec: 1000, nano: 0 };
const when = { sec: 985, nano: 999999999 };

Deno.test("svstat format: the shapes daemontools prints", () => {
  assertEquals(
    formatStatus({ when, pid: 12, paused: false, want: "u" }, at, true),
    "up (pid 12) 15 seconds",
  );
  assertEquals(
    formatStatus({ when, pid: 12, paused: true, want: "u" }, at, true),
    "up (pid 12) 15 seconds, paused",
  );
  assertEquals(
    formatStatus({ when, pid: 0, paused: false, want: "d" }, at, true),
    "down 15 seconds, normally up",
  );
  assertEquals(
    formatStatus({ when, pid: 0, paused: false, want: "u" }, at, true),
    "down 15 seconds, normally up, want up",
  );
  assertEquals(
    formatStatus({ when, pid: 7, paused: false, want: "d" }, at, false),
    "up (pid 7) 15 seconds, normally down, want down",
  );
  assertEquals(
    formatStatus({ when, pid: 0, paused: false, want: null }, at, false),
    "down 15 seconds",
  );
});

Deno.test("svstat format: a label in the future counts as 0 seconds", () => {
  assertEquals(
    formatStatus({ when: { sec: 2000, nano: 0 }, pid: 0, paused: false, want: "d" }, at, false),
    "down 0 seconds",
  );
});
