/**
 * The chain-loading programs: their names and daemontools' usage lines.
 *
 * @module
 */

/** The programs that end by running the rest of their arguments. */
export const CHAIN_PROGRAMS = [
  "setuidgid",
  "envuidgid",
  "envdir",
  "softlimit",
  "setlock",
  "pgrphack",
  "fghack",
] as const;

/** One of {@link CHAIN_PROGRAMS}. */
export type ChainProgram = typeof CHAIN_PROGRAMS[number];

/** True for a chain program's name. */
export function isChainProgram(name: string | undefined): name is ChainProgram {
  return (CHAIN_PROGRAMS as readonly string[]).includes(name ?? "");
}

/** daemontools 0.76's usage line and exit code for each program (envdir's is 111). */
export const USAGE: Readonly<Record<ChainProgram, { line: string; code: number }>> = {
  setuidgid: { line: "setuidgid: usage: setuidgid account child", code: 100 },
  envuidgid: { line: "envuidgid: usage: envuidgid account child", code: 100 },
  envdir: { line: "envdir: usage: envdir dir child", code: 111 },
  softlimit: {
    line: "softlimit: usage: softlimit [-a allbytes] [-c corebytes] [-d databytes] " +
      "[-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] " +
      "[-r residentbytes] [-s stackbytes] [-t cpusecs] child",
    code: 100,
  },
  setlock: { line: "setlock: usage: setlock [ -nNxX ] file program [ arg ... ]", code: 100 },
  pgrphack: { line: "pgrphack: usage: pgrphack child", code: 100 },
  fghack: { line: "fghack: usage: fghack child", code: 100 },
};
