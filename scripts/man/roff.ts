/**
 * Markdown blocks as man(7) source (pure), ASCII only: code in bold,
 * emphasis in italics, lists as indented paragraphs, tables as tagged
 * paragraphs, fenced code as `.EX`/`.EE`. What `mandoc -T lint` accepts
 * without a warning (tests/own/man_test.ts).
 *
 * @module
 */
import type { Block } from "./markdown.ts";

/** Characters docs/ uses outside ASCII, as roff names them. */
const GLYPHS: Record<string, string> = {
  "×": "\\(mu",
  "—": "\\(em",
  "–": "\\(en",
  "…": "\\&...",
  "→": "\\(->",
  "←": "\\(<-",
  "≤": "\\(<=",
  "≥": "\\(>=",
  "±": "\\(+-",
  "µ": "\\(mc",
  "≈": "\\(~~",
  "’": "'",
  "“": '"',
  "”": '"',
};

/** Plain text as roff: backslashes and every character outside ASCII escaped. */
export function escape(text: string, code = false): string {
  let out = "";
  for (const ch of text) {
    if (ch === "\\") out += "\\e";
    else if (code && ch === "-") out += "\\-";
    else if (code && ch === "'") out += "\\(aq";
    else if (code && ch === "`") out += "\\(ga";
    else if (ch.charCodeAt(0) < 128) out += ch;
    else {out += GLYPHS[ch] ??
        `\\[u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`;}
  }
  return out;
}

/** Markdown inline text (code spans, **bold**, _em_ or *em*, [links](…)) as roff. */
export function inline(md: string): string {
  let out = "";
  let i = 0;
  while (i < md.length) {
    const ch = md[i];
    if (ch === "`") {
      const ticks = /^`+/.exec(md.slice(i))![0];
      const end = md.indexOf(ticks, i + ticks.length);
      if (end !== -1) {
        const code = md.slice(i + ticks.length, end).replace(/^ (.*) $/, "$1");
        out += `\\fB${escape(code, true)}\\fR`;
        i = end + ticks.length;
        continue;
      }
    }
    if (md.startsWith("**", i)) {
      const end = md.indexOf("**", i + 2);
      if (end !== -1) {
        out += `\\fB${inline(md.slice(i + 2, end)).replaceAll("\\fR", "\\fB")}\\fR`;
        i = end + 2;
        continue;
      }
    }
    if (
      (ch === "_" || ch === "*") && (i === 0 || /[\s(]/.test(md[i - 1])) &&
      /\S/.test(md[i + 1] ?? "")
    ) {
      const re = ch === "_" ? /_(?=[\s).,;:!?]|$)/g : /\*(?=[\s).,;:!?]|$)/g;
      re.lastIndex = i + 1;
      const m = re.exec(md);
      if (m) {
        out += `\\fI${inline(md.slice(i + 1, m.index)).replaceAll("\\fR", "\\fI")}\\fR`;
        i = m.index + 1;
        continue;
      }
    }
    if (ch === "[") {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(md.slice(i));
      if (m) {
        out += inline(m[1]);
        if (/^https?:/.test(m[2]) && m[2] !== m[1]) out += ` <${escape(m[2])}>`;
        i += m[0].length;
        continue;
      }
    }
    out += escape(ch);
    i++;
  }
  return out;
}

/** Text lines wrapped at `width`, each safe as a text line (no leading `.` or `'`). */
export function textLines(text: string, width = 78): string[] {
  const words = text.split(/ +/).filter((w) => w !== "");
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur !== "" && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur === "" ? w : `${cur} ${w}`;
  }
  if (cur !== "") lines.push(cur);
  return lines.map(safe);
}

function safe(line: string): string {
  return /^[.']/.test(line) ? `\\&${line}` : line;
}

/**
 * The man(7) lines of `blocks` (headings as `.SS`). Inside a list item
 * (`item`), paragraphs after the first stay in the item's indentation and a
 * nested list or table is shifted right.
 */
export function render(blocks: readonly Block[], item = false): string[] {
  const out: string[] = [];
  let first = true;
  const gap = () => {
    if (!first) out.push(item ? ".IP" : ".PP");
  };
  for (const b of blocks) {
    switch (b.kind) {
      case "heading":
        out.push(`.SS ${quote(inline(b.text))}`);
        first = true;
        continue;
      case "para":
        gap();
        out.push(...textLines(inline(b.text)));
        break;
      case "code":
        gap();
        out.push(".EX", ...b.lines.map((l) => l === "" ? "" : safe(escape(l, true))), ".EE");
        break;
      case "list":
        if (item) out.push(".RS");
        b.items.forEach((it, n) => {
          out.push(b.ordered ? `.IP ${n + 1}. 4` : ".IP \\(bu 2", ...render(it, true));
        });
        if (item) out.push(".RE");
        break;
      case "table":
        if (item) out.push(".RS");
        out.push(...table(b.header, b.rows));
        if (item) out.push(".RE");
        break;
    }
    first = false;
  }
  return out;
}

function quote(s: string): string {
  return `"${s.replaceAll('"', "\\(dq")}"`;
}

/** A table as tagged paragraphs: the first cell the tag, the others below it (header: cell). */
function table(header: string[], rows: string[][]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    out.push(".TP", safe(inline(row[0] ?? "")));
    const rest = row.slice(1).map((c, j) => ({ h: header[j + 1] ?? "", c }))
      .filter((x) => x.c !== "");
    rest.forEach((x, j) => {
      if (j > 0) out.push(".br");
      const text = rest.length > 1 && x.h !== "" ? `_${x.h}_: ${x.c}` : x.c;
      out.push(...textLines(inline(text)));
    });
    if (rest.length === 0) out.push("\\&");
  }
  return out;
}
