/**
 * Shell completion, as `dt install-links --completion DIR` installs it, in a
 * scripted bash: `dt <TAB>` gives the programs, `svc -<TAB>` svc's options,
 * `svc -t /service/<TAB>` the service directories.
 */
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { LAUNCHER, need, run, withSandbox } from "../helpers/mod.ts";
import { DAEMONTOOLS_NAMES } from "../../lib/common/program_names.ts";

/** What the completion function offers for the words typed so far (the last one being completed). */
async function complete(script: string, words: string[]): Promise<string[]> {
  const bash = need("bash");
  const r = await run(bash, [
    "--norc",
    "--noprofile",
    "-c",
    'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); ' +
    'COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; ' +
    'f=$(complete -p "$1" | sed -n \'s/.*-F \\([^ ]*\\).*/\\1/p\'); "$f" "$1" "${@: -1}" "${@: -2:1}"; ' +
    'printf "%s\\n" "${COMPREPLY[@]}"',
    "bash",
    script,
    ...words,
  ]);
  assertEquals(r.stderr, "");
  return r.stdout.split("\n").filter((l) => l !== "").sort();
}

Deno.test("completion: install-links --completion writes it; dt, svc's options, service directories", async () => {
  await withSandbox(async (sb) => {
    const dir = sb.path("completions");
    const i = await run(LAUNCHER, ["install-links", "--completion", dir]);
    assertEquals(i.code, 0, i.stderr);
    assertStringIncludes(i.stdout, `${dir}/dt: installed`);
    // bash-completion loads a command's completion by its name: each name leads to the one script
    for (const n of DAEMONTOOLS_NAMES) assertEquals(Deno.readLinkSync(`${dir}/${n}`), "dt");
    const script = `${dir}/dt`;
    assertEquals(await complete(script, ["dt", "sv"]), [
      "svc",
      "svok",
      "svscan",
      "svscanboot",
      "svstat",
      "svwait",
    ]);
    assertEquals(await complete(script, ["dt", "install"]), ["install-links"]);
    const opts = ["-a", "-c", "-d", "-h", "-i", "-k", "-o", "-p", "-t", "-u", "-x"];
    assertEquals(await complete(script, ["svc", "-"]), opts);
    assertEquals(await complete(script, ["dt", "svc", "-"]), opts);
    sb.service("service/web", "exec sleep 1");
    sb.service("service/db", "exec sleep 1");
    sb.write("service/README", "not a service");
    const dirs = [sb.path("service/db"), sb.path("service/web")];
    assertEquals(await complete(script, ["svc", "-t", sb.path("service/")]), dirs);
    assertEquals(await complete(script, ["dt", "svc", "-t", sb.path("service/")]), dirs);
    assertEquals(await complete(script, ["svstat", sb.path("service/w")]), [
      sb.path("service/web"),
    ]);
    assertEquals(await complete(script, ["dt", "boot-config", ""]), ["inittab", "systemd"]);
    // the chain programs: the ACCOUNT, then the command
    assertEquals(await complete(script, ["setuidgid", "roo"]), ["root"]);
    assertStringIncludes((await complete(script, ["setuidgid", "root", "ech"])).join(" "), "echo");
    // again: kept; --remove takes back what is dt's
    const again = await run(LAUNCHER, ["install-links", "--completion", dir]);
    assertStringIncludes(again.stdout, `${dir}/dt: kept`);
    const rm = await run(LAUNCHER, ["install-links", "--remove", "--completion", dir]);
    assertEquals(rm.code, 0, rm.stderr);
    assertEquals([...Deno.readDirSync(dir)], []);
  });
});
