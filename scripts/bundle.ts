/**
 * `deno task bundle`: writes dist/dt.js (one self-contained file: every program,
 * no imports left), dist/one/NAME.js for each daemontools program (the same
 * entry, lib/entry.ts, knowing only that program: a one-shot tool evaluates
 * only its own code), dist/man/man8/*.8 (the man pages, from docs/:
 * scripts/man.ts), and dist/dt, the launcher that runs the right one under
 * the name it was invoked as.
 *
 * Usage: deno run -A scripts/bundle.ts
 */
import { DAEMONTOOLS } from "../lib/programs.ts";
import { writePages } from "./man.ts";

const root = new URL("../", import.meta.url).pathname;
Deno.mkdirSync(`${root}dist/one`, { recursive: true });

async function bundle(entry: string, out: string): Promise<string> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--minify", "--platform", "deno", "--no-config", "-o", out, entry],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!r.success) Deno.exit(1);
  const js = Deno.readTextFileSync(out);
  if (/\bimport\s*\(\s*["']\.|^\s*import .* from ["']\.\.?\//m.test(js)) {
    console.error(`bundle: ${out} still imports a relative module`);
    Deno.exit(1);
  }
  return js;
}

const tmp = Deno.makeTempDirSync({ prefix: "dt-bundle-" });
try {
  const names = Object.keys(DAEMONTOOLS);
  // the first bundle alone: on a fresh machine it fetches esbuild into Deno's cache, and
  // several fetching it at once fail copying it into place
  const js = await bundle(`${root}cli.ts`, `${root}dist/dt.js`);
  const ones = await Promise.all([
    ...names.map((n) => {
      const entry = `${tmp}/${n}.ts`;
      Deno.writeTextFileSync(
        entry,
        `import { runDt } from "${root}lib/entry.ts";\n` +
          `await runDt({ ${
            JSON.stringify(n)
          }: () => import("${root}lib/cmd/${n}.ts") }, () => "");\n`,
      );
      return bundle(entry, `${root}dist/one/${n}.js`);
    }),
  ]);
  const man = writePages(`${root}dist/man/man8`);
  Deno.copyFileSync(`${root}bin/dt`, `${root}dist/dt`);
  Deno.chmodSync(`${root}dist/dt`, 0o755);
  const kib = (s: string) => (s.length / 1024).toFixed(0);
  console.log(
    `dist/dt.js ${kib(js)} KiB, dist/one/*.js ${
      Math.min(...ones.map((s) => s.length / 1024)).toFixed(0)
    }–${
      Math.max(...ones.map((s) => s.length / 1024)).toFixed(0)
    } KiB, ${man} man pages, launcher dist/dt`,
  );
} finally {
  Deno.removeSync(tmp, { recursive: true });
}
