/**
 * dt's entry point. Picks the program from the name dt was started as (a
 * symlink `svc -> dt`, or `exec -a svc`) or else from the first argument,
 * imports only that program's module, runs it, and exits with its code
 * (lib/entry.ts; the bundle also has one-program entries built the same way).
 *
 * @module
 */
import { DAEMONTOOLS, OWN, SUMMARY } from "./lib/programs.ts";
import { VERSION } from "./lib/version.ts";
import { runDt } from "./lib/entry.ts";

function help(): string {
  const lines = Object.keys(DAEMONTOOLS).map((n) => `  ${SUMMARY[n] ?? n}`);
  const own = Object.keys(OWN).map((n) => `  ${SUMMARY[n] ?? n}`);
  return [
    `dt ${VERSION}: daemontools 0.76, re-made for Deno`,
    "usage: dt PROGRAM [ARGS...]   (or start dt under a program's name)",
    "       dt help PROGRAM         (its man page: dt help svc | man -l -)",
    "       dt --unpack             (the one file: unpack beside it, e.g. at image build)",
    "",
    "daemontools programs:",
    ...lines,
    ...(own.length ? ["", "dt's own:", ...own] : []),
    "",
  ].join("\n");
}

await runDt({ ...DAEMONTOOLS, ...OWN }, help);
