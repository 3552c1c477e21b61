/**
 * Readiness of a service, for one run of `./run`: s6's `notification-fd`
 * (the service writes a newline on fd N) and systemd's NOTIFY_SOCKET
 * (`notify-socket`: a datagram socket at `supervise/notify`; `READY=1` marks
 * the service ready, `STATUS=` is kept, `MAINPID=`, `WATCHDOG=1` and the rest
 * are read and ignored: dt watches the process it started). Nothing of it
 * survives the run: the next start is not ready until it says so.
 *
 * @module
 */
import { close, pipe } from "../sys/fd.ts";
import { readFd } from "../sys/read_fd.ts";
import { bindDatagram } from "../sys/unix_dgram.ts";
import type { ServiceFiles } from "./service_files.ts";

/** What one systemd notify datagram says (`KEY=VALUE` lines). Pure. */
export function parseNotify(text: string): { ready: boolean; status: string | null } {
  let ready = false, status: string | null = null;
  for (const line of text.split("\n")) {
    if (line === "READY=1") ready = true;
    else if (line.startsWith("STATUS=")) status = line.slice(7);
  }
  return { ready, status };
}

/** True when the files declare readiness (the service will say when it is ready). */
export function declaresReadiness(f: ServiceFiles): boolean {
  return f.notificationFd !== null || f.notifySocket;
}

/** The readiness channels of one run: what the child gets, and the reading afterwards. */
export class Readiness {
  /** `[child fd, parent fd]` for notification-fd, or null. */
  readonly childFd: [number, number] | null = null;
  /** `NOTIFY_SOCKET=…` for the child's environment, or null. */
  readonly env: string | null = null;
  #pipeRead = -1;
  #sock = -1;
  #readers: { close(): void }[] = [];

  /** Opens the channels `files` ask for (throws, with nothing left open, when one cannot be made). */
  constructor(files: ServiceFiles, superviseDir: string) {
    try {
      if (files.notificationFd !== null) {
        const [r, w] = pipe();
        this.#pipeRead = r;
        this.childFd = [files.notificationFd, w];
      }
      if (files.notifySocket) {
        const path = `${Deno.realPathSync(superviseDir)}/notify`;
        this.#sock = bindDatagram(path);
        this.env = `NOTIFY_SOCKET=${path}`;
      }
    } catch (e) {
      this.#closeAll();
      throw e;
    }
  }

  /** After the spawn: closes the child's end, reads the channels; `onReady` once, `onStatus` each STATUS=. */
  watch(onReady: () => void, onStatus: (text: string) => void): void {
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
      const dec = new TextDecoder();
      this.#readers.push(readFd(fd, (chunk) => {
        const n = parseNotify(dec.decode(chunk));
        if (n.status !== null) onStatus(n.status);
        if (n.ready) ready();
      }));
    }
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
