/**
 * A bound, nonblocking Unix datagram socket (systemd's NOTIFY_SOCKET):
 * socket(2) and bind(2) through FFI. Datagrams are read with read(2) like any
 * fd (lib/sys/read_fd.ts), one datagram per read.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { errno, lazyLibc } from "./libc.ts";
import { close } from "./fd.ts";

const lib = lazyLibc({
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
});

const AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
/** sizeof(struct sockaddr_un): sun_family (2) and sun_path (108). */
const SOCKADDR_UN = 110;

/** Binds a new datagram socket at `path` (removed first if it exists); returns its fd. */
export function bindDatagram(path: string): number {
  const name = new TextEncoder().encode(path);
  if (name.length >= SOCKADDR_UN - 2) throw new SysError("bind", ERRNO.ENAMETOOLONG, path);
  try {
    Deno.removeSync(path);
  } catch { /* not there */ }
  const fd = lib().socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new SysError("socket", errno(), path);
  const addr = new Uint8Array(SOCKADDR_UN);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(name, 2);
  if (lib().bind(fd, addr, 2 + name.length + 1) !== 0) {
    const e = errno();
    close(fd);
    throw new SysError("bind", e, path);
  }
  return fd;
}
