/**
 * mkfifo(3) and the svok/svc probe: can a FIFO be opened for writing without
 * blocking, that is, does it have a reader?
 *
 * @module
 */
import { isErrno } from "../common/errors.ts";
import { check, cstr, lazyLibc } from "./libc.ts";

const lib = lazyLibc({
  mkfifo: { parameters: ["buffer", "u32"], result: "i32" },
});

/** mkfifo(path, mode); an existing file at path is left as it is (as daemontools' fifo_make). */
export function mkfifo(path: string, mode = 0o600): void {
  try {
    check("mkfifo", lib().mkfifo(cstr(path), mode), path);
  } catch (e) {
    if (!isErrno(e, "EEXIST")) throw e;
  }
}
