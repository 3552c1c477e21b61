/**
 * The log engine as a library, in this process: several engines side by
 * side, no exits, errors as values, an account's rights, warnings and `e` output
 * through the host.
 */
import { withSandbox } from "../helpers/mod.ts";
import { MultilogEngine } from "../../lib/multilog/engine.ts";
import { MultilogError } from "../../lib/multilog/errors.ts";
import { parseScript } from "../../lib/multilog/script.ts";
import { assertEquals, logLines, unstamp } from "./helpers.ts";

const enc = new TextEncoder();
const rotated = (dir: string) =>
  [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("@")).sort();

Deno.test("engine: two engines in one process keep to their own directories", async () => {
  await withSandbox(async (sb) => {
    const a = new MultilogEngine(parseScript(["t", "s4096", "./a"]), { cwd: sb.dir });
    const b = new MultilogEngine(parseScript(["./b"]), { cwd: sb.dir });
    await a.open();
    await b.open();
    for (let i = 0; i < 300; i++) {
      await a.feed(enc.encode(`a${i}\n`));
      await b.feed(enc.encode(`b${i}\n`));
    }
    await a.flush();
    assertEquals(logLines(sb.path("a")).map(unstamp).length, 300);
    assertEquals(rotated(sb.path("a")).length > 0, true); // s4096 rotated
    await Promise.all([a.close(), b.close()]);
    assertEquals(
      logLines(sb.path("a")).map(unstamp),
      Array.from({ length: 300 }, (_, i) => `a${i}`),
    );
    assertEquals(logLines(sb.path("b")), Array.from({ length: 300 }, (_, i) => `b${i}`));
    assertEquals(rotated(sb.path("b")), []);
  });
});

Deno.test("engine: rotateNow, partial lines and close", async () => {
  await withSandbox(async (sb) => {
    const e = new MultilogEngine(parseScript(["./main"]), { cwd: sb.dir });
    await e.open();
    await e.rotateNow(); // empty current: nothing to rotate
    assertEquals(rotated(sb.path("main")), []);
    await e.feed(enc.encode("one\ntw"));
    assertEquals(e.atLineStart, false);
    await e.rotateNow(); // rotates what is written; the partial line waits
    assertEquals(rotated(sb.path("main")).length, 1);
    assertEquals(Deno.readTextFileSync(sb.path("main", rotated(sb.path("main"))[0])), "one\n");
    await e.feed(enc.encode("o\nthr"));
    await e.flush(); // written in the background, off the event loop
    assertEquals(Deno.readTextFileSync(sb.path("main/current")), "two\n");
    await e.close(); // end of input: the partial line gets its newline
    assertEquals(Deno.readTextFileSync(sb.path("main/current")), "two\nthr\n");
    assertEquals(Deno.statSync(sb.path("main/current")).mode! & 0o777, 0o744);
    let threw = false;
    try {
      await e.feed(enc.encode("late\n"));
    } catch (err) {
      threw = err instanceof MultilogError;
    }
    assertEquals(threw, true);
  });
});

Deno.test("engine: open() reports errors instead of exiting", async () => {
  await withSandbox(async (sb) => {
    const e = new MultilogEngine(parseScript(["./ok", "./no/such"]), { cwd: sb.dir });
    let err: unknown;
    try {
      await e.open();
    } catch (x) {
      err = x;
    }
    assertEquals(err instanceof MultilogError, true);
    assertEquals(
      (err as MultilogError).message,
      "unable to open directory ./no/such: file does not exist",
    );
    assertEquals((err as MultilogError).code, 111);
    // the first directory's lock was given back
    const again = new MultilogEngine(parseScript(["./ok"]), { cwd: sb.dir });
    await again.open();
    await again.close();
  });
});

Deno.test("engine: warnings and e output go to the host; processors run", async () => {
  await withSandbox(async (sb) => {
    const warnings: string[] = [];
    const errOut: string[] = [];
    const e = new MultilogEngine(
      parseScript(["e", "s4096", "!test -e ok || { touch ok; exit 1; }; cat", "./main"]),
      {
        cwd: sb.dir,
        pauseMs: 10,
        warn: (m) => warnings.push(m),
        stderr: (b) => errOut.push(new TextDecoder().decode(b)),
      },
    );
    await e.open();
    await e.feed(enc.encode("x".repeat(100) + "\n"));
    await e.rotateNow(); // runs the processor: it fails once, then works
    await e.close();
    assertEquals(warnings, ["processor failed in ./main, pausing"]);
    assertEquals(errOut.join(""), "x".repeat(100) + "\n");
    assertEquals(
      Deno.readTextFileSync(sb.path("main", rotated(sb.path("main"))[0])),
      "x".repeat(100) + "\n",
    );
  });
});

Deno.test("engine: an account's files are made with its rights; no processor with an account", async () => {
  await withSandbox(async (sb) => {
    const nobody = { uid: 65534, gid: 65534, groups: [65534] };
    Deno.chmodSync(sb.dir, 0o755);
    Deno.mkdirSync(sb.path("main"));
    Deno.chownSync(sb.path("main"), 65534, 65534);
    const e = new MultilogEngine(parseScript(["s4096", "=status", "./main"]), {
      cwd: sb.dir,
      account: nobody,
    });
    // =status is in the sandbox, which nobody may not write
    const refused = await e.open().then(() => null, (err) => err);
    assertEquals(refused?.message, "unable to create status: access denied");
    const ok = new MultilogEngine(parseScript(["s4096", "./main"]), {
      cwd: sb.dir,
      account: nobody,
    });
    await ok.open();
    await ok.feed(enc.encode("x".repeat(100) + "\n"));
    await ok.rotateNow();
    await ok.close();
    for (const n of ["", "/current", "/lock", "/state", `/${rotated(sb.path("main"))[0]}`]) {
      const st = Deno.statSync(sb.path("main") + n);
      assertEquals([st.uid, st.gid], [65534, 65534], n);
    }
    let thrown: unknown = null;
    try {
      new MultilogEngine(parseScript(["!cat", "./main"]), { cwd: sb.dir, account: nobody });
    } catch (err) {
      thrown = err;
    }
    assertEquals(thrown instanceof MultilogError, true);
  });
});
