/**
 * The programs dt answers to: daemontools' seventeen, and dt's own. Each maps
 * to the module that runs it, imported only when chosen.
 *
 * The names themselves live in the leaf lib/common/program_names.ts; the
 * tables here must have exactly those keys (checked by the type system).
 *
 * @module
 */
import type { DaemontoolsName, OwnName } from "./common/program_names.ts";

/** A program module: `main(args)` returns the exit code. */
export interface ProgramModule {
  main(args: string[]): number | Promise<number>;
}

/** daemontools 0.76's programs, in the order of its documentation. */
export const DAEMONTOOLS: Record<string, () => Promise<ProgramModule>> = {
  svscan: () => import("./cmd/svscan.ts"),
  supervise: () => import("./cmd/supervise.ts"),
  svc: () => import("./cmd/svc.ts"),
  svok: () => import("./cmd/svok.ts"),
  svstat: () => import("./cmd/svstat.ts"),
  svscanboot: () => import("./cmd/svscanboot.ts"),
  readproctitle: () => import("./cmd/readproctitle.ts"),
  fghack: () => import("./cmd/fghack.ts"),
  pgrphack: () => import("./cmd/pgrphack.ts"),
  multilog: () => import("./cmd/multilog.ts"),
  tai64n: () => import("./cmd/tai64n.ts"),
  tai64nlocal: () => import("./cmd/tai64nlocal.ts"),
  setuidgid: () => import("./cmd/setuidgid.ts"),
  envuidgid: () => import("./cmd/envuidgid.ts"),
  envdir: () => import("./cmd/envdir.ts"),
  softlimit: () => import("./cmd/softlimit.ts"),
  setlock: () => import("./cmd/setlock.ts"),
} satisfies Record<DaemontoolsName, () => Promise<ProgramModule>>;

/** dt's own subcommands (messages say `dt NAME: …`). */
export const OWN: Record<string, () => Promise<ProgramModule>> = {
  "install-links": () => import("./cmd/install-links.ts"),
  "boot-config": () => import("./cmd/boot-config.ts"),
  init: () => import("./cmd/init.ts"),
  svwait: () => import("./cmd/svwait.ts"),
} satisfies Record<OwnName, () => Promise<ProgramModule>>;

/** One line of help per program. */
export const SUMMARY: Record<string, string> = {
  svscan: "svscan [DIR]: supervise every service directory in DIR",
  supervise: "supervise DIR: run DIR/run and keep it running",
  svc: "svc -udopchaitkx DIR...: control supervised services",
  svok: "svok DIR: exit 0 if supervise is running for DIR",
  svstat: "svstat [--json] DIR...: print the status of services",
  svscanboot: "svscanboot [DIR]: svscan DIR (/service, else /etc/service), errors in readproctitle",
  readproctitle: "readproctitle IGNORED ...: show stdin in the process title",
  fghack: "fghack CHILD...: wait for a child that puts itself in the background",
  pgrphack: "pgrphack CHILD...: run CHILD in a new process group",
  multilog: "multilog SCRIPT...: read a log from stdin, select, stamp, rotate",
  tai64n: "tai64n: prefix each line with a TAI64N timestamp",
  tai64nlocal: "tai64nlocal: turn TAI64N timestamps into local time",
  setuidgid: "setuidgid ACCOUNT CHILD...: run CHILD as ACCOUNT",
  envuidgid: "envuidgid ACCOUNT CHILD...: set $UID and $GID to ACCOUNT's",
  envdir: "envdir DIR CHILD...: set environment variables from DIR's files",
  softlimit: "softlimit OPTS CHILD...: run CHILD with resource limits",
  setlock: "setlock [-nNxX] FILE CHILD...: run CHILD holding a lock on FILE",
  "install-links":
    "install-links [--force] [--remove] [--man MANDIR] [--completion DIR] [DIR]: link dt and the " +
    "program names to dt; install man pages, shell completion",
  "boot-config": "boot-config systemd|inittab [DIR]: print how to start svscanboot at boot",
  svwait: "svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR...: wait until services are up, ready or down",
  init:
    "init [-cvw] [-r S:R] [-e CODE] [-t SECS] [-S DIR [-T MS]] [--] PROG...: a container's PID 1",
};
