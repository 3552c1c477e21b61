/**
 * `deno task bundle`: writes dist/dt.js (one self-contained file: every program,
 * no imports left) and dist/dt, the launcher that runs it under the name it was
 * invoked as.
 *
 * Usage: deno run -A scripts/bundle.ts
 */
const root = new URL("../", import.meta.url).pathname;
Deno.mkdirSync(`${root}dist`, { recursive: true });
const r = await new Deno.Command(Deno.execPath(), {
  args: [
    "bundle",
    "--quiet",
    "--platform",
    "deno",
    "--no-config",
    "-o",
    `${root}dist/dt.js`,
    `${root}cli.ts`,
  ],
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!r.success) Deno.exit(1);
const js = Deno.readTextFileSync(`${root}dist/dt.js`);
if (/\bimport\s*\(\s*["']\.|^\s*import .* from ["']\.\.?\//m.test(js)) {
  console.error("bundle: dist/dt.js still imports a relative module");
  Deno.exit(1);
}
Deno.copyFileSync(`${root}bin/dt`, `${root}dist/dt`);
Deno.chmodSync(`${root}dist/dt`, 0o755);
console.log(`dist/dt.js ${(js.length / 1024).toFixed(0)} KiB, launcher dist/dt`);
