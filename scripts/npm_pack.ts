/**
 * Builds the npm package: bundles dt, stages npm/package.json with dist/dt,
 * dist/dt.js, dist/one/, dist/man/, the README and LICENSE in dist/npm/, and
 * packs it into dist/. The only
 * dependency is the `deno` npm package, which brings the pinned Deno binary
 * the launcher runs (so `npm install -g` works on a machine with only Node).
 *
 * Usage: deno run -A scripts/npm_pack.ts   → prints the tarball's path
 */
const root = new URL("../", import.meta.url).pathname;
const run = async (cmd: string, args: string[], cwd = root) => {
  const r = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "inherit" }).output();
  if (!r.success) Deno.exit(1);
  return new TextDecoder().decode(r.stdout).trim();
};
await run(Deno.execPath(), ["run", "-A", "scripts/bundle.ts"]);
const stage = `${root}dist/npm`;
try {
  Deno.removeSync(stage, { recursive: true });
} catch { /* first build */ }
Deno.mkdirSync(`${stage}/dist`, { recursive: true });
Deno.copyFileSync(`${root}npm/package.json`, `${stage}/package.json`);
Deno.copyFileSync(`${root}README.md`, `${stage}/README.md`);
Deno.copyFileSync(`${root}LICENSE`, `${stage}/LICENSE`);
for (const f of ["dt", "dt.js"]) Deno.copyFileSync(`${root}dist/${f}`, `${stage}/dist/${f}`);
for (const d of ["one", "man/man8"]) {
  Deno.mkdirSync(`${stage}/dist/${d}`, { recursive: true });
  for (const e of Deno.readDirSync(`${root}dist/${d}`)) {
    if (e.isFile) Deno.copyFileSync(`${root}dist/${d}/${e.name}`, `${stage}/dist/${d}/${e.name}`);
  }
}
Deno.chmodSync(`${stage}/dist/dt`, 0o755);
const name = (await run("npm", ["pack", "--silent", "--pack-destination", `${root}dist`], stage))
  .split("\n").pop()!;
console.log(`${root}dist/${name}`);
