/**
 * One version source: lib/common/version.ts. deno.json and npm/package.json carry
 * copies written by scripts/version.ts; this fails when one drifts. The
 * licence is one too: LICENSE, deno.json and npm/package.json say MIT.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { ROOT } from "../helpers/mod.ts";
import { VERSION } from "../../lib/common/version.ts";

const json = (rel: string) => JSON.parse(Deno.readTextFileSync(`${ROOT}/${rel}`));

Deno.test("version: deno.json and npm/package.json carry lib/common/version.ts's version", () => {
  const fix = "run: deno run -A scripts/version.ts";
  assertEquals(
    json("deno.json").version,
    VERSION,
    `deno.json differs from lib/common/version.ts; ${fix}`,
  );
  assertEquals(json("npm/package.json").version, VERSION, `npm/package.json differs; ${fix}`);
});

Deno.test("licence: LICENSE is MIT, as deno.json and npm/package.json say", () => {
  assertStringIncludes(Deno.readTextFileSync(`${ROOT}/LICENSE`).split("\n")[0], "MIT License");
  assertEquals(json("deno.json").license, "MIT");
  assertEquals(json("npm/package.json").license, "MIT");
});
