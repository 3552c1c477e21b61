/**
 * The names dt answers to, and nothing else: a leaf module, so code that must
 * tell a dt program from another (the chain resolver, install-links) does not
 * import the programs themselves. lib/programs.ts maps each name to its module.
 *
 * @module
 */

/** daemontools 0.76's programs, in the order of its documentation. */
export const DAEMONTOOLS_NAMES = [
  "svscan",
  "supervise",
  "svc",
  "svok",
  "svstat",
  "svscanboot",
  "readproctitle",
  "fghack",
  "pgrphack",
  "multilog",
  "tai64n",
  "tai64nlocal",
  "setuidgid",
  "envuidgid",
  "envdir",
  "softlimit",
  "setlock",
] as const;

/** dt's own subcommands (messages say `dt NAME: …`). */
export const OWN_NAMES = ["install-links", "boot-config", "init", "svwait"] as const;

/** One of {@link DAEMONTOOLS_NAMES}. */
export type DaemontoolsName = typeof DAEMONTOOLS_NAMES[number];
/** One of {@link OWN_NAMES}. */
export type OwnName = typeof OWN_NAMES[number];

/** True when `name` is a program dt runs (daemontools' or its own). */
export function isProgramName(name: string): name is DaemontoolsName | OwnName {
  return (DAEMONTOOLS_NAMES as readonly string[]).includes(name) ||
    (OWN_NAMES as readonly string[]).includes(name);
}
