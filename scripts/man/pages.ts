/**
 * Which parts of docs/ make each man page: a page per daemontools program and
 * per dt program, each section taken from a heading of a docs/ page (the text
 * is the docs' own: nothing here repeats it). The name line and synopsis come
 * from lib/programs.ts's SUMMARY, as `dt --help` prints them.
 *
 * @module
 */
import { CHAIN_PROGRAMS } from "../../lib/chain/names.ts";

/** A man page section made of a docs/ page's section. */
export interface Part {
  /** .SH title. */
  title: string;
  /** docs/ file, from the repository's root. */
  doc: string;
  /** The heading whose section it is; none: the text before the page's first `##`. */
  heading?: string;
}

/** One man page. */
export interface PageSpec {
  /** File name without `.8`: `svc`, `dt-init`. */
  page: string;
  /** Its program in SUMMARY (`svc`, `init`); none for `dt` itself. */
  program?: string;
  /** Sections, in order. */
  parts: Part[];
  /** Pages named under SEE ALSO. */
  seeAlso: string[];
}

const SUPERVISE = ["supervise", "svc", "svok", "svstat", "dt-svwait"];
const SCAN = ["svscan", "svscanboot", "readproctitle", "supervise"];
const LOG = ["multilog", "tai64n", "tai64nlocal"];
const CHAIN: string[] = [...CHAIN_PROGRAMS];
const OWN = ["dt", "dt-init", "dt-install-links", "dt-boot-config"];

/** A page whose description is one section of docs/. */
const one = (page: string, program: string, doc: string, heading: string, seeAlso: string[]) => ({
  page,
  program,
  parts: [{ title: "DESCRIPTION", doc, heading }],
  seeAlso,
});

const chain = (name: string, heading: string): PageSpec => ({
  page: name,
  program: name,
  parts: [
    { title: "DESCRIPTION", doc: "docs/chain.md", heading },
    { title: "EXIT STATUS", doc: "docs/chain.md", heading: "Exit codes" },
    {
      title: "CHAINS RUN IN ONE PROCESS",
      doc: "docs/chain.md",
      heading: "Chains run in one process",
    },
  ],
  seeAlso: CHAIN,
});

/** Every page, in the order of `dt --help`. */
export const PAGES: PageSpec[] = [
  {
    page: "svscan",
    program: "svscan",
    parts: [
      {
        title: "DESCRIPTION",
        doc: "docs/svscan.md",
        heading: "svscan [--subreaper] [--read-only] [--log-prefix] [DIR]",
      },
      { title: "PROCESS NAMES", doc: "docs/svscan.md", heading: "Process names" },
      {
        title: "DESCRIPTORS AND FAULTS",
        doc: "docs/svscan.md",
        heading: "One process for every supervisor: descriptors and faults",
      },
      {
        title: "WHEN THE SCANNER DIES, AND UPGRADING DT",
        doc: "docs/svscan.md",
        heading: "When the scanner dies, and upgrading dt without restarting services",
      },
      {
        title: "AS A CONTAINER'S ENTRY POINT",
        doc: "docs/svscan.md",
        heading: "dt svscan as a container's entry point",
      },
      { title: "LOGGERS INSIDE THE SCANNER", doc: "docs/loggers.md" },
    ],
    seeAlso: [...SCAN, "multilog", "dt-init"],
  },
  {
    page: "supervise",
    program: "supervise",
    parts: [
      { title: "DESCRIPTION", doc: "docs/supervise.md", heading: "supervise DIR" },
      { title: "BEYOND DAEMONTOOLS", doc: "docs/beyond.md" },
      { title: "FILES", doc: "docs/beyond.md", heading: "Files in a service directory" },
    ],
    seeAlso: [...SUPERVISE, "svscan"],
  },
  one("svc", "svc", "docs/supervise.md", "svc OPTS DIR...", SUPERVISE),
  one("svok", "svok", "docs/supervise.md", "svok DIR", SUPERVISE),
  {
    page: "svstat",
    program: "svstat",
    parts: [
      { title: "DESCRIPTION", doc: "docs/supervise.md", heading: "svstat DIR..." },
      { title: "JSON", doc: "docs/beyond.md", heading: "svstat --json DIR…" },
    ],
    seeAlso: SUPERVISE,
  },
  {
    page: "svscanboot",
    program: "svscanboot",
    parts: [
      { title: "DESCRIPTION", doc: "docs/svscan.md", heading: "svscanboot [DIR]" },
      { title: "AT BOOT", doc: "docs/install.md", heading: "dt boot-config systemd|inittab [DIR]" },
    ],
    seeAlso: [...SCAN, "dt-boot-config"],
  },
  one("readproctitle", "readproctitle", "docs/svscan.md", "readproctitle ARGS… DOTS", SCAN),
  chain("fghack", "fghack CHILD…"),
  chain("pgrphack", "pgrphack CHILD…"),
  {
    page: "multilog",
    program: "multilog",
    parts: [
      { title: "DESCRIPTION", doc: "docs/multilog.md", heading: "`dt multilog SCRIPT…`" },
      { title: "INSIDE THE SCANNER", doc: "docs/loggers.md" },
    ],
    seeAlso: [...LOG, "svscan"],
  },
  one("tai64n", "tai64n", "docs/multilog.md", "`dt tai64n`", LOG),
  one("tai64nlocal", "tai64nlocal", "docs/multilog.md", "`dt tai64nlocal`", LOG),
  chain("setuidgid", "setuidgid ACCOUNT CHILD…"),
  chain("envuidgid", "envuidgid ACCOUNT CHILD…"),
  chain("envdir", "envdir DIR CHILD…"),
  chain("softlimit", "softlimit OPTS CHILD…"),
  chain("setlock", "setlock [-nNxX] FILE CHILD…"),
  {
    page: "dt",
    parts: [
      { title: "DESCRIPTION", doc: "README.md" },
      { title: "THE ONE FILE", doc: "docs/install.md", heading: "The one file" },
      { title: "OTHER WAYS TO INSTALL", doc: "docs/install.md", heading: "Other ways to install" },
      {
        title: "WHAT DT STARTS GETS WHAT DT WAS GIVEN",
        doc: "docs/install.md",
        heading: "What dt starts gets what dt was given",
      },
      { title: "LIMITS", doc: "docs/install.md", heading: "Limits Deno cannot live with" },
      { title: "ENVIRONMENT", doc: "docs/install.md", heading: "Environment" },
    ],
    seeAlso: [...OWN.slice(1), "svscan", "supervise", "multilog", ...CHAIN],
  },
  one(
    "dt-install-links",
    "install-links",
    "docs/install.md",
    "dt install-links [--force] [--remove] [--man MANDIR] [--completion DIR] [DIR]",
    OWN,
  ),
  one(
    "dt-boot-config",
    "boot-config",
    "docs/install.md",
    "dt boot-config systemd|inittab [DIR]",
    [...OWN, "svscanboot"],
  ),
  {
    page: "dt-init",
    program: "init",
    parts: [
      { title: "DESCRIPTION", doc: "docs/containers.md" },
      { title: "HOW PROG IS RUN", doc: "docs/containers.md", heading: "How PROG is run" },
      { title: "THE ORDERLY END", doc: "docs/containers.md", heading: "The orderly end" },
      {
        title: "ANY UID, A READ-ONLY IMAGE",
        doc: "docs/containers.md",
        heading: "Any uid, a read-only image",
      },
      {
        title: "EVERY SERVICE'S LINES ON STDOUT",
        doc: "docs/containers.md",
        heading: "Every service's lines on stdout",
      },
      { title: "WAITING FOR SERVICES", doc: "docs/beyond.md", heading: "dt init -S DIR -T MS" },
      { title: "EXAMPLES", doc: "docs/containers.md", heading: "Dockerfile snippets" },
    ],
    seeAlso: [...OWN, "svscan"],
  },
  one(
    "dt-svwait",
    "svwait",
    "docs/beyond.md",
    "dt svwait [-u|-U|-d|-D] [-a|-o] [-t MS] DIR…",
    SUPERVISE,
  ),
];
