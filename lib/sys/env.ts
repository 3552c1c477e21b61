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

/** Looks a variable up in a `NAME=VALUE` list. */
export function getEnv(env: readonly string[], name: string): string | undefined {
  const prefix = name + "=";
  for (const e of env) if (e.startsWith(prefix)) return e.slice(prefix.length);
  return undefined;
}
