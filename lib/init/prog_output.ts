/**
 * PROG's stdout under `dt init --log-prefix`: a pipe read line by line onto
 * dt's stdout with PROG's name as prefix, beside the services' lines, so
 * every line arrives whole. Not when dt's stdout is a terminal: PROG keeps
 * it (an interactive PROG needs a terminal, and a person reads it).
 *
 * @module
 */
import { close, pipe } from "../sys/fd.ts";
import { preparePeek } from "../sys/pipe_peek.ts";
import { isatty } from "../sys/tty.ts";
import { waitAll } from "../common/long_timer.ts";
import { type LineOutput, prefixOutput } from "../svscan/stdout_lines.ts";

/** PROG's side of the output: the fds it is started with, and the end of its lines. */
export interface ProgOutput {
  /** PROG's fds 0, 1, 2. */
  readonly fds: readonly number[];
  /** PROG was started (or could not be): dt's copy of the write end is closed. */
  started(): void;
  /** Resolves once PROG's lines are all written, or at `deadline` (epoch ms); then stops reading. */
  finish(deadline: number): Promise<void>;
}

/**
 * PROG's output through `output`, prefixed with `name`; null when dt's stdout
 * is a terminal (PROG writes to it directly). Throws `SysError` when the
 * pipe cannot be made.
 */
export function prefixProgOutput(name: string, output: LineOutput): ProgOutput | null {
  if (isatty(1)) return null;
  preparePeek();
  const { pipe: [r, w], input } = prefixOutput(pipe(), name, output);
  let writeEnd = w;
  return {
    fds: [0, w, 2],
    started() {
      if (writeEnd >= 0) close(writeEnd);
      writeEnd = -1;
    },
    async finish(deadline: number) {
      this.started();
      await waitAll([input.ended], deadline);
      input.close();
      close(r);
    },
  };
}
