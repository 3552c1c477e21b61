/**
 * Disk trouble: a full file system, or a log directory that cannot be
 * written, makes multilog warn, pause and retry, as daemontools does, and
 * lose no line. dt and daemontools run side by side in the same trouble.
 */
import { waitFor, withSandbox } from "../helpers/mod.ts";
import { assertEquals, DJB, dtArgv, type FifoRun, logLines, startOnFifo } from "./helpers.ts";

function sh(...args: string[]): void {
  const r = new Deno.Command(args[0], { args: args.slice(1), stderr: "piped" }).outputSync();
  if (!r.success) throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
}

const SCRIPT = ["s4096", "n1000", "./main"];
const LINES = Array.from({ length: 1500 }, (_, i) => `log line ${i} ${"z".repeat(i % 60)}`);

interface Side {
  side: string;
  dir: string;
  run: FifoRun;
}

/**
 * Starts both programs, lets 10 lines through, breaks things, sends the
 * rest, waits for `warning` from both, repairs, and checks that every line
 * arrived in order with no other message.
 */
async function ordeal(
  sides: Side[],
  breakIt: (dir: string) => void,
  fixIt: (dir: string) => void,
  warning: string,
): Promise<void> {
  const sending: Promise<void>[] = [];
  for (const { dir, run } of sides) {
    run.write(LINES.slice(0, 10).join("\n") + "\n");
    await waitFor("first lines", () => logLines(`${dir}/main`).length === 10);
    breakIt(dir);
    sending.push(run.send(LINES.slice(10).join("\n") + "\n"));
  }
  for (const { side, run } of sides) {
    await waitFor(`${side} warns`, () => run.proc.stderr().includes(warning));
  }
  for (const { dir } of sides) fixIt(dir);
  await Promise.all(sending);
  for (const { side, dir, run } of sides) {
    await waitFor(
      `${side} catches up`,
      () => logLines(`${dir}/main`).length === LINES.length,
      30000,
    );
    run.end();
    assertEquals((await run.proc.status).code, 0, side);
    assertEquals(logLines(`${dir}/main`), LINES, side);
    const other = run.proc.stderr().split("\n").filter((l) => l && l + "\n" !== warning);
    assertEquals(other, [], side);
  }
}

Deno.test("multilog: a full disk: warn, pause, retry, lose nothing", async () => {
  await withSandbox(async (sb) => {
    const mounted: string[] = [];
    try {
      const sides = [["dt", dtArgv("multilog", ...SCRIPT)], ["djb", [DJB.multilog, ...SCRIPT]]]
        .map(([side, argv]) => {
          const dir = sb.path(side as string);
          Deno.mkdirSync(dir);
          sh("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", dir);
          mounted.push(dir);
          return {
            side: side as string,
            dir,
            run: startOnFifo(sb, argv as string[], dir, sb.path(`${side}.fifo`)),
          };
        });
      await ordeal(
        sides,
        (dir) => {
          try {
            Deno.writeFileSync(`${dir}/filler`, new Uint8Array(1 << 20));
          } catch { /* ENOSPC: full now */ }
        },
        (dir) => Deno.removeSync(`${dir}/filler`),
        "multilog: warning: unable to write to ./main/current, pausing: out of disk space\n",
      );
    } finally {
      for (const dir of mounted) {
        try {
          sh("umount", "-l", dir);
        } catch { /* gone */ }
      }
    }
  });
});

Deno.test("multilog: a log directory it may not write: warn, pause, retry, lose nothing", async () => {
  await withSandbox(async (sb) => {
    Deno.chmodSync(sb.dir, 0o755);
    const nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    const sides = [["dt", dtArgv("multilog", ...SCRIPT)], ["djb", [DJB.multilog, ...SCRIPT]]]
      .map(([side, argv]) => {
        const dir = sb.path(side as string);
        Deno.mkdirSync(`${dir}/main`, { recursive: true });
        Deno.chownSync(dir, 65534, 65534);
        Deno.chownSync(`${dir}/main`, 65534, 65534);
        const fifo = sb.path(`${side}.fifo`);
        const run = startOnFifo(sb, [...nobody, ...argv as string[]], dir, fifo);
        Deno.chmodSync(fifo, 0o666);
        return { side: side as string, dir, run };
      });
    await ordeal(
      sides,
      (dir) => Deno.chmodSync(`${dir}/main`, 0o500),
      (dir) => Deno.chmodSync(`${dir}/main`, 0o700),
      "multilog: warning: unable to rename current to previous in directory ./main, pausing: access denied\n",
    );
  });
});
