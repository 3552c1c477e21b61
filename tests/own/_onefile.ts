/**
 * The one file for this machine's architecture (dist/dt-linux-x64 here),
 * built once per test run from the working tree, and what the one-file tests
 * share: a copy of it alone in a directory, and the places npm put Deno, Node
 * and npm (to hide them).
 */
import { assertEquals } from "../helpers/assert.ts";
import { ROOT, run } from "../helpers/mod.ts";

const LABEL = Deno.build.arch === "aarch64" ? "arm64" : "x64";
let built: Promise<string> | null = null;

/** dist/dt-linux-ARCH, built (`scripts/onefile.ts ARCH`) at the first call of a test run. */
export function oneFile(arch: "x64" | "arm64" = LABEL): Promise<string> {
  if (arch !== LABEL) return buildOne(arch);
  built ??= buildOne(arch);
  return built;
}

async function buildOne(arch: string): Promise<string> {
  const b = await run(Deno.execPath(), ["run", "-A", `${ROOT}/scripts/onefile.ts`, arch]);
  assertEquals(b.code, 0, b.stderr);
  return `${ROOT}/dist/dt-linux-${arch}`;
}

/**
 * A copy of the one file as DIR/NAME (DIR made), mode 0755, with a name of
 * its own for its unpacked directory (the hash in its header changed): a new
 * version as far as unpacking goes, which no cache of an earlier run holds.
 */
export function copyInto(file: string, dir: string, name = "dt-linux-x64"): string {
  Deno.mkdirSync(dir, { recursive: true });
  const to = `${dir}/${name}`;
  Deno.writeFileSync(to, renamed(Deno.readFileSync(file)), { mode: 0o755 });
  Deno.chmodSync(to, 0o755);
  return to;
}

/** `bytes` (a one file) with another, random, hash in its unpacked directory's name. */
export function renamed(bytes: Uint8Array): Uint8Array {
  const head = new TextDecoder().decode(bytes.subarray(0, 65536));
  const m = /\ndt_of_name=dt-[^-\n]+-([0-9a-f]{16})\n/.exec(head);
  if (m === null) throw new Error("not a one file: no dt_of_name line");
  const at = new TextEncoder().encode(head.slice(0, m.index + m[0].length - 17)).length;
  const out = bytes.slice();
  const hex = [...crypto.getRandomValues(new Uint8Array(8))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  out.set(new TextEncoder().encode(hex), at);
  return out;
}

/** The name of the directory the one file `path` unpacks into. */
export function unpackedName(path: string): string {
  const head = new TextDecoder().decode(Deno.readFileSync(path).subarray(0, 65536));
  return /\ndt_of_name=(dt-[^\n]+)\n/.exec(head)![1];
}

/** The entries of `dir` (names), sorted. */
export function entries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

function which(name: string): string | null {
  for (const d of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      return Deno.realPathSync(`${d}/${name}`);
    } catch { /* not here */ }
  }
  return null;
}

/**
 * What to cover so that Deno, Node and npm are not there: the `node_modules`
 * directory an npm install put one in (Deno and npm live in npm's global
 * node_modules), else the file itself (node).
 */
export function runtimes(): { dirs: string[]; files: string[] } {
  const dirs = new Set<string>(), files = new Set<string>();
  for (
    const p of [Deno.realPathSync(Deno.execPath()), which("node"), which("npm"), which("deno")]
  ) {
    if (p === null) continue;
    const at = p.indexOf("/node_modules/");
    if (at !== -1) dirs.add(p.slice(0, at + "/node_modules".length));
    else files.add(p);
  }
  return { dirs: [...dirs], files: [...files] };
}

/**
 * A sh script's first lines for `unshare --mount`: Deno, Node and npm hidden
 * under an empty directory or file (from `empty`), and PATH=/usr/bin:/bin.
 */
export function hideRuntimes(empty: string): string {
  const { dirs, files } = runtimes();
  Deno.mkdirSync(`${empty}/dir`, { recursive: true });
  Deno.writeTextFileSync(`${empty}/file`, "");
  return [
    "set -e",
    "mount --make-rprivate /",
    ...dirs.map((d) => `mount --bind '${empty}/dir' '${d}'`),
    ...files.map((f) => `mount --bind '${empty}/file' '${f}'`),
    "export PATH=/usr/bin:/bin",
    'for p in deno node npm; do ! command -v $p >/dev/null || { echo "visible: $p"; exit 99; }; done',
    "set +e",
  ].join("\n");
}
