/**
 * The ordered writer behind `--log-prefix` (lib/svscan/stdout_lines.ts):
 * what is queued while a write ends is written too, in order; a stdout
 * whose reader is gone drops lines with one warning instead of blocking.
 */
import { assertEquals } from "../helpers/assert.ts";
import { withSandbox } from "../helpers/mod.ts";
import { close, O, open, pipe } from "../../lib/sys/fd.ts";
import { LineOutput } from "../../lib/svscan/stdout_lines.ts";

/** `p`, or a failure naming `what` after 5 s (a write that never ends). */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => t = setTimeout(() => reject(new Error(what)), 5000)),
  ]).finally(() => clearTimeout(t));
}

Deno.test("LineOutput: each write queued as the last one ends is written, in order", async () => {
  await withSandbox(async (sb) => {
    const fd = open(sb.path("out"), O.WRONLY | O.CREAT | O.TRUNC);
    const out = new LineOutput(fd, () => {});
    const enc = new TextEncoder();
    let want = "";
    // each next write queued in the turn the last one ends (as a pipe reader does)
    const chain = new Promise<void>((resolve) => {
      let i = 0;
      const next = () => {
        if (i === 200) return resolve();
        want += `line ${i}\n`;
        out.write(enc.encode(`line ${i++}\n`)).then(next);
      };
      next();
    });
    await within(chain, "a write queued as the last one ended was never written");
    // several at once: one batch, same order
    await within(Promise.all(["a\n", "b\n", "c\n"].map((l) => out.write(enc.encode(l)))), "batch");
    close(fd);
    assertEquals(Deno.readTextFileSync(sb.path("out")), want + "a\nb\nc\n");
  });
});

Deno.test("LineOutput: a stdout whose reader is gone drops lines, one warning, no hang", async () => {
  const [r, w] = pipe();
  close(r);
  const said: string[] = [];
  const out = new LineOutput(w, (t) => said.push(t));
  const enc = new TextEncoder();
  await within(out.write(enc.encode("one\n")), "a write to a broken pipe hung");
  await within(out.write(enc.encode("two\n")), "a write after it hung");
  close(w);
  assertEquals(said, [
    "unable to write to standard output: broken pipe; the services' lines are dropped",
  ]);
});
