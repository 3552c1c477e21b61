/**
 * Unix datagram sockets in the abstract namespace (systemd's
 * `NOTIFY_SOCKET=@NAME`): socket(2), setsockopt(2) SO_PASSCRED, bind(2), and
 * recvmsg(2) of one datagram with the sender's SCM_CREDENTIALS. Nothing is
 * created in any directory; the name lives as long as the socket.
 *
 * Struct layouts (glibc, LP64: x86_64 checked with gcc on this machine;
 * aarch64 uses the same generic `bits/socket.h` and `asm-generic/socket.h`):
 * - `struct msghdr` (56 B): msg_name +0, msg_namelen +8 (u32), msg_iov +16,
 *   msg_iovlen +24 (size_t), msg_control +32, msg_controllen +40 (size_t),
 *   msg_flags +48 (i32);
 * - `struct iovec` (16 B): iov_base +0, iov_len +8;
 * - `struct cmsghdr` (16 B): cmsg_len +0 (size_t), cmsg_level +8, cmsg_type
 *   +12, data +16; `struct ucred` (12 B): pid +0, uid +4, gid +8;
 *   CMSG_SPACE(sizeof ucred) = 32, CMSG_LEN(sizeof ucred) = 28;
 * - SOL_SOCKET 1, SO_PASSCRED 16, SCM_CREDENTIALS 2, MSG_TRUNC 0x20,
 *   MSG_DONTWAIT 0x40, MSG_CMSG_CLOEXEC 0x40000000.
 *
 * @module
 */
import { ERRNO } from "../common/errno.ts";
import { SysError } from "../common/errors.ts";
import { errno, lazyLibc } from "./libc.ts";
import { close } from "./fd.ts";

const lib = lazyLibc({
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
});

const AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1, SO_PASSCRED = 16, SCM_CREDENTIALS = 2;
const MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_CMSG_CLOEXEC = 0x40000000;
/** sizeof(struct sockaddr_un): sun_family (2) and sun_path (108). */
const SOCKADDR_UN = 110;
/** Largest abstract name: sun_path less its leading NUL. */
export const ABSTRACT_NAME_MAX = SOCKADDR_UN - 2 - 1;

const MSGHDR = 56, IOVEC = 16, CMSG_HDR = 16, CMSG_LEN_UCRED = 28, CMSG_SPACE_UCRED = 32;

/**
 * A new nonblocking, close-on-exec datagram socket bound to the abstract name
 * `name` (no leading NUL or `@`), with SO_PASSCRED on, so every datagram comes
 * with its sender's pid, uid and gid. Throws {@link SysError} (EADDRINUSE when
 * the name is taken), with nothing left open.
 */
export function bindAbstractDatagram(name: string): number {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length > ABSTRACT_NAME_MAX) throw new SysError("bind", ERRNO.ENAMETOOLONG, `@${name}`);
  const fd = lib().socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new SysError("socket", errno(), `@${name}`);
  const on = new Uint8Array(new Int32Array([1]).buffer);
  if (lib().setsockopt(fd, SOL_SOCKET, SO_PASSCRED, on, 4) !== 0) {
    const e = errno();
    close(fd);
    throw new SysError("setsockopt", e, `@${name}`);
  }
  const addr = new Uint8Array(SOCKADDR_UN);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(bytes, 3); // sun_path[0] = 0: the abstract namespace; the length bounds the name
  if (lib().bind(fd, addr, 2 + 1 + bytes.length) !== 0) {
    const e = errno();
    close(fd);
    throw new SysError("bind", e, `@${name}`);
  }
  return fd;
}

/** Who sent a datagram, as the kernel says (pid as seen from this pid namespace; 0 if not). */
export interface Credentials {
  pid: number;
  uid: number;
  gid: number;
}

/**
 * Receives datagrams one at a time into buffers it owns (made once, reused):
 * after {@link receive}, {@link data} and {@link credentials} describe the
 * datagram. The control buffer has room for the credentials only, so file
 * descriptors a sender passes (SCM_RIGHTS) are closed by the kernel and never
 * reach this process's fd table.
 */
export class DatagramReceiver {
  readonly #data: Uint8Array<ArrayBuffer>;
  readonly #msg: Uint8Array<ArrayBuffer>;
  readonly #view: DataView;
  #len = 0;
  #flags = 0;

  /** Datagrams of up to `max` bytes are received whole; longer ones are {@link truncated}. */
  constructor(max: number) {
    this.#data = new Uint8Array(new ArrayBuffer(max));
    // msghdr, then its iovec, then the control buffer: one block that V8 never moves
    this.#msg = new Uint8Array(new ArrayBuffer(MSGHDR + IOVEC + CMSG_SPACE_UCRED));
    this.#view = new DataView(this.#msg.buffer);
    const at = (b: Uint8Array) => BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
    const base = at(this.#msg);
    const v = this.#view;
    v.setBigUint64(16, base + BigInt(MSGHDR), true); // msg_iov
    v.setBigUint64(24, 1n, true); // msg_iovlen
    v.setBigUint64(32, base + BigInt(MSGHDR + IOVEC), true); // msg_control
    v.setBigUint64(MSGHDR, at(this.#data), true); // iov_base
    v.setBigUint64(MSGHDR + 8, BigInt(max), true); // iov_len
  }

  /**
   * recvmsg(2) of one datagram from `fd`, without waiting: its length (as
   * received, at most `max`), or -errno (-EAGAIN when none is queued).
   */
  receive(fd: number): number {
    const v = this.#view;
    v.setBigUint64(40, BigInt(CMSG_SPACE_UCRED), true); // msg_controllen (the kernel lowers it)
    v.setInt32(48, 0, true);
    this.#msg.fill(0, MSGHDR + IOVEC);
    const r = Number(lib().recvmsg(fd, this.#msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
    if (r === -1) return -errno();
    this.#len = r;
    this.#flags = v.getInt32(48, true);
    return r;
  }

  /** A copy of the last datagram's bytes. */
  data(): Uint8Array {
    return this.#data.slice(0, this.#len);
  }

  /** True when the last datagram was longer than the buffer (what was read is a part). */
  get truncated(): boolean {
    return (this.#flags & MSG_TRUNC) !== 0;
  }

  /** The last datagram's sender, or null when the kernel gave no credentials. */
  credentials(): Credentials | null {
    const v = this.#view, c = MSGHDR + IOVEC;
    if (Number(v.getBigUint64(40, true)) < CMSG_LEN_UCRED) return null; // msg_controllen
    if (Number(v.getBigUint64(c, true)) < CMSG_LEN_UCRED) return null; // cmsg_len
    if (v.getInt32(c + 8, true) !== SOL_SOCKET || v.getInt32(c + 12, true) !== SCM_CREDENTIALS) {
      return null;
    }
    const d = c + CMSG_HDR;
    return {
      pid: v.getInt32(d, true),
      uid: v.getUint32(d + 4, true),
      gid: v.getUint32(d + 8, true),
    };
  }
}
