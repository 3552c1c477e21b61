/**
 * The one file's layout (pure: bytes in, bytes out). The file is bin/dt, whose
 * `#@onefile` line becomes the unpacker (unpack.sh, its placeholders filled),
 * padded to a 4 KiB block; then each text member (the bundle, the man pages,
 * the licences) from a 4 KiB block on, padded with NULs (no text member holds
 * one: the unpacker strips them with `tr`); then Deno from a 64 KiB block to
 * the end. Every offset is in blocks, so POSIX `dd bs= skip= count=` cuts the
 * members out; the sums are what POSIX `cksum` prints for the unpacked files.
 *
 * @module
 */
import { cksumLine } from "./cksum.ts";
import { concat } from "../../lib/common/bytes.ts";

/** A file carried in the one file, by its path in the unpacked directory. */
export interface Member {
  /** Relative path: `dt.js`, `one/svc.js`, `man/man8/svc.8`, `LICENSE`. */
  name: string;
  /** Its bytes (text: no NUL). */
  data: Uint8Array;
}

/** A Linux architecture the one file is made for. */
export interface Arch {
  /** In the file's name: dt-linux-LABEL. */
  label: "x64" | "arm64";
  /** What `uname -m` says there. */
  uname: string;
  /** The ELF header's e_machine of its Deno. */
  elfMachine: number;
  /** npm's package of Deno for it. */
  npm: string;
}

/** The architectures dt is built for. */
export const ARCHES: Record<"x64" | "arm64", Arch> = {
  x64: { label: "x64", uname: "x86_64", elfMachine: 0x3e, npm: "@deno/linux-x64-glibc" },
  arm64: { label: "arm64", uname: "aarch64", elfMachine: 0xb7, npm: "@deno/linux-arm64-glibc" },
};

/** Block of the text members. */
export const BLOCK = 4096;
/** Block Deno starts at (dd copies it in blocks this big). */
export const RUNTIME_BLOCK = 65536;

/** What {@link assemble} gives. */
export interface OneFile {
  /** The file's bytes, in order (write them one after the other). */
  parts: Uint8Array[];
  /** Its size in bytes. */
  size: number;
  /** The unpacked directory's name: dt-VERSION-HASH (HASH: the payload's SHA-256, 16 digits). */
  dir: string;
}

const enc = new TextEncoder();
const blocks = (n: number, b: number) => Math.ceil(n / b);

/** The file of `arch` holding `members` and `runtime`, with `launcher`'s text as its script. */
export async function assemble(opts: {
  launcher: string;
  fragment: string;
  version: string;
  arch: Arch;
  members: readonly Member[];
  runtime: Uint8Array;
}): Promise<OneFile> {
  const { launcher, fragment, arch, runtime } = opts;
  const members = [...opts.members].sort((a, b) => a.name.localeCompare(b.name));
  for (const m of members) {
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(m.name)) {
      throw new Error(`onefile: member name ${m.name} is not a plain path`);
    }
    if (m.data.includes(0)) throw new Error(`onefile: ${m.name} holds a NUL byte`);
  }
  if (runtime[18] + 256 * runtime[19] !== arch.elfMachine || runtime[4] !== 2) {
    throw new Error(`onefile: the runtime given is not a 64-bit ELF for ${arch.uname}`);
  }
  if (launcher.split("\n").filter((l) => l === "#@onefile").length !== 1) {
    throw new Error("onefile: the launcher has no single #@onefile line");
  }
  // the payload (everything after the script), block by block, as it sits in the file
  const payload: Uint8Array[] = [];
  const place: { m: Member; skip: number; count: number }[] = [];
  let at = 0; // in BLOCKs from the payload's start
  for (const m of members) {
    const count = Math.max(1, blocks(m.data.length, BLOCK));
    const padded = new Uint8Array(count * BLOCK);
    padded.set(m.data);
    payload.push(padded);
    place.push({ m, skip: at, count });
    at += count;
  }
  const hash = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      concat([...payload, enc.encode(`\n${runtime.length}\n`), runtime]),
    ),
  );
  const dir = `dt-${opts.version}-${
    [...hash.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("")
  }`;
  const files = ["deno", ...members.map((m) => m.name)];
  const sums = [
    cksumLine("deno", runtime),
    ...members.map((m) => cksumLine(m.name, m.data)),
  ].join("\n");
  // the script's size decides the offsets, which are written in it: grow until it fits
  for (let h = 1;; h++) {
    const textEnd = (h + at) * BLOCK;
    const rskip = blocks(textEnd, RUNTIME_BLOCK);
    const size = rskip * RUNTIME_BLOCK + runtime.length;
    const filled = fill(fragment, {
      NAME: dir,
      SIZE: String(size),
      ARCH: arch.uname,
      LABEL: arch.label,
      MEMBERS: place.map((p) => `${p.m.name} ${h + p.skip} ${p.count}`).join(" "),
      RSKIP: String(rskip),
      FILES: files.join(" "),
      SUMS: sums,
    });
    const script = enc.encode(
      // (a function: a replacement string would read the script's `$$` as `$`)
      launcher.replace("\n#@onefile\n", () => `\n${filled.trimEnd()}\n`).trimEnd() + "\nexit 111\n",
    );
    if (script.length > h * BLOCK) continue;
    const head = new Uint8Array(h * BLOCK).fill(0x0a);
    head.set(script);
    const gap = new Uint8Array(rskip * RUNTIME_BLOCK - textEnd);
    const parts = [head, ...payload, gap, runtime];
    return { parts, size, dir };
  }
}

/** `text` with each `@KEY@` replaced; every key must be used and every placeholder known. */
export function fill(text: string, values: Record<string, string>): string {
  const out = text.replace(/@([A-Z]+)@/g, (all, k: string) => {
    if (!Object.hasOwn(values, k)) throw new Error(`onefile: unknown placeholder ${all}`);
    return values[k];
  });
  for (const k of Object.keys(values)) {
    if (!text.includes(`@${k}@`)) throw new Error(`onefile: placeholder @${k}@ is not used`);
  }
  return out;
}
