/**
 * One man page (man(7) source) from its spec and the docs/ text it names
 * (pure: the documents are passed in).
 *
 * @module
 */
import { parse, preamble, section } from "./markdown.ts";
import { escape, inline, render, textLines } from "./roff.ts";
import type { PageSpec } from "./pages.ts";
import { MAN_MARK } from "../../lib/install/man.ts";

/** What a page is made from besides its spec. */
export interface Sources {
  /** A docs/ file's text, by its path from the repository's root. */
  doc(path: string): string;
  /** `dt --help`'s line per program: `svc -udopchaitkx DIR...: control supervised services`. */
  summary: Readonly<Record<string, string>>;
  /** daemontools' programs, then dt's own, in `dt --help`'s order. */
  programs: readonly string[];
  version: string;
  /** YYYY-MM-DD. */
  date: string;
}

function split(line: string): { synopsis: string; what: string } {
  const at = line.indexOf(": ");
  return { synopsis: line.slice(0, at), what: line.slice(at + 2) };
}

/** The page's man(7) source. */
export function manPage(spec: PageSpec, src: Sources): string {
  const own = spec.program !== undefined && !src.programs.slice(0, 17).includes(spec.program);
  const lines = [
    MAN_MARK,
    `.TH ${spec.page.toUpperCase()} 8 ${src.date} "dt ${src.version}" "dt"`,
    ".SH NAME",
  ];
  if (spec.program === undefined) {
    lines.push(`${spec.page} \\- daemontools 0.76 re-made for Deno, in one executable`);
    lines.push(".SH SYNOPSIS");
    const forms = [
      ["dt", "PROGRAM [ARGS...]"],
      ["PROGRAM", "[ARGS...]   (dt linked as PROGRAM)"],
      ["dt help", "PROGRAM"],
      ["dt", "--unpack"],
      ["dt", "--help | --version"],
    ];
    forms.forEach(([b, rest], i) => {
      if (i > 0) lines.push(".br");
      lines.push(`.B ${b}`, escape(rest, true));
    });
  } else {
    const { synopsis, what } = split(src.summary[spec.program]);
    const [name, ...args] = synopsis.split(" ");
    lines.push(`${spec.page} \\- ${inline(what)}`);
    lines.push(".SH SYNOPSIS");
    lines.push(own ? `.B dt ${name}` : `.B ${name}`);
    if (args.length) lines.push(escape(args.join(" "), true));
    if (!own) {
      lines.push(".br", `.B dt ${name}`, ...(args.length ? [escape(args.join(" "), true)] : []));
    }
  }
  for (const part of spec.parts) {
    const blocks = parse(src.doc(part.doc));
    const body = part.heading === undefined
      ? preamble(blocks)
      : section(blocks, part.heading, part.doc);
    lines.push(`.SH "${part.title}"`, ...render(body));
  }
  if (spec.program === undefined) {
    lines.push('.SH "PROGRAMS"');
    for (const p of src.programs) {
      const { synopsis, what } = split(src.summary[p]);
      lines.push(".TP", `.B ${escape(synopsis, true)}`, ...textLines(inline(what)));
    }
  }
  lines.push('.SH "SEE ALSO"');
  const see = spec.seeAlso.filter((p) => p !== spec.page);
  see.forEach((p, i) => lines.push(`.BR ${p} (8)${i < see.length - 1 ? " ," : ""}`));
  return lines.join("\n") + "\n";
}
