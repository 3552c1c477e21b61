/**
 * log/run scripts as real projects and packages write them (tests/logger/corpus,
 * each with its source and expected outcome): every form that means
 * "exec [setuidgid ACCOUNT] multilog SCRIPT", with programs that resolve to dt
 * or to daemontools' binaries, runs inside the scanner; everything else —
 * near misses included — runs as a process.
 */
import { assertEquals } from "../helpers/assert.ts";
import { LAUNCHER, REF, run, waitFor, withSandbox } from "../helpers/mod.ts";
import { recogniseLogRun } from "../../lib/logger/recognise.ts";

interface Entry {
  source: string;
  /** recognise.ts takes the text as a logger form. */
  form: boolean;
  /** With its programs resolving as set up below, the logger runs in the scanner. */
  inProcess: boolean;
  /** It logs at all here (its programs exist). */
  runnable: boolean;
}

const DIR = new URL("./corpus/", import.meta.url).pathname;
const CORPUS: Record<string, Entry> = JSON.parse(Deno.readTextFileSync(`${DIR}corpus.json`));
const text = (name: string) => Deno.readTextFileSync(`${DIR}${name}.run`);

Deno.test("corpus: each log/run form is recognised, or not, as listed", () => {
  const got = Object.keys(CORPUS).map((n) => `${n}: ${recogniseLogRun(text(n)) !== null}`);
  assertEquals(got, Object.entries(CORPUS).map(([n, e]) => `${n}: ${e.form}`));
});

/** Processes whose working directory is `dir` or below it (daemontools' multilog enters its log directory). */
function processesIn(dir: string): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cwd = Deno.readLinkSync(`/proc/${e.name}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) out.push(Number(e.name));
    } catch { /* gone, or not ours to read */ }
  }
  return out;
}

Deno.test("corpus: a tree of every form runs the loggers in the scanner exactly where listed", async () => {
  await withSandbox(async (sb) => {
    Deno.chmodSync(sb.dir, 0o755); // the near misses run as processes, some as nobody
    const root = sb.path("root");
    const link = (to: string, at: string) => {
      Deno.mkdirSync(at.slice(0, at.lastIndexOf("/")), { recursive: true });
      Deno.symlinkSync(to, at);
    };
    // where the corpus names programs by absolute path: dt, here under a scratch root
    for (const p of ["usr/local/bin/multilog", "usr/local/bin/setuidgid", "usr/bin/dt"]) {
      link(LAUNCHER, `${root}/${p}`);
    }
    for (const p of ["command/multilog", "command/setuidgid"]) link(LAUNCHER, `${root}/${p}`);
    sb.write("root/opt/local/bin/multilog", `#!/bin/sh\nexec ${REF}/multilog "$@"\n`, true);
    const bin = sb.path("bin");
    for (const n of ["dt", "multilog", "setuidgid", "softlimit", "envdir"]) {
      link(LAUNCHER, `${bin}/${n}`);
    }
    const nobody = await run("id", ["-u", "nobody"]);
    const uid = Number(nobody.stdout.trim());
    const logDir: Record<string, string> = {};
    for (const [name, e] of Object.entries(CORPUS)) {
      sb.service(`s/${name}`, "echo hello; exec sleep 1000");
      const t = text(name)
        .replace(
          /(^|[\s])\/(usr\/local\/bin|command|usr\/bin\/dt|opt\/local\/bin)\b/g,
          `$1${root}/$2`,
        )
        .replace(/ \/var\/log\//g, ` ${root}/var/log/`)
        .replace(/setuidgid (\S+)/g, "setuidgid nobody");
      sb.write(`s/${name}/log/run`, t, true);
      // the log directory: the last word that is a path (`./main`, `/var/log/…`)
      const words = t.trim().split("\n").pop()!.replace(/\s+#.*$/, "").split(/\s+/);
      const target = words.filter((w) => w.startsWith("./") || w.startsWith("/")).pop() ?? "./main";
      const main = target.startsWith("/") ? target : sb.path(`s/${name}/log/${target}`);
      Deno.mkdirSync(main, { recursive: true });
      Deno.chownSync(main, uid, null);
      if (e.runnable) logDir[name] = main;
    }
    const sv = sb.start(LAUNCHER, ["svscan", sb.path("s")], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    for (const [name, main] of Object.entries(logDir)) {
      await waitFor(`${name} logging`, () => {
        try {
          return Deno.readTextFileSync(`${main}/current`).includes("hello");
        } catch {
          return false;
        }
      }, 30000).catch((e) => {
        throw new Error(`${e.message}\n${sv.stderr()}`);
      });
    }
    const asProcess = Object.keys(logDir).filter((n) =>
      processesIn(sb.path(`s/${n}/log`)).length > 0
    );
    assertEquals(
      asProcess,
      Object.keys(logDir).filter((n) => !CORPUS[n].inProcess),
      "loggers running as processes",
    );
    const inScanner = Object.keys(logDir).length - asProcess.length;
    console.log(
      `corpus: ${Object.keys(CORPUS).length} log/run scripts, ${inScanner} loggers in the ` +
        `scanner, ${asProcess.length} as processes`,
    );
    sv.kill("SIGTERM");
    assertEquals((await sv.status).code, 0);
  });
});
