/**
 * `deno task dist`: the one file to copy onto a server, dist/dt-linux-x64 and
 * dist/dt-linux-arm64. Each is one executable: the launcher bin/dt (a POSIX sh
 * script), then the pinned Deno for that architecture and dt's bundle, which
 * the script unpacks once, checked, into a directory named by their hash
 * (scripts/onefile/, docs/design.md "The one file").
 *
 * Usage: deno run -A scripts/onefile.ts [x64] [arm64]   (default: both)
 *        → the bundle (scripts/bundle.ts), then a line per file: path, size, unpacked name
 */
import { dirname } from "node:path";
import { ARCHES, assemble, type Member } from "./onefile/assemble.ts";
import { runtimeFor } from "./onefile/runtime.ts";
import { VERSION } from "../lib/common/version.ts";

const root = new URL("../", import.meta.url).pathname;
const wanted = Deno.args.length ? Deno.args : ["x64", "arm64"];
for (const a of wanted) {
  if (a !== "x64" && a !== "arm64") {
    console.error(`onefile: usage: onefile.ts [x64] [arm64] (not ${a})`);
    Deno.exit(100);
  }
}

const b = await new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", `${root}scripts/bundle.ts`],
  stdout: "null",
  stderr: "inherit",
}).output();
if (!b.success) Deno.exit(1);

/** The files beside Deno in the unpacked directory. */
function members(): Member[] {
  const out: Member[] = [];
  const add = (name: string, path: string) => out.push({ name, data: Deno.readFileSync(path) });
  add("dt.js", `${root}dist/dt.js`);
  for (const dir of ["one", "man/man8"]) {
    for (const e of Deno.readDirSync(`${root}dist/${dir}`)) {
      if (e.isFile) add(`${dir}/${e.name}`, `${root}dist/${dir}/${e.name}`);
    }
  }
  add("LICENSE", `${root}LICENSE`);
  // Deno's (MIT), from its npm package, beside the binary
  add("LICENSE.deno", `${dirname(Deno.realPathSync(Deno.execPath()))}/LICENSE`);
  return out;
}

const launcher = Deno.readTextFileSync(`${root}bin/dt`);
const fragment = Deno.readTextFileSync(`${root}scripts/onefile/unpack.sh`);
const files = members();
for (const a of wanted) {
  const arch = ARCHES[a as "x64" | "arm64"];
  const one = await assemble({
    launcher,
    fragment,
    version: VERSION,
    arch,
    members: files,
    runtime: await runtimeFor(arch),
  });
  const out = `${root}dist/dt-linux-${arch.label}`;
  // written beside and renamed over: a copy someone runs meanwhile is never half written
  const tmp = `${out}.tmp${Deno.pid}`;
  const f = Deno.openSync(tmp, { write: true, create: true, truncate: true, mode: 0o755 });
  try {
    for (const p of one.parts) {
      for (let at = 0; at < p.length;) at += f.writeSync(p.subarray(at));
    }
  } finally {
    f.close();
  }
  Deno.chmodSync(tmp, 0o755);
  Deno.renameSync(tmp, out);
  console.log(`${out} ${(one.size / 1048576).toFixed(1)} MiB, unpacks as ${one.dir}`);
}
