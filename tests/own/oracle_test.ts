/**
 * Tests that compare dt with daemontools must call daemontools by absolute
 * path: after `dt install-links /usr/local/bin`, a PATH lookup finds dt.
 */
import { assertEquals } from "../helpers/assert.ts";
import {
  isReference,
  LAUNCHER,
  linkPrograms,
  needDaemontools,
  PACKAGES,
  REF,
  ROOT,
  withSandbox,
} from "../helpers/mod.ts";

const NAMES = Object.keys(PACKAGES).filter((n) => PACKAGES[n] === "daemontools").join("|");
/** A call like run(NAME, …) or sb.start(NAME, …) with NAME bare: found through PATH. */
const BARE = new RegExp(`\\b(run|start)\\(\\s*"(${NAMES})"`);

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...testFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

Deno.test("oracle: no test starts a daemontools program by bare name", () => {
  const found: string[] = [];
  for (const f of testFiles(`${ROOT}/tests`)) {
    Deno.readTextFileSync(f).split("\n").forEach((line, i) => {
      if (BARE.test(line)) found.push(`${f.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
    });
  }
  assertEquals(found, []);
});

Deno.test("oracle: a dt link is never taken for daemontools' own program, which is", async () => {
  needDaemontools();
  await withSandbox((sb) => {
    const bin = linkPrograms(sb, ["supervise", "svc"]);
    assertEquals(isReference(`${bin}/supervise`), false);
    assertEquals(isReference(LAUNCHER), false);
    assertEquals(isReference(`${REF}/supervise`), true);
    assertEquals(isReference(`${REF}/svc`), true);
    return Promise.resolve();
  });
});
