/**
 * The environment as daemontools' pathexec builds it: an ordered list of raw
 * `NAME=VALUE` entries, changed by a list of additions and removals. Pure.
 *
 * @module
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const EQ = 0x3d;

/** Splits the raw contents of `/proc/PID/environ` (NUL-separated) into entries. */
export function parseEnviron(raw: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  // indexOf, not a loop over the bytes: a one-shot program runs this once, in
  // the interpreter, where a byte loop over a few KiB costs a millisecond
  let start = 0;
  for (let i = raw.indexOf(0); i !== -1; i = raw.indexOf(0, start)) {
    if (i > start) out.push(raw.slice(start, i));
    start = i + 1;
  }
  if (start < raw.length) out.push(raw.slice(start));
  return out;
}

const NL = 0x0a, SOH = 0x01;

/**
 * The environment bin/dt captured, from its form in `DT_ENVIRON` (the bytes
 * after the `=`): `t` then the raw environ through `tr '\0\n' '\n\001'`
 * (entries one a line; the launcher takes this form only when the environ
 * has no byte 1 of its own), or `x` then `od -An -v -tx1`'s hex of it. Null
 * for anything else. Empty entries are left out, as {@link parseEnviron}
 * does.
 *
 * @example
 * ```ts
 * const e = new TextEncoder();
 * decodeCapturedEnviron(e.encode("tA=1\nB=x\u0001y")); // [A=1, B=x\ny] as bytes
 * ```
 */
export function decodeCapturedEnviron(form: Uint8Array): Uint8Array[] | null {
  if (form.length === 0) return null;
  if (form[0] === 0x78) { // x: hex
    const hex = dec.decode(form.subarray(1)).replace(/\s+/g, "");
    if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return null;
    const raw = new Uint8Array(hex.length / 2);
    for (let i = 0; i < raw.length; i++) raw[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return parseEnviron(raw);
  }
  if (form[0] !== 0x74) return null; // t: one entry a line
  const out: Uint8Array[] = [];
  let start = 1;
  for (;;) {
    const i = form.indexOf(NL, start);
    const end = i === -1 ? form.length : i;
    if (end > start) {
      const entry = form.slice(start, end);
      for (let j = entry.indexOf(SOH); j !== -1; j = entry.indexOf(SOH, j + 1)) entry[j] = NL;
      out.push(entry);
    }
    if (i === -1) return out;
    start = i + 1;
  }
}

/**
 * One change for {@link mergeEnv}: `NAME=VALUE` sets, a bare `NAME` removes
 * (pathexec_env). The name ends at the first `=`, so a file named `A=B` in an
 * envdir sets `A` to `B=…`.
 */
export function envChange(name: string, value: Uint8Array | string | null): Uint8Array {
  const n = enc.encode(name);
  if (value === null) return n;
  const v = typeof value === "string" ? enc.encode(value) : value;
  const out = new Uint8Array(n.length + 1 + v.length);
  out.set(n);
  out[n.length] = EQ;
  out.set(v, n.length + 1);
  return out;
}

/**
 * pathexec's merge: for each change in order, the first entry with the same
 * name is removed (the last entry moves into its place), then a change with
 * an `=` is appended. The resulting order is the one daemontools produces.
 *
 * @example
 * ```ts
 * // [X1, X2, X3] minus X1 gives [X3, X2]
 * ```
 */
export function mergeEnv(
  environ: readonly Uint8Array[],
  changes: readonly Uint8Array[],
): Uint8Array[] {
  const e = environ.slice();
  for (const p of changes) {
    let split = p.indexOf(EQ);
    if (split === -1) split = p.length;
    for (let t = 0; t < e.length; t++) {
      if (sameName(e[t], p, split)) {
        const last = e.pop()!;
        if (t < e.length) e[t] = last;
        break;
      }
    }
    if (split < p.length) e.push(p);
  }
  return e;
}

function sameName(entry: Uint8Array, change: Uint8Array, split: number): boolean {
  if (entry.length <= split || entry[split] !== EQ) return false;
  for (let i = 0; i < split; i++) if (entry[i] !== change[i]) return false;
  return true;
}

/** The value of `name` in an entry list (first match), as text. */
export function envGet(env: readonly Uint8Array[], name: string): string | undefined {
  const n = enc.encode(name);
  for (const e of env) {
    if (sameName(e, n, n.length)) return dec.decode(e.subarray(n.length + 1));
  }
  return undefined;
}
