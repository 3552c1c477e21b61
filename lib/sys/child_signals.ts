/**
 * The signal dispositions a program dt starts or execs begins with: every
 * signal 1 to 64 at its default but those dt itself was started with ignored,
 * which stay ignored (daemontools' supervise passes them on; tini's children
 * get the same), and an empty mask. Deno ignores SIGPIPE and handles HUP, INT,
 * TERM and USR1 itself, and glibc's posix_spawn ignores its own signals 32 and
 * 33 in the child unless POSIX_SPAWN_SETSIGDEF names them, which glibc's
 * sigfillset and sigaddset never do: the set is built here byte by byte.
 *
 * Dispositions are read and changed with the raw rt_sigaction(2), one libc
 * symbol for all (binding one costs a one-shot program ~0.3 ms): glibc's
 * sigaction refuses 32 and 33, which a parent that starts programs with
 * posix_spawn (Deno, Rust, Python) passes on ignored, and which glibc keeps
 * a handler of its own for (33) in this process.
 *
 * @module
 */
import { lazyLibc } from "./libc.ts";
import { ignoredAtStart } from "./launched.ts";

const lib = lazyLibc({
  syscall: { parameters: ["i64", "i64", "buffer", "buffer", "i64"], result: "i64" },
});

const ARM = Deno.build.arch === "aarch64";
const NR_RT_SIGACTION = ARM ? 134n : 13n;
const NR_RT_SIGPROCMASK = ARM ? 135n : 14n;
/** The kernel's struct sigaction (x86_64 and arm64): handler, flags, restorer, mask (8 bytes). */
const KSIGACTION_SIZE = 32;
const SIG_IGN = 1n, SIG_SETMASK = 2n;
/** KILL and STOP: no disposition of theirs can change. */
const FIXED = new Set([9, 19]);

const IGNORE = new Uint8Array(KSIGACTION_SIZE);
new DataView(IGNORE.buffer).setBigUint64(0, SIG_IGN, true);
const DEFAULT = new Uint8Array(KSIGACTION_SIZE); // handler SIG_DFL (0)
const now = new Uint8Array(KSIGACTION_SIZE);
const nowView = new DataView(now.buffer);

/** rt_sigaction(sig, act, old); true when it worked. */
function sigaction(sig: number, act: Uint8Array | null, old: Uint8Array | null): boolean {
  return lib().syscall(NR_RT_SIGACTION, BigInt(sig), act, old, 8n) === 0n;
}

/** The handler set now for `sig` (SIG_DFL 0, SIG_IGN 1, a function's address; its struct in `now`); null if unreadable. */
function handlerOf(sig: number): bigint | null {
  return sigaction(sig, null, now) ? nowView.getBigUint64(0, true) : null;
}

function ignored(mask: bigint, sig: number): boolean {
  return (mask >> BigInt(sig - 1) & 1n) === 1n;
}

let defaults: Uint8Array | undefined;

/**
 * The sigset for POSIX_SPAWN_SETSIGDEF (sigset_t, 128 bytes): signals 1 to 64
 * but those dt was started with ignored.
 */
export function spawnDefaults(): Uint8Array {
  if (defaults === undefined) {
    const mask = ignoredAtStart();
    const set = new Uint8Array(128);
    for (let sig = 1; sig <= 64; sig++) {
      if (!ignored(mask, sig)) set[(sig - 1) >> 3] |= 1 << ((sig - 1) & 7);
    }
    defaults = set;
  }
  return defaults;
}

/** Dispositions to give back after posix_spawn. */
export interface Held {
  /** Puts the handlers back. */
  restore(): void;
}

/**
 * Right before posix_spawn: each signal dt was started with ignored that this
 * process handles now (Deno's own handlers, a listener, glibc's for 33) is
 * set to SIG_IGN, so that the child starts with it ignored; `restore` puts the
 * handlers back right after. One that arrives in between is lost (it was
 * given ignored). Null when there is nothing to do (the usual case: nothing
 * was ignored). Nothing in dt makes glibc send its SIGSETXID meanwhile (no
 * setuid while JS waits on posix_spawn).
 */
export function ignoreAround(): Held | null {
  const mask = ignoredAtStart();
  if (mask === 0n) return null;
  const saved: [number, Uint8Array][] = [];
  for (let sig = 1; sig <= 64; sig++) {
    if (FIXED.has(sig) || !ignored(mask, sig)) continue;
    const h = handlerOf(sig);
    if (h === null || h === SIG_IGN) continue;
    const old = now.slice();
    if (sigaction(sig, IGNORE, null)) saved.push([sig, old]);
  }
  if (saved.length === 0) return null;
  return {
    restore() {
      for (const [sig, old] of saved) sigaction(sig, old, null);
    },
  };
}

/**
 * Right before execve (a chain's last step): every signal at its default but
 * those dt was started with ignored, which are ignored, and an empty mask
 * (handlers, glibc's too, go back to the default at execve by themselves).
 */
export function resetForExec(): void {
  const mask = ignoredAtStart();
  for (let sig = 1; sig <= 64; sig++) {
    if (FIXED.has(sig)) continue;
    const h = handlerOf(sig);
    if (h === null) continue;
    if (ignored(mask, sig)) {
      if (h !== SIG_IGN) sigaction(sig, IGNORE, null);
    } else if (h === SIG_IGN) sigaction(sig, DEFAULT, null);
  }
  lib().syscall(NR_RT_SIGPROCMASK, SIG_SETMASK, new Uint8Array(8), null, 8n);
}
