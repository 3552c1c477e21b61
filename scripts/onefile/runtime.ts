/**
 * The Deno the one file carries: the version npm/package.json pins (the npm
 * package's runtime). For this machine's architecture, the Deno running the
 * build when it is that version; otherwise npm's package for the
 * architecture (`npm pack`, checked against the integrity recorded here),
 * kept in dist/.runtime/ so a second build needs no network.
 *
 * @module
 */
import type { Arch } from "./assemble.ts";

/** npm's integrity of each runtime package this build may fetch (`npm view PKG@V dist.integrity`). */
export const INTEGRITY: Readonly<Record<string, string>> = {
  "@deno/linux-arm64-glibc@2.9.6":
    "sha512-poqhoH9B3nYloigEMPT5t8HY+wBeiuea1An5Q7fqgJzP0SYmWsoS/oUnWO/pEiA4ofzIBy1Elt/in58xKtxEoQ==",
  "@deno/linux-x64-glibc@2.9.6":
    "sha512-3md4TKLCuzsLDmfOoC5KN7NAZaxSVkMgm64vg6foD00JBADCpYS2/5QqXfzgnP5ZQz3iLP9vBQJtEgc116OAoQ==",
};

const root = new URL("../../", import.meta.url).pathname;

/** The pinned Deno version (npm/package.json's dependency). */
export function pinnedDeno(): string {
  const pkg = JSON.parse(Deno.readTextFileSync(`${root}npm/package.json`));
  return pkg.dependencies.deno;
}

async function sha512(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-512", bytes));
  let s = "";
  for (const b of d) s += String.fromCharCode(b);
  return `sha512-${btoa(s)}`;
}

async function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  const r = await new Deno.Command(cmd, { args, cwd, stdout: "null", stderr: "piped" }).output();
  if (!r.success) {
    throw new Error(`onefile: ${cmd} ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
  }
}

/** The bytes of the pinned Deno for `arch`. */
export async function runtimeFor(arch: Arch): Promise<Uint8Array> {
  const version = pinnedDeno();
  if (arch.uname === Deno.build.arch && Deno.version.deno === version) {
    return Deno.readFileSync(Deno.execPath());
  }
  const spec = `${arch.npm}@${version}`;
  const want = INTEGRITY[spec];
  if (want === undefined) {
    throw new Error(`onefile: no integrity recorded for ${spec} (scripts/onefile/runtime.ts)`);
  }
  const cache = `${root}dist/.runtime`;
  Deno.mkdirSync(cache, { recursive: true });
  const tgz = `${cache}/${arch.npm.slice(1).replace("/", "-")}-${version}.tgz`;
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  try {
    bytes = Deno.readFileSync(tgz);
  } catch { /* not fetched yet */ }
  if (bytes === null || await sha512(bytes) !== want) {
    await run("npm", ["pack", "--silent", "--prefer-offline", "--pack-destination", cache, spec]);
    bytes = Deno.readFileSync(tgz);
    const got = await sha512(bytes);
    if (got !== want) throw new Error(`onefile: ${spec}: integrity ${got}, expected ${want}`);
  }
  const tmp = Deno.makeTempDirSync({ prefix: "dt-runtime-" });
  try {
    await run("tar", ["-xzf", tgz, "-C", tmp, "package/deno"]);
    return Deno.readFileSync(`${tmp}/package/deno`);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
}
