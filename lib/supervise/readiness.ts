/**
 * Readiness of a service, for one run of `./run`: s6's `notification-fd`
 * (the service writes a newline on fd N) and systemd's NOTIFY_SOCKET
 * (`notify-socket`: an abstract datagram socket, `NOTIFY_SOCKET=@dt/notify/…`,
 * that every process of the service reaches whatever its uid; `READY=1` marks
 * the service ready, `STATUS=` is kept, `MAINPID=`, `WATCHDOG=1` and the rest
 * are read and ignored: dt watches the process it started). A datagram counts
 * only when it comes from the main process or one of its descendants
 * (systemd's `NotifyAccess=all` kept to the service's own tree). Nothing of it
 * survives the run: the next start is not ready until it says so.
 *
 * Both survive the scanner (docs/svscan.md, "What survives the scanner"):
 * the notification fd is a FIFO, `supervise/notification`, made fresh at each
 * start and given to the service opened read-write, so a write never meets
 * a FIFO without a reader (no SIGPIPE when the scanner is gone, nor after the
 * first newline was read), and the next scanner opens it again by name and
 * reads what was written meanwhile; the socket's name is kept in
 * status.json, and the next scanner binds it again.
 *
 * @module
 */
import { isErrno, SysError } from "../common/errors.ts";
import { inTreeOf } from "../proctree/lineage.ts";
import { close, O, setNonblock } from "../sys/fd.ts";
import { mkfifoAt, unlinkAt } from "../sys/dir_fd.ts";
import { openHeld } from "../sys/held_file.ts";
import { readDatagrams, readFd } from "../sys/read_fd.ts";
import { bindAbstractDatagram, type Credentials } from "../sys/unix_dgram.ts";
import type { Event } from "./machine_types.ts";
import type { ServiceDir } from "./service_dir.ts";
import type { ServiceFiles } from "./service_files.ts";

/** The notification fd's FIFO in `supervise/`. */
export const NOTIFICATION_FIFO = "notification";

/** Largest notify datagram read (systemd's NOTIFY_BUFFER_MAX); a longer one is dropped. */
export const NOTIFY_MAX_BYTES = 4096;
/** Datagrams read per wake-up: a flood costs bounded work per turn of the event loop. */
export const NOTIFY_PER_WAKE = 16;

/** What one systemd notify datagram says (`KEY=VALUE` lines). Pure. */
export function parseNotify(text: string): { ready: boolean; status: string | null } {
  let ready = false, status: string | null = null;
  for (const line of text.split("\n")) {
    if (line === "READY=1") ready = true;
    else if (line.startsWith("STATUS=")) status = line.slice(7);
  }
  return { ready, status };
}

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * {@link parseNotify} of a datagram's bytes; null when it is not text
 * (not UTF-8, or a NUL in it: systemd drops such a message whole). Pure.
 */
export function parseNotifyBytes(
  data: Uint8Array,
): { ready: boolean; status: string | null } | null {
  if (data.includes(0)) return null;
  try {
    return parseNotify(strict.decode(data));
  } catch {
    return null;
  }
}

/** True when the files declare readiness (the service will say when it is ready). */
export function declaresReadiness(f: ServiceFiles): boolean {
  return f.notificationFd !== null || f.notifySocket;
}

let serial = 0;

/**
 * A fresh abstract name for one run's socket: this process, the service
 * directory (`tag`, its dev:ino), a counter and 64 random bits, so that no
 * other process can take it before dt binds it. Without the leading `@`.
 */
export function notifyName(tag: string): string {
  const rnd = crypto.getRandomValues(new Uint8Array(8));
  const hex = [...rnd].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `dt/notify/${Deno.pid}/${tag.slice(0, 42)}/${++serial}.${hex}`;
}

/** The readiness channels of one run: what the child gets, and the reading afterwards. */
export class Readiness {
  /** `[child fd, parent fd]` for notification-fd, or null. */
  readonly childFd: [number, number] | null = null;
  /** `NOTIFY_SOCKET=@…` for the child's environment, or null. */
  readonly env: string | null = null;
  /** The socket's name (without `@`), or null. */
  readonly notify: string | null = null;
  #pipeRead = -1;
  #sock = -1;
  #readers: { close(): void }[] = [];

  /**
   * Opens the channels `files` ask for in the held directory `dir` (its
   * dev:ino goes into the socket's name); with `adopt`, those of a run a
   * supervisor that died left (the FIFO as it is, the socket's name bound
   * again), for reading only. Throws, with nothing left open, when one
   * cannot be made.
   */
  constructor(files: ServiceFiles, dir: ServiceDir, adopt?: { notify: string | null }) {
    try {
      if (files.notificationFd !== null) {
        const label = `${dir.label}/supervise/${NOTIFICATION_FIFO}`;
        if (adopt === undefined) {
          unlinkAt(dir.sup, NOTIFICATION_FIFO); // a fresh FIFO: nothing of an earlier run in it
          const r = mkfifoAt(dir.sup, NOTIFICATION_FIFO, 0o600);
          if (r < 0) throw new SysError("mkfifo", -r, label);
        }
        this.#pipeRead = this.#fifo(dir, O.RDONLY, label);
        if (adopt === undefined) {
          // read-write: the service's own end is a reader too, so a write never meets none
          const child = this.#fifo(dir, O.RDWR, label);
          this.childFd = [files.notificationFd, child];
          setNonblock(child, false); // the service's end blocks as a pipe's would
        }
      }
      if (files.notifySocket) {
        const name = adopt === undefined ? this.#bind(dir.key) : adopt.notify;
        if (name !== null) {
          if (adopt !== undefined) this.#sock = bindAbstractDatagram(name);
          this.notify = name;
          this.env = `NOTIFY_SOCKET=@${name}`;
        }
      }
    } catch (e) {
      this.#closeAll();
      throw e;
    }
  }

  #fifo(dir: ServiceDir, flags: number, label: string): number {
    const fd = openHeld(dir.sup, NOTIFICATION_FIFO, flags, { label, kind: "fifo" });
    if (fd < 0) throw new SysError("open", -fd, label);
    return fd;
  }

  /** Binds a fresh name (another, should something have taken it); returns the name. */
  #bind(tag: string): string {
    for (let tries = 1;; tries++) {
      const name = notifyName(tag);
      try {
        this.#sock = bindAbstractDatagram(name);
        return name;
      } catch (e) {
        if (!isErrno(e, "EADDRINUSE") || tries >= 3) throw e;
      }
    }
  }

  /**
   * After the spawn of `mainPid`: closes the child's end, reads the channels;
   * `onReady` once, `onStatus` each STATUS=. A datagram from outside the tree
   * of `mainPid` is ignored; the first such one of the run is told to
   * `onIgnored` (one line), the others are not.
   */
  watch(
    mainPid: number,
    onReady: () => void,
    onStatus: (text: string) => void,
    onIgnored: (line: string) => void = () => {},
  ): void {
    this.closeChildEnd();
    let said = false;
    const ready = () => {
      if (said) return;
      said = true;
      onReady();
    };
    if (this.#pipeRead >= 0) {
      const fd = this.#pipeRead;
      this.#pipeRead = -1;
      const r = readFd(fd, (chunk) => {
        if (!chunk.includes(10)) return;
        r.close(); // s6: the first newline is all there is to read
        ready();
      });
      this.#readers.push(r);
    }
    if (this.#sock >= 0) {
      const fd = this.#sock;
      this.#sock = -1;
      let warned = false;
      const ignore = (from: Credentials | null) => {
        if (warned) return;
        warned = true;
        const who = from === null ? "a sender without credentials" : `pid ${from.pid}`;
        onIgnored(
          `notify: ignored a message from ${who}: not the service's process or its descendant`,
        );
      };
      this.#readers.push(readDatagrams(fd, (data, from) => {
        const n = parseNotifyBytes(data);
        if (n === null || (n.status === null && (!n.ready || said))) return; // nothing to act on
        if (from === null || !inTreeOf(from.pid, mainPid)) return ignore(from);
        if (n.status !== null) onStatus(n.status);
        if (n.ready) ready();
      }, { maxBytes: NOTIFY_MAX_BYTES, perWake: NOTIFY_PER_WAKE }));
    }
  }

  /**
   * {@link watch} for the supervisor: the run `pid`'s readiness and STATUS=
   * texts go to `receive` as the machine's events; a stranger's message to `warn`.
   */
  follow(pid: number, receive: (e: Event) => void, warn: (line: string) => void): void {
    this.watch(
      pid,
      () => receive({ type: "ready", pid }),
      (text) => receive({ type: "statusText", pid, text }),
      warn,
    );
  }

  /** Closes the fd the child got (call after the spawn, whether it worked or not). */
  closeChildEnd(): void {
    if (this.childFd !== null && this.childFd[1] >= 0) {
      close(this.childFd[1]);
      this.childFd[1] = -1;
    }
  }

  /** The run ended: stop reading, close everything. */
  close(): void {
    this.#closeAll();
  }

  #closeAll(): void {
    this.closeChildEnd();
    for (const r of this.#readers.splice(0)) r.close();
    if (this.#pipeRead >= 0) close(this.#pipeRead);
    if (this.#sock >= 0) close(this.#sock);
    this.#pipeRead = this.#sock = -1;
  }
}
