/**
 * The environment as an ordered list of `NAME=VALUE` entries, the form execve and
 * posix_spawn take.
 *
 * @module
 */

/** The current process environment as `NAME=VALUE` strings. */
export function currentEnv(): string[] {
  return Object.entries(Deno.env.toObject()).map(([k, v]) => `${k}=${v}`);
}

const dec = new TextDecoder();

/** Looks a variable up in a `NAME=VALUE` list (entries as text or as raw bytes). */
export function getEnv(env: readonly (string | Uint8Array)[], name: string): string | undefined {
  const prefix = name + "=";
  for (const e of env) {
    const s = typeof e === "string" ? e : dec.decode(e.subarray(0, prefix.length));
    if (s.startsWith(prefix)) {
      return typeof e === "string" ? s.slice(prefix.length) : dec.decode(e.subarray(prefix.length));
    }
  }
  return undefined;
}
