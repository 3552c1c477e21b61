/**
 * An account's rotation steps off the JS thread (io_uring with the account's
 * personality) get exactly the kernel's answers the same steps get on this
 * thread with the account's credentials (fscreds.ts): refused where the
 * account has no rights, and what they create belongs to the account.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { testAccount, withSandbox } from "../helpers/mod.ts";
import { close, O } from "../../lib/sys/fd.ts";
import { withFsCredentials } from "../../lib/sys/fscreds.ts";
import { onThisThread, type PathCalls } from "../../lib/sys/path_async.ts";
import { accountRing } from "../../lib/sys/uring.ts";

const ACCOUNT = testAccount("dtlogsec");
const CRED = { uid: ACCOUNT.uid, gid: ACCOUNT.gid, groups: [ACCOUNT.gid] };

/** Each step's outcome: `ok …` or the errno name. */
async function outcomes(
  steps: Pick<PathCalls, "open" | "rename" | "link" | "unlink" | "stat">,
  dir: string,
) {
  const out: Record<string, string> = {};
  const step = async (name: string, f: () => Promise<unknown>) => {
    try {
      const r = await f();
      if (typeof r === "number") {
        out[name] = `ok ${Deno.statSync(`/proc/self/fd/${r}`).uid}`;
        close(r);
      } else out[name] = "ok";
    } catch (e) {
      out[name] = (e as { code?: string }).code ?? String(e);
    }
  };
  await step("rename in root's directory", () => steps.rename(`${dir}/root/a`, `${dir}/root/b`));
  await step(
    "create in its own",
    () => steps.open(`${dir}/own/new`, O.WRONLY | O.CREAT | O.EXCL | O.CLOEXEC, 0o600),
  );
  await step(
    "create in root's",
    () => steps.open(`${dir}/root/new`, O.WRONLY | O.CREAT | O.CLOEXEC, 0o600),
  );
  await step("open root's 0600 file", () => steps.open(`${dir}/root/secret`, O.RDONLY, 0));
  await step("stat in a 0700 directory", () => steps.stat(`${dir}/private/f`));
  await step("stat its own", () => steps.stat(`${dir}/own/new`));
  await step(
    "link root's file into its own",
    () => steps.link(`${dir}/root/secret`, `${dir}/own/l`),
  );
  await step("unlink in root's directory", () => steps.unlink(`${dir}/root/a`));
  await step("unlink its own", () => steps.unlink(`${dir}/own/new`));
  await step("rename its own", () => steps.rename(`${dir}/own/x`, `${dir}/own/y`));
  return out;
}

function layout(dir: string): void {
  Deno.chmodSync(dir, 0o755);
  Deno.mkdirSync(`${dir}/root`, { mode: 0o755 });
  Deno.writeTextFileSync(`${dir}/root/a`, "a");
  Deno.writeTextFileSync(`${dir}/root/secret`, "s");
  Deno.chmodSync(`${dir}/root/secret`, 0o600);
  Deno.mkdirSync(`${dir}/private`, { mode: 0o700 });
  Deno.writeTextFileSync(`${dir}/private/f`, "f");
  Deno.mkdirSync(`${dir}/own`, { mode: 0o700 });
  Deno.chownSync(`${dir}/own`, ACCOUNT.uid, ACCOUNT.gid);
  Deno.writeTextFileSync(`${dir}/own/x`, "x");
  Deno.chownSync(`${dir}/own/x`, ACCOUNT.uid, ACCOUNT.gid);
}

Deno.test("account path steps: through io_uring, the kernel answers as for the account on this thread", async () => {
  await withSandbox(async (sb) => {
    Deno.chmodSync(sb.dir, 0o755);
    const here = `${sb.dir}/here`, ring = `${sb.dir}/ring`;
    for (const d of [here, ring]) {
      Deno.mkdirSync(d);
      layout(d);
    }
    const onThread = await outcomes(onThisThread((s) => withFsCredentials(CRED, s)), here);
    // what the account may not do is refused; what it creates is its own
    assertEquals(onThread["rename in root's directory"], "EACCES");
    assertEquals(onThread["create in its own"], `ok ${ACCOUNT.uid}`);
    assertEquals(onThread["open root's 0600 file"], "EACCES");
    assertEquals(onThread["stat in a 0700 directory"], "EACCES");
    assertEquals(onThread["unlink its own"], "ok");
    const steps = accountRing(CRED);
    assert(steps !== null, "io_uring is usable on this machine (the test's kernel allows it)");
    assertEquals(await outcomes(steps, ring), onThread);
    assertEquals(Deno.statSync(`${ring}/own/y`).uid, ACCOUNT.uid);
  });
});
