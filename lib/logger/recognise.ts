/**
 * Which `log/run` scripts the scanner may run in its own process: the forms
 * that mean "exec [setuidgid ACCOUNT] multilog SCRIPT", and nothing else. Pure.
 *
 * After the shebang (`#!/bin/sh`, `#!/bin/bash`, `#!/bin/dash`, also under
 * /usr/bin, optionally with `-e` and/or `-u`, which change nothing for these
 * scripts; or `#!/usr/bin/env sh|bash|dash`), comments, blank lines and an
 * optional `exec 2>&1`, exactly one command line:
 *
 *     exec [dt ]multilog ARGS…
 *     exec [dt ]setuidgid ACCOUNT [dt ]multilog ARGS…
 *
 * where each program may be named by absolute path (`/usr/local/bin/multilog`,
 * `/command/setuidgid`, `/usr/bin/dt multilog`); whether that path is dt or
 * daemontools' own program is the runner's question (runner.ts). A comment
 * may end the line.
 *
 * Every word must be plain — no `$`, backquotes, backslashes, redirections,
 * globs, `~`, `;`, `&`, `|`, brackets or braces: nothing a shell would
 * interpret — or wholly in single quotes (`'-*debug*'`), which the shell
 * takes literally. A relative path to a program (`./multilog`) is not taken.
 * When in doubt, the script runs as a process.
 *
 * @module
 */

/** A recognised logger: the programs named (for PATH checks), the account, multilog's script. */
export interface CanonicalLogger {
  /** The words that name programs, as written (`multilog`, `dt`, `setuidgid`). */
  programs: string[];
  /** The account of `setuidgid ACCOUNT`, if any. */
  account: string | null;
  /** multilog's arguments. */
  script: string[];
}

const SHEBANG =
  /^#!\s*((\/usr)?\/bin\/(sh|bash|dash)(\s+-(e|u|eu|ue))?|\/usr\/bin\/env\s+(sh|bash|dash))\s*$/;
const PLAIN = /^[A-Za-z0-9_+\-.,/:=@%^!]+$/;

/** The canonical logger a `log/run` text describes, or null when it is anything else. */
export function recogniseLogRun(text: string): CanonicalLogger | null {
  const lines = text.split("\n");
  if (lines.length === 0 || !SHEBANG.test(lines[0])) return null;
  let command: string[] | null = null;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (command !== null) return null; // something after the exec
    if (/^exec\s+2>&1$/.test(line)) continue;
    command = splitWords(line);
    if (command === null) return null;
  }
  if (command === null || command[0] !== "exec") return null;
  const words = command.slice(1);
  const programs: string[] = [];
  let i = 0;
  const take = (name: string): boolean => {
    if (names(words[i], "dt") && words[i + 1] === name) {
      programs.push(words[i]);
      i += 2;
      return true;
    }
    if (names(words[i], name)) {
      programs.push(words[i]);
      i += 1;
      return true;
    }
    return false;
  };
  let account: string | null = null;
  if (take("setuidgid")) {
    account = words[i++] ?? null;
    if (account === null || !PLAIN.test(account) || account.startsWith("-")) return null;
  }
  if (!take("multilog")) return null;
  const script = words.slice(i);
  if (script.length === 0) return null; // multilog with no script reads and drops: run it for real
  // `!` alone is a processor with spaces to follow; multilog's processors need `!` + words a shell would split
  if (script.includes("!")) return null;
  return { programs, account, script };
}

/** True when `word` names program `name`: by name, or by an absolute path ending in it. */
function names(word: string | undefined, name: string): boolean {
  if (word === undefined) return false;
  return word === name || (word.startsWith("/") && word.endsWith(`/${name}`));
}

/** Splits a line into words: plain ones, or single-quoted ones taken literally; null otherwise. */
function splitWords(line: string): string[] | null {
  const out: string[] = [];
  for (const w of line.split(/[ \t]+/)) {
    if (w.startsWith("#")) break; // a comment to the end of the line
    if (PLAIN.test(w)) out.push(w);
    else if (/^'[^']+'$/.test(w)) out.push(w.slice(1, -1));
    else return null;
  }
  return out;
}
