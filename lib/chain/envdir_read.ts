/**
 * Reading an envdir directory as daemontools does: check that the starting
 * directory can be opened, chdir into DIR, read each name not starting with
 * `.`, and come back. A file that is not a regular one is read through an fd
 * opened non-blocking, as daemontools' open_read does (a FIFO without a writer
 * reads as empty instead of hanging).
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { close, O, open, readSome } from "../sys/fd.ts";
import { isErrno, SysError } from "../common/errors.ts";
import { joinParts } from "../common/output.ts";
import { envdirValue } from "./envdir_rules.ts";
import { envChange } from "../common/env_list.ts";
import type { Failure } from "../common/failure.ts";

function fail(...parts: unknown[]): Failure {
  return { prog: "envdir", code: 111, lines: [`envdir: fatal: ${joinParts(parts)}`] };
}

/** Reads a whole file; null when it does not exist. Throws. */
function readFile(name: string): Uint8Array | null {
  try {
    if (Deno.statSync(name).isFile) return Deno.readFileSync(name);
  } catch (e) {
    if (isErrno(e, "ENOENT")) return null;
    throw e;
  }
  return readNonblocking(name);
}

/** Reads a whole special file through an fd opened with O_NONBLOCK. Throws SysError. */
function readNonblocking(name: string): Uint8Array | null {
  let fd: number;
  try {
    fd = open(name, O.RDONLY | O.NONBLOCK | O.CLOEXEC);
  } catch (e) {
    if (isErrno(e, "ENOENT")) return null;
    throw e;
  }
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const buf = new Uint8Array(4096);
    for (;;) {
      const r = readSome(fd, buf);
      if (r === -ERRNO.EINTR) continue; // EINTR
      if (r < 0) throw new SysError("read", -r, name);
      if (r === 0) break;
      chunks.push(buf.slice(0, r));
      total += r;
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  } finally {
    close(fd);
  }
}

/**
 * The environment changes DIR asks for, in directory order (see
 * {@link envChange}), or envdir's failure.
 */
export function readEnvDir(dir: string): Uint8Array[] | Failure {
  let back: string;
  try {
    Deno.openSync(".").close();
    back = Deno.cwd();
  } catch (e) {
    return fail("unable to switch to current directory: ", e);
  }
  try {
    Deno.chdir(dir);
  } catch (e) {
    return fail(`unable to switch to directory ${dir}: `, e);
  }
  const changes: Uint8Array[] = [];
  let buffer: Uint8Array = new Uint8Array();
  try {
    for (const entry of Deno.readDirSync(".")) {
      if (entry.name.startsWith(".")) continue;
      let bytes: Uint8Array | null;
      try {
        bytes = readFile(entry.name);
      } catch (e) {
        return fail(`unable to read ${dir}/${entry.name}: `, e);
      }
      if (bytes !== null) buffer = bytes;
      const r = envdirValue(buffer);
      buffer = r.buffer;
      changes.push(envChange(entry.name, r.value));
    }
  } catch (e) {
    return fail(`unable to read directory ${dir}: `, e);
  }
  try {
    Deno.chdir(back);
  } catch (e) {
    return fail("unable to switch to starting directory: ", e);
  }
  return changes;
}
