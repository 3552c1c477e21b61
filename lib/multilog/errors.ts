/**
 * The one error the log engine throws: a fatal problem in daemontools'
 * words, with the exit code the standalone program ends with.
 *
 * @module
 */
import { reason } from "../common/errors.ts";

/** A fatal multilog error: `message` is the text after `multilog: fatal: `. */
export class MultilogError extends Error {
  /** Exit code for the standalone program (111: temporary, as daemontools). */
  readonly code: number;
  constructor(message: string, code = 111) {
    super(message);
    this.name = "MultilogError";
    this.code = code;
  }

  /** `what` + daemontools' wording of `cause`. */
  static of(what: string, cause: unknown, code = 111): MultilogError {
    return new MultilogError(what + reason(cause), code);
  }
}
