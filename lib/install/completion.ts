/**
 * Shell completion for bash (and zsh through its bashcompinit): `dt <TAB>`
 * gives the programs, `svc -<TAB>` a program's options, `svc -t
 * /service/<TAB>` the service directories; a chain program completes its
 * ACCOUNT, DIR or FILE and then the command it runs. Written by
 * `dt install-links --completion DIR` as DIR/dt, with each program's name
 * linked to it (bash-completion loads a command's completion by its name).
 *
 * @module
 */
import { DAEMONTOOLS_NAMES, OWN_NAMES } from "../common/program_names.ts";
import type { LinkResult } from "./links.ts";
import { isErrno } from "../common/errors.ts";

/** The first line of the script: how a file is known as dt's own. */
const COMPLETION_MARK = "# dt: bash completion, written by dt install-links --completion";

/** Each program's options (what `PROG -<TAB>` offers). */
export const OPTIONS: Readonly<Record<string, string>> = {
  svscan: "--subreaper --read-only --log-prefix",
  svc: "-u -d -o -p -c -h -a -i -t -k -x",
  svstat: "--json",
  softlimit: "-a -c -d -f -l -m -o -p -r -s -t",
  setlock: "-n -N -x -X",
  "install-links": "--force --remove --man --completion",
  svwait: "-u -U -d -D -a -o -t",
  init: "-c -l -v -w -r -e -t -S -T -h -V --single-child --rewrite --exit-ok --grace --services " +
    "--log-prefix --verbose --warn-reaped --",
};

/**
 * What a program's arguments are, after its options: `dirs` (service
 * directories), `dir+cmd`, `user+cmd`, `file+cmd` (one such argument, then a
 * command line), `cmd`, `boot` (systemd|inittab, then a directory),
 * `programs`, or nothing.
 */
const ARGUMENTS: Readonly<Record<string, string>> = {
  svscan: "dirs",
  supervise: "dirs",
  svc: "dirs",
  svok: "dirs",
  svstat: "dirs",
  svscanboot: "dirs",
  svwait: "dirs",
  "install-links": "dirs",
  multilog: "dirs",
  setuidgid: "user+cmd",
  envuidgid: "user+cmd",
  envdir: "dir+cmd",
  setlock: "file+cmd",
  softlimit: "cmd",
  pgrphack: "cmd",
  fghack: "cmd",
  init: "cmd",
  "boot-config": "boot",
  help: "programs",
};

/** The bash completion script. */
function bashCompletion(): string {
  const programs = [...DAEMONTOOLS_NAMES, ...OWN_NAMES].join(" ");
  const cases = (table: Readonly<Record<string, string>>) =>
    Object.entries(table).map(([k, v]) => `    ${k}) echo "${v}" ;;`).join("\n");
  return `${COMPLETION_MARK}
# (zsh: autoload -U bashcompinit && bashcompinit, then source this file)
_dt_programs="${programs}"
_dt_options() {
  case $1 in
${cases(OPTIONS)}
  esac
}
_dt_arguments() {
  case $1 in
${cases(ARGUMENTS)}
  esac
}
_dt() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prog=\${COMP_WORDS[0]##*/} at=1 n=0 i kind
  case $prog in
    dt | dt-linux-*)
      if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$_dt_programs help --help --version --unpack" -- "$cur"))
        return
      fi
      prog=\${COMP_WORDS[1]}
      at=2
      ;;
  esac
  case $cur in
    -*)
      COMPREPLY=($(compgen -W "$(_dt_options "$prog")" -- "$cur"))
      return
      ;;
  esac
  # the arguments before this one that are not options
  for ((i = at; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) ;; *) n=$((n + 1)) ;; esac
  done
  kind=$(_dt_arguments "$prog")
  case $kind in
    dirs) COMPREPLY=($(compgen -d -- "$cur")) ;;
    programs) COMPREPLY=($(compgen -W "$_dt_programs" -- "$cur")) ;;
    boot)
      if [ "$n" -eq 0 ]; then COMPREPLY=($(compgen -W "systemd inittab" -- "$cur"))
      else COMPREPLY=($(compgen -d -- "$cur")); fi
      ;;
    *+cmd | cmd)
      if [ "$kind" != cmd ] && [ "$n" -eq 0 ]; then
        case $kind in
          user+cmd) COMPREPLY=($(compgen -u -- "$cur")) ;;
          dir+cmd) COMPREPLY=($(compgen -d -- "$cur")) ;;
          *) COMPREPLY=($(compgen -f -- "$cur")) ;;
        esac
      elif [ "$n" -eq "$([ "$kind" = cmd ] && echo 0 || echo 1)" ]; then
        COMPREPLY=($(compgen -c -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      ;;
    *) COMPREPLY=() ;;
  esac
}
complete -o filenames -F _dt dt ${DAEMONTOOLS_NAMES.join(" ")}
`;
}

function existing(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (isErrno(e, "ENOENT")) return null;
    return "";
  }
}

/**
 * Writes the script to DIR/dt and links each daemontools name in DIR to it
 * (bash-completion's loader looks for the command's name). What is there and
 * not dt's is left alone unless `force`.
 */
export function installCompletion(dir: string, force = false): LinkResult[] {
  Deno.mkdirSync(dir, { recursive: true });
  const text = bashCompletion();
  const out: LinkResult[] = [];
  const have = existing(`${dir}/dt`);
  if (have !== null && !have.startsWith(COMPLETION_MARK) && !force) {
    return [{ name: "dt", action: "refused", why: "exists and is not dt's (use --force)" }];
  }
  if (have === text) out.push({ name: "dt", action: "kept" });
  else {
    const tmp = `${dir}/.dt.dt-new`;
    Deno.writeTextFileSync(tmp, text, { mode: 0o644 });
    Deno.chmodSync(tmp, 0o644);
    Deno.renameSync(tmp, `${dir}/dt`);
    out.push({ name: "dt", action: have === null ? "installed" : "replaced" });
  }
  for (const name of DAEMONTOOLS_NAMES) {
    const path = `${dir}/${name}`;
    let link: string | null = null;
    try {
      link = Deno.readLinkSync(path);
    } catch (e) {
      if (!isErrno(e, "ENOENT") && !force) {
        out.push({
          name,
          action: "refused",
          why: "exists and is not a link to dt's (use --force)",
        });
        continue;
      }
    }
    if (link === "dt") {
      out.push({ name, action: "kept" });
      continue;
    }
    const replacing = link !== null || existing(path) !== null;
    if (replacing && !force) {
      out.push({ name, action: "refused", why: "exists and is not a link to dt's (use --force)" });
      continue;
    }
    if (replacing) Deno.removeSync(path);
    Deno.symlinkSync("dt", path);
    out.push({ name, action: replacing ? "replaced" : "linked" });
  }
  return out;
}

/** Removes DIR/dt and the names linked to it, when they are dt's. */
export function removeCompletion(dir: string): LinkResult[] {
  const out: LinkResult[] = [];
  for (const name of DAEMONTOOLS_NAMES) {
    const path = `${dir}/${name}`;
    let link: string | null = null;
    try {
      link = Deno.readLinkSync(path);
    } catch { /* absent, or not a link */ }
    if (link === "dt") {
      Deno.removeSync(path);
      out.push({ name, action: "removed" });
    } else if (existing(path) !== null) {
      out.push({ name, action: "refused", why: "not a link to dt's" });
    } else out.push({ name, action: "absent" });
  }
  const have = existing(`${dir}/dt`);
  if (have === null) out.push({ name: "dt", action: "absent" });
  else if (!have.startsWith(COMPLETION_MARK)) {
    out.push({ name: "dt", action: "refused", why: "not dt's" });
  } else {
    Deno.removeSync(`${dir}/dt`);
    out.push({ name: "dt", action: "removed" });
  }
  return out;
}
