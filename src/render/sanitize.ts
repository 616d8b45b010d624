// Everything drvsquash prints that came from its input (derivation names,
// env keys and values, source diffs, a sample of an unreadable line) is
// untrusted: a value can carry escape sequences that recolour, retitle or
// clear the terminal, write the clipboard (OSC 52) or hide a link (OSC 8),
// bidi controls that make text read differently from what it is, or Markdown
// that opens HTML, a link or a table cell when the report is pasted into an
// issue. These helpers make such text inert; renderers call them on every
// input-derived string and on nothing else.
//
// Notation (one rule, so a reader can learn it once):
// - escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte and nF
//   escapes, and the 8-bit CSI U+009B) are removed; a 7-bit string sequence
//   (ESC ] … / ESC P …) with no terminator runs to the end of the text, as a
//   terminal would take it. An 8-bit string introducer (U+009D OSC, U+0090,
//   U+0098, U+009E, U+009F) is removed with its payload only when a
//   terminator follows: alone it is far more often mojibake (`”` decoded
//   twice ends in U+009D) than an attack, and it is shown visibly instead;
// - a remaining C0 control (except tab) or DEL becomes its Unicode Control
//   Picture: ESC → ␛, BEL → ␇, LF → ␊, CR → ␍, NUL → ␀, DEL → ␡;
// - a C1 control (U+0080–U+009F), a bidi control (U+202A–U+202E,
//   U+2066–U+2069, U+200E, U+200F, U+061C) and the Unicode line/paragraph
//   separators (U+2028, U+2029) become `<U+XXXX>`.

// Alternatives, in order: 7-bit CSI; 7-bit OSC/DCS/SOS/PM/APC strings (to their
// terminator or the end); any other ESC sequence (intermediates + final byte);
// 8-bit CSI; 8-bit strings that are terminated.
const ESCAPE_SEQUENCE = new RegExp(
  [
    "\\x1b\\[[0-?]*[ -/]*[@-~]",
    "\\x1b[\\]PX^_][\\s\\S]*?(?:\\x07|\\x1b\\\\|\\x9c|$)",
    "\\x1b[ -/]*[0-~]",
    "\\x9b[0-?]*[ -/]*[@-~]",
    "[\\x90\\x98\\x9d\\x9e\\x9f][^\\x07\\x9c\\x1b]*(?:\\x07|\\x9c|\\x1b\\\\)",
  ].join("|"),
  "g",
);

const UNSAFE_CHAR = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

function visible(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c < 0x20) return String.fromCharCode(0x2400 + c);
  if (c === 0x7f) return "\u2421";
  return `<U+${c.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/**
 * For terminal and plain-text output: remove every escape sequence and make
 * every other control, bidi control and line break visible (see the notation
 * above). Tabs are kept. The result contains no C0 control but tab, no DEL,
 * no C1 control and no bidi control.
 */
export function safeText(s: string): string {
  // Fast path: most values are plain printable text.
  UNSAFE_CHAR.lastIndex = 0;
  if (!UNSAFE_CHAR.test(s)) return s;
  UNSAFE_CHAR.lastIndex = 0;
  return s.replace(ESCAPE_SEQUENCE, "").replace(UNSAFE_CHAR, visible);
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === ch) {
      run++;
      if (run > best) best = run;
    } else {
      run = 0;
    }
  }
  return best;
}

/**
 * Markdown: lines for inside a fenced code block. Returns the fence to open
 * and close it with (a run of backticks longer than any run in the text, at
 * least 3, so no line can close it early) and the lines made safe with
 * `safeText`. Inside a fence Markdown is not interpreted, so nothing else
 * needs escaping.
 */
export function fenceFor(lines: string[]): { fence: string; body: string[] } {
  const body = lines.map(safeText);
  let run = 0;
  for (const line of body) run = Math.max(run, longestRun(line, "`"));
  return { fence: "`".repeat(Math.max(3, run + 1)), body };
}

// ASCII punctuation that can start Markdown syntax inline: emphasis (* _ ~),
// code (`), links and images ([ ] !), headings and issue references (#),
// table cells (|), maths on GitHub ($), and the backslash itself. CommonMark
// lets any ASCII punctuation be backslash-escaped, and GFM tables honour `\|`.
const MD_PUNCT = /[\\`*_[\]#!|~$]/g;
const HTML_CHARS = /[<>&]/g;
const HTML_ENTITY: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;" };

/**
 * Markdown: text for a table cell or for inline prose. `safeText` first (so no
 * line break survives), then `< > &` become entities (no HTML, no entity
 * tricks) and Markdown punctuation is backslash-escaped, including `|` so the
 * text cannot end a table cell. A leading `-`, `+` or `1.` is escaped too, so
 * the text cannot start a list when it begins a line.
 */
export function mdInline(s: string): string {
  let out = safeText(s)
    .replace(MD_PUNCT, (c) => "\\" + c)
    .replace(HTML_CHARS, (c) => HTML_ENTITY[c] ?? c);
  if (/^[-+=]/.test(out)) out = "\\" + out;
  else out = out.replace(/^(\d+)([.)])/, "$1\\$2");
  return out;
}

/**
 * Markdown: an inline code span for a short value, meant for GFM table cells
 * and prose alike. The value goes through `safeText`; the span uses a run of
 * backticks longer than any run in the value, padded with a space when the
 * value starts or ends with a backtick or would lose a space to CommonMark's
 * stripping. `|` is written `\|`, which a GFM table turns back into `|`
 * (outside a table a renderer shows the backslash; tables are where values go).
 * An empty value becomes a code span holding one space.
 */
export function mdCode(s: string): string {
  const v = safeText(s).replace(/\|/g, "\\|");
  if (v === "") return "` `";
  const ticks = "`".repeat(longestRun(v, "`") + 1);
  const pad = v.startsWith("`") || v.endsWith("`") || (v.startsWith(" ") && v.endsWith(" ") && v.trim() !== "") ? " " : "";
  return ticks + pad + v + pad + ticks;
}
