/**
 * The Markdown that docs/ is written in, as blocks (pure): headings,
 * paragraphs, lists (nested, ordered or not), fenced code and pipe tables:
 * all the man pages need to be made from docs/ (scripts/man.ts).
 *
 * @module
 */

/** One block of a Markdown document. Inline text stays Markdown. */
export type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "para"; text: string }
  | { kind: "list"; ordered: boolean; items: Block[][] }
  | { kind: "code"; lang: string; lines: string[] }
  | { kind: "table"; header: string[]; rows: string[][] };

const LIST_ITEM = /^( *)([-*]|\d+\.) +/;

function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  // a `|` inside a code span is the text's, not a column's
  const out: string[] = [];
  let cur = "", code = false;
  for (const ch of inner) {
    if (ch === "`") code = !code;
    if (ch === "|" && !code) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** The blocks of `md`. */
export function parse(md: string): Block[] {
  return parseLines(md.replace(/\r\n/g, "\n").split("\n"));
}

function parseLines(lines: string[]): Block[] {
  const out: Block[] = [];
  let i = 0;
  const blank = (l: string | undefined) => l === undefined || l.trim() === "";
  while (i < lines.length) {
    const line = lines[i];
    if (blank(line)) {
      i++;
      continue;
    }
    const fence = /^ *(```+)(\S*)\s*$/.exec(line);
    if (fence) {
      const indent = line.indexOf("`");
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^ *```+\s*$/.test(lines[i])) {
        body.push(lines[i].slice(Math.min(indent, lines[i].search(/\S|$/))));
        i++;
      }
      i++;
      out.push({ kind: "code", lang: fence[2], lines: body });
      continue;
    }
    const h = /^(#{1,6}) +(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      out.push({ kind: "heading", level: h[1].length, text: h[2] });
      i++;
      continue;
    }
    if (/^\s*\|/.test(line) && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? "")) {
      const header = cells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && /^\s*\|/.test(lines[i])) rows.push(cells(lines[i++]));
      out.push({ kind: "table", header, rows });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[2]);
      const base = item[1].length;
      const items: Block[][] = [];
      while (i < lines.length) {
        const m = LIST_ITEM.exec(lines[i]);
        if (!m || m[1].length !== base || /\d/.test(m[2]) !== ordered) break;
        const indent = m[0].length;
        const body = [lines[i].slice(indent)];
        i++;
        // the item goes on while lines are indented past its marker (blank lines inside too)
        while (i < lines.length) {
          const l = lines[i];
          if (blank(l)) {
            const next = lines.slice(i + 1).find((x) => !blank(x));
            if (next !== undefined && next.search(/\S/) >= indent) {
              body.push("");
              i++;
              continue;
            }
            break;
          }
          const lead = l.search(/\S/);
          if (lead >= indent) body.push(l.slice(indent));
          else if (LIST_ITEM.test(l) || /^ *(#{1,6} |```|\|)/.test(l)) break;
          else body.push(l.trim()); // a lazy continuation line
          i++;
        }
        items.push(parseLines(body));
        while (i < lines.length && blank(lines[i])) {
          const next = lines.slice(i).find((x) => !blank(x));
          const m2 = next === undefined ? null : LIST_ITEM.exec(next);
          if (m2 && m2[1].length === base && /\d/.test(m2[2]) === ordered) i++;
          else break;
        }
      }
      out.push({ kind: "list", ordered, items });
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length && !blank(lines[i]) && !/^ *```/.test(lines[i]) &&
      !/^#{1,6} /.test(lines[i]) &&
      !(para.length > 0 && LIST_ITEM.test(lines[i])) && !/^\s*\|/.test(lines[i])
    ) {
      para.push(lines[i].trim());
      i++;
    }
    if (para.length === 0) { // a line no rule took (a lone `|`): its own paragraph
      para.push(lines[i].trim());
      i++;
    }
    out.push({ kind: "para", text: para.join(" ") });
  }
  return out;
}

/**
 * The blocks under the heading whose text is `heading` (any level), up to the
 * next heading of the same level or above; throws when there is none, so a
 * renamed heading breaks the build instead of emptying a man page.
 */
export function section(blocks: readonly Block[], heading: string, where = "document"): Block[] {
  const at = blocks.findIndex((b) => b.kind === "heading" && b.text === heading);
  if (at === -1) throw new Error(`man: no heading "${heading}" in ${where}`);
  const level = (blocks[at] as { level: number }).level;
  const end = blocks.findIndex((b, j) => j > at && b.kind === "heading" && b.level <= level);
  return blocks.slice(at + 1, end === -1 ? undefined : end);
}

/** The blocks after the title (the level-1 heading), before the first level-2 heading. */
export function preamble(blocks: readonly Block[]): Block[] {
  const start = blocks.findIndex((b) => b.kind === "heading" && b.level === 1) + 1;
  const end = blocks.findIndex((b, j) => j >= start && b.kind === "heading" && b.level === 2);
  return blocks.slice(start, end === -1 ? undefined : end);
}
