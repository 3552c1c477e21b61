/**
 * Recovery from the log journal a killed scanner left: each instant a kill
 * can land at, laid out on real files with the chunk in a real pipe, and
 * what the next logger must then take out of the pipe (and cut off
 * `current`) so every line is in the files exactly once.
 */
import { assertEquals } from "../helpers/assert.ts";
import { withSandbox } from "../helpers/mod.ts";
import { close, O, open, pipe, readSome, writeAll } from "../../lib/sys/fd.ts";
import { PipeReader } from "../../lib/logger/pipe_reader.ts";
import { encodeHeader, HEADER_SIZE } from "../../lib/logger/journal_header.ts";
import { recoverLog } from "../../lib/logger/opening.ts";
import { parseScript } from "../../lib/multilog/script.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
const CHUNK = "line 2\nline 3\nline 4\n";
const BEFORE = "line 1\n";

interface Layout {
  /** Files of main/, oldest first; the one holding `BEFORE` is where the chunk started. */
  files: [string, string][];
  /** Which of them the journal names (default: the one starting with BEFORE). */
  named?: string;
  /** Bytes of the chunk already moved into the journal. */
  moved?: number;
  /** The header's start, when not HEADER_SIZE (the file is then cut back to its header). */
  start?: number;
  /** What the pipe holds (default: the chunk, then more). */
  inPipe?: string;
  /** The chunk (default CHUNK). */
  chunk?: string;
  /** The logger's script, when it has patterns. */
  script?: string[];
  /** Size of the named file the header gives (default: BEFORE's length). */
  size?: number;
  /** Lines of the chunk the header says went to files rotated before (default 0). */
  lines?: number;
}

/** Lays it out, recovers, and returns what is left in the pipe and in each file. */
function recover(dir: string, l: Layout): { pipe: string; files: Record<string, string> } {
  const main = `${dir}/main`;
  Deno.mkdirSync(main);
  for (const [name, text] of l.files) Deno.writeTextFileSync(`${main}/${name}`, text);
  const named = l.named ?? l.files.find(([, t]) => t.startsWith(BEFORE))![0];
  const ino = Deno.statSync(`${main}/${named}`).ino!;
  const start = l.start ?? HEADER_SIZE;
  const journal = `${dir}/journal`;
  const chunk = l.chunk ?? CHUNK;
  const header = encodeHeader({
    n: chunk.length,
    start,
    ino,
    size: l.size ?? BEFORE.length,
    lines: l.lines ?? 0,
  });
  const body = new Uint8Array(l.start === undefined ? l.moved ?? 0 : 0);
  Deno.writeFileSync(journal, new Uint8Array([...header, ...body]));
  const [r, w] = pipe(O.CLOEXEC | O.NONBLOCK);
  const reader = new PipeReader(r);
  const jfd = open(journal, O.RDWR | O.CLOEXEC);
  try {
    writeAll(w, enc.encode(l.inPipe ?? chunk.slice(l.moved ?? 0) + "line 5\n"));
    recoverLog(
      { fd: jfd, size: Deno.statSync(journal).size },
      main,
      undefined,
      reader,
      l.script ? parseScript(l.script) : undefined,
    );
    const buf = new Uint8Array(1 << 16);
    const n = readSome(r, buf);
    const files: Record<string, string> = {};
    for (const [name] of l.files) {
      try {
        files[name] = Deno.readTextFileSync(`${main}/${name}`);
      } catch { /* removed */ }
    }
    // the journal is emptied in every case
    assertEquals(Deno.statSync(journal).size, 0);
    return { pipe: n > 0 ? dec.decode(buf.subarray(0, n)) : "", files };
  } finally {
    close(jfd);
    reader.close();
    close(r);
    close(w);
  }
}

Deno.test("log journal: what a kill at each instant leaves is logged exactly once after", async (t) => {
  await withSandbox(async (sb) => {
    let k = 0;
    const dir = () => {
      const d = sb.path(`j${k++}`);
      Deno.mkdirSync(d);
      return d;
    };
    await t.step("killed before any line of the chunk was written: all of it stays", () => {
      const got = recover(dir(), { files: [["current", BEFORE]] });
      assertEquals(got.pipe, CHUNK + "line 5\n");
      assertEquals(got.files.current, BEFORE);
    });
    await t.step("killed after it was written, before it left the pipe: it is taken out", () => {
      const got = recover(dir(), { files: [["current", BEFORE + CHUNK]] });
      assertEquals(got.pipe, "line 5\n");
      assertEquals(got.files.current, BEFORE + CHUNK);
    });
    await t.step("killed in the middle of the write: the half line is cut, the rest stays", () => {
      const got = recover(dir(), { files: [["current", BEFORE + "line 2\nli"]] });
      assertEquals(got.pipe, "line 3\nline 4\nline 5\n");
      assertEquals(got.files.current, BEFORE + "line 2\n");
    });
    await t.step("killed while it left the pipe: the rest of it is taken out", () => {
      const got = recover(dir(), { files: [["current", BEFORE + CHUNK]], moved: 5 });
      assertEquals(got.pipe, "line 5\n");
    });
    await t.step("rotated while written: the lines in every later file count", () => {
      const got = recover(dir(), {
        files: [["@400000006b000001000000a4.s", BEFORE + "line 2\n"], ["current", "line 3\n"]],
      });
      assertEquals(got.pipe, "line 4\nline 5\n");
    });
    await t.step("rotated through a processor while written: the lines before count", () => {
      // `current` was renamed to `previous`, processed into a new file and removed; the
      // journal moved on to the new `current` (size 0) before, noting 2 lines written
      const got = recover(dir(), {
        files: [["@400000006b000001000000a4.s", BEFORE + "line 2\nline 3\n"], ["current", ""]],
        named: "current",
        size: 0,
        lines: 2,
      });
      assertEquals(got.pipe, "line 4\nline 5\n");
    });
    await t.step("killed in the processor's run: the journal names the new current", () => {
      const got = recover(dir(), {
        files: [["previous", BEFORE + "line 2\n"], ["processed", BEFORE], [
          "current",
          "line 3\n",
        ]],
        named: "current",
        size: 0,
        lines: 1,
      });
      assertEquals(got.pipe, "line 4\nline 5\n");
    });
    await t.step("a long line cut by a rotation, killed before its end: logged again whole", () => {
      // the exception to exactly once: its start stays at the end of the rotated file
      const long = `line 2 ${"x".repeat(3000)}\n`;
      const got = recover(dir(), {
        files: [["@400000006b000001000000a4.s", BEFORE + long.slice(0, 2000)], ["current", ""]],
        named: "current",
        size: 0,
        lines: 0,
        chunk: long + "line 3\n",
      });
      assertEquals(got.pipe, long + "line 3\nline 5\n");
    });
    await t.step("a journal cut back past its start names nothing in the pipe", () => {
      const got = recover(dir(), { files: [["current", BEFORE + CHUNK]], start: 70000 });
      assertEquals(got.pipe, CHUNK + "line 5\n");
    });
    await t.step("the current it names is gone: nothing is taken (twice, never lost)", () => {
      const d = dir();
      Deno.writeTextFileSync(`${d}/gone`, BEFORE);
      const got = recover(d, { files: [["current", BEFORE + CHUNK]], named: "../gone" });
      assertEquals(got.pipe, CHUNK + "line 5\n");
    });
    await t.step("lines its patterns keep out of the directory are passed over", () => {
      const chunk = "line 2\ndebug a\nline 3\ndebug b\nline 4\n";
      const script = ["-debug*", "./main"];
      const got = recover(dir(), {
        files: [["current", BEFORE + "line 2\nline 3\n"]],
        chunk,
        script,
      });
      // line 3 is the second line logged: what follows it (a debug line, then line 4) stays
      assertEquals(got.pipe, "debug b\nline 4\nline 5\n");
    });
    await t.step("the pipe does not hold the chunk any more: nothing is taken", () => {
      const got = recover(dir(), { files: [["current", BEFORE + CHUNK]], inPipe: "line 9\n" });
      assertEquals(got.pipe, "line 9\n");
    });
  });
});
