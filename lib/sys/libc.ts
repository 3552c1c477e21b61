/**
 * The one door to libc. Each lib/sys module names the symbols it may need; a
 * symbol is bound on its first use, alone, so a program pays (~0.2 ms a
 * symbol: Deno compiles a call stub for each) only for what it calls.
 *
 * @module
 */
import { SysError } from "../common/errors.ts";
import { encodeRaw } from "../common/raw_text.ts";

/**
 * The `symbols` of libc, each bound (a dlopen of libc with that symbol alone)
 * the first time it is read. Read a symbol into a variable before a moment
 * when binding it could not be afforded (with RLIMIT_AS lowered).
 */
export function lazyLibc<S extends Deno.ForeignLibraryInterface>(
  symbols: S,
): () => Deno.DynamicLibrary<S>["symbols"] {
  const bound = {} as Record<string, unknown>;
  for (const name of Object.keys(symbols)) {
    Object.defineProperty(bound, name, {
      configurable: true,
      enumerable: true,
      get() {
        const one = { [name]: symbols[name] } as Deno.ForeignLibraryInterface;
        const fn = Deno.dlopen("libc.so.6", one).symbols[name];
        Object.defineProperty(bound, name, { value: fn, enumerable: true });
        return fn;
      },
    });
  }
  const view = bound as Deno.DynamicLibrary<S>["symbols"];
  return () => view;
}

const base = lazyLibc({
  __errno_location: { parameters: [], result: "pointer" },
});

/** errno of the last synchronous libc call on this thread; read it right after the call. */
export function errno(): number {
  const p = base().__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

/**
 * A reader of this thread's errno that allocates nothing per call, for code
 * that runs while memory limits are lowered (between setrlimit and execve).
 */
export function errnoReader(): () => number {
  const p = base().__errno_location();
  if (p === null) return () => 0;
  const view = new Deno.UnsafePointerView(p);
  return () => view.getInt32();
}

/** Throws a {@link SysError} for `call` if `r` is -1, reading errno; returns `r`. */
export function check(call: string, r: number, path?: string): number {
  if (r === -1) throw new SysError(call, errno(), path);
  return r;
}

/**
 * A NUL-terminated C string (text that carries raw bytes gives those bytes:
 * lib/common/raw_text.ts). Keep the returned buffer referenced until the call returns.
 */
export function cstr(s: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const b = typeof s === "string" ? encodeRaw(s) : s;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/** A NULL-terminated array of C strings (argv/envp), with the buffers it points to. */
export function cstrArray(items: readonly (string | Uint8Array)[]): {
  ptrs: BigUint64Array<ArrayBuffer>;
  keep: Uint8Array[];
} {
  const keep = items.map(cstr);
  const ptrs = new BigUint64Array(keep.length + 1);
  keep.forEach((b, i) => {
    ptrs[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
  });
  return { ptrs, keep };
}
