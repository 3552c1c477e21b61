/**
 * Prompt delivery: how long a lone line takes from the logger's stdin to
 * its `current` while input is otherwise idle. Usage:
 *   deno run -A delay.ts DIR ROUNDS LOGGER ARGS...   (the script's dir is DIR/main)
 * Prints "median_ms max_ms".
 *
 * @module
 */
const [dir, roundsArg, cmd, ...args] = Deno.args;
const rounds = Number(roundsArg);
const child = new Deno.Command(cmd, {
  args,
  cwd: dir,
  stdin: "piped",
  stdout: "null",
  stderr: "null",
})
  .spawn();
const w = child.stdin.getWriter();
const current = `${dir}/main/current`;
const size = () => {
  try {
    return Deno.statSync(current).size;
  } catch {
    return -1;
  }
};
const delays: number[] = [];
await w.write(new TextEncoder().encode("warm-up line\n"));
while (size() <= 0) await new Promise((r) => setTimeout(r, 5));
for (let i = 0; i < rounds; i++) {
  await new Promise((r) => setTimeout(r, 20)); // input idle
  const before = size();
  const t0 = performance.now();
  await w.write(new TextEncoder().encode(`lone line ${i}\n`));
  while (size() === before) { /* spin: measure, do not sleep */ }
  delays.push(performance.now() - t0);
}
await w.close();
await child.status;
delays.sort((a, b) => a - b);
console.log(delays[Math.floor(delays.length / 2)].toFixed(3), delays[delays.length - 1].toFixed(3));
