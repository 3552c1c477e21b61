/**
 * Per-thread filesystem credentials report what the kernel said: the errno of
 * a refused setgroups, and, for setfsuid (which has no error return), the id
 * the thread kept.
 */
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { FsIdRefused, withFsCredentials } from "../../lib/sys/fscreds.ts";
import { SysError } from "../../lib/common/errors.ts";

const ids = () => {
  const s = Deno.readTextFileSync("/proc/thread-self/status");
  return ["Uid", "Gid", "Groups"].map((k) => new RegExp(`^${k}:(.*)$`, "m").exec(s)![1].trim());
};

Deno.test("fscreds: more groups than Linux takes is the kernel's EINVAL; the step does not run", () => {
  const before = ids();
  let ran = false;
  const e = assertThrows(
    () =>
      withFsCredentials({ uid: 65534, gid: 65534, groups: new Array(65537).fill(65534) }, () => {
        ran = true;
      }),
    SysError,
  );
  assertEquals([e.call, e.code], ["setgroups", "EINVAL"]);
  assert(!ran);
  assertEquals(ids(), before);
});

Deno.test("fscreds: an fsuid the kernel does not take says so (setfsuid sets no errno)", () => {
  const before = ids();
  // (uid_t)-1 is no uid: setfsuid leaves the thread's as it was
  const e = assertThrows(
    () => withFsCredentials({ uid: 4294967295, gid: 0, groups: [0] }, () => {}),
    FsIdRefused,
  );
  assertEquals([e.call, e.wanted, e.kept], ["setfsuid", 4294967295, 0]);
  assertEquals(ids(), before);
});

Deno.test("fscreds: the step runs with the account's ids, and the thread's come back", () => {
  const before = ids();
  const during = withFsCredentials({ uid: 65534, gid: 65533, groups: [65532] }, ids);
  assertEquals(during[0].split(/\s+/)[3], "65534"); // the fsuid column
  assertEquals(during[1].split(/\s+/)[3], "65533");
  assertEquals(during[2], "65532");
  assertEquals(ids(), before);
});
