/**
 * What a supervisor writes into its `supervise/`: `status` (daemontools'
 * 18 bytes), `status.json` (dt's extra state), the log pipe's record, and
 * the events its waiters read. Every file is replaced atomically through the
 * held directory's descriptor (a fresh `NAME.new` renamed over it), and the
 * renames run off the JS thread, so a `supervise/` on a stalled disk holds
 * up its own service's status and nothing else.
 *
 * Writes are batched: what is asked for in one turn of the event loop is
 * written once, at the end of the turn, with the state of that moment (a
 * start writes status twice, down then up; the file is written once), in
 * the order first asked for, and the turn's events are sent once its files
 * are in place (a waiter woken by an event reads status and status.json
 * that agree). While a batch is being written, what is asked for forms the
 * next one.
 *
 * @module
 */
import { reason } from "../common/errors.ts";
import { replaceHeld } from "../sys/held_file.ts";
import { broadcast } from "./events.ts";

/** One file to write: its name in `supervise/`, its contents (taken when the batch starts), mode. */
interface Put {
  name: string;
  bytes: () => Uint8Array<ArrayBuffer>;
  mode: number;
  /** Run once it is written (or failed). */
  then: (() => void)[];
}

/** Writes a held `supervise/`'s files and events, in batches, off the JS thread where it can wait. */
export class SuperviseWriter {
  readonly #sup: number;
  readonly #label: string;
  readonly #log: (line: string) => void;
  readonly #fault: (e: unknown) => void;
  #next = new Map<string, Put>();
  #events = "";
  #queued = false;
  #running = false;
  #busy: Promise<void> = Promise.resolve();

  /**
   * A writer into the held directory `sup` (`label` names it in messages);
   * warnings go to `log`; what throws in its callbacks (`log` itself, a
   * function given to {@link after}) goes to `fault`.
   */
  constructor(
    sup: number,
    label: string,
    log: (line: string) => void,
    fault: (e: unknown) => void,
  ) {
    this.#sup = sup;
    this.#label = label;
    this.#log = log;
    this.#fault = fault;
  }

  /** Writes `name` (mode `mode`) with what `bytes` gives when the batch starts. */
  put(name: string, bytes: () => Uint8Array<ArrayBuffer>, mode = 0o644): void {
    if (!this.#next.has(name)) this.#next.set(name, { name, bytes, mode, then: [] });
    else this.#next.get(name)!.bytes = bytes;
    this.#schedule();
  }

  /**
   * Runs `fn` once the write of `name` asked for and not yet begun is done
   * (what daemontools does after announce(): `svc -p` stops the service once
   * the status says paused); at once when none is waiting. What is passed
   * here runs in order.
   */
  after(name: string, fn: () => void): void {
    const p = this.#next.get(name);
    if (p === undefined) fn();
    else p.then.push(fn);
  }

  /** Sends `events` (one byte each) to the waiters once this batch's files are written. */
  event(events: string): void {
    this.#events += events;
    this.#schedule();
  }

  /** Resolves when everything asked for so far is written (or failed and was reported). */
  async drained(): Promise<void> {
    while (this.#running || this.#queued) {
      if (this.#running) await this.#busy;
      else await Promise.resolve();
    }
  }

  #schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      if (!this.#running) this.#busy = this.#run();
    });
  }

  /**
   * Writes batches until none is left; what is asked for meanwhile is taken
   * by its loop (the last check and the flag's reset are one synchronous
   * step: nothing falls between them).
   */
  async #run(): Promise<void> {
    this.#running = true;
    for (;;) {
      if (this.#next.size === 0 && this.#events === "") {
        this.#running = false;
        return;
      }
      const puts = [...this.#next.values()];
      const events = this.#events;
      this.#next = new Map();
      this.#events = "";
      for (const p of puts) {
        try {
          await replaceHeld(this.#sup, p.name, p.bytes(), p.mode, `${this.#label}/${p.name}`);
        } catch (e) {
          this.#warn(e);
        }
        for (const fn of p.then) {
          try {
            fn();
          } catch (e) {
            this.#fault(e);
          }
        }
      }
      if (events !== "") broadcast(this.#sup, events);
    }
  }

  #warn(e: unknown): void {
    const call = (e as { call?: string }).call;
    const path = (e as { path?: string }).path ?? this.#label;
    const what = call === "rename"
      ? `unable to rename ${path} to ${path.replace(/\.new$/, "").replace(/^.*\//, "")}`
      : `unable to open ${path}`;
    try {
      this.#log(`supervise: warning: ${what}: ${reason(e)}`);
    } catch (err) {
      this.#fault(err);
    }
  }
}
