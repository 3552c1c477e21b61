/**
 * The one error the client side throws (svc, svstat, svwait's library): what
 * could not be done to a service directory, in daemontools' words.
 *
 * @module
 */
import { reason } from "../common/errors.ts";

/**
 * A control failure: `message` is daemontools' text for it (`unable to
 * control DIR: supervise not running`), what the program prints after its
 * prefix or the directory; `cause` is the error behind it, if any.
 */
export class ControlError extends Error {
  /** True when no supervisor runs for the directory (daemontools: `supervise not running`). */
  readonly notRunning: boolean;

  /** An error with daemontools' message, what caused it, and whether no supervisor runs. */
  constructor(message: string, cause?: unknown, notRunning = false) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ControlError";
    this.notRunning = notRunning;
  }

  /** `what` + daemontools' wording of `cause`. */
  static of(what: string, cause: unknown): ControlError {
    return new ControlError(what + reason(cause), cause);
  }

  /** `what` + `supervise not running`. */
  static notRunning(what: string): ControlError {
    return new ControlError(`${what}supervise not running`, undefined, true);
  }
}
