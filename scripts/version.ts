/**
 * dt's version has one source, `lib/common/version.ts` (what `dt --version` prints).
 * deno.json (for `deno publish`) and npm/package.json (for `npm pack`) carry
 * copies; this script writes them from it, and tests/own/version_test.ts
 * fails when they differ.
 *
 * Usage: deno run -A scripts/version.ts          → copies lib/common/version.ts's version
 *        deno run -A scripts/version.ts X.Y.Z    → sets X.Y.Z in all three
 */
import { VERSION } from "../lib/common/version.ts";

const root = new URL("../", import.meta.url).pathname;
const want = Deno.args[0] ?? VERSION;
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(want)) {
  console.error(`version: not a version: ${want}`);
  Deno.exit(100);
}
const setJson = (rel: string) => {
  const p = `${root}${rel}`;
  const text = Deno.readTextFileSync(p);
  Deno.writeTextFileSync(p, text.replace(/("version":\s*")[^"]*(")/, `$1${want}$2`));
};
Deno.writeTextFileSync(
  `${root}lib/common/version.ts`,
  Deno.readTextFileSync(`${root}lib/common/version.ts`).replace(/"[^"]*";/, `"${want}";`),
);
setJson("deno.json");
setJson("npm/package.json");
console.log(`version ${want}: lib/common/version.ts, deno.json, npm/package.json`);
