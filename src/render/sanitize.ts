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
//   escapes, and the 8-bit CSI U+009B) are removed; a string sequence, 7-bit
//   (ESC ] … / ESC P …) or 8-bit (U+009D OSC, U+0090, U+0098, U+009E, U+009F),
//   is removed with its payload only when a terminator follows. Unterminated,
//   it is shown instead (its ESC as ␛, an 8-bit introducer as <U+009D>) and
//   the rest of the text stays: a lone U+009D is far more often mojibake (`”`
//   decoded twice) than an attack, and an ESC ] must not hide what follows;
// - a remaining C0 control (except tab) or DEL becomes its Unicode Control
//   Picture: ESC → ␛, BEL → ␇, LF → ␊, CR → ␍, NUL → ␀, DEL → ␡;
// - a C1 control (U+0080–U+009F), a bidi control (U+202A–U+202E,
//   U+2066–U+2069, U+200E, U+200F, U+061C), the Unicode line/paragraph
//   separators (U+2028, U+2029) and the characters that hide text (zero-width
//   U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E, tag characters
//   U+E0000–U+E007F) become `<U+XXXX>`.
//
// The scan is one pass, linear in the text: a terminator searched for and not
// found is not searched for again from a later introducer.

const UNSAFE_CHAR = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]|\udb40[\udc00-\udc7f]/g;

function visible(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c < 0x20) return String.fromCharCode(0x2400 + c);
  if (c === 0x7f) return "\u2421";
  return `<U+${c.toString(16).toUpperCase().padStart(4, "0")}>`;
}

const between = (c: number, lo: number, hi: number): boolean => c >= lo && c <= hi;

/** `s` without its escape sequences (see the notation above); controls not in one are left for `visible`. */
function stripEscapes(s: string): string {
  const n = s.length;
  let out = "";
  let copied = 0;
  // From this index on there is no 7-bit string terminator (BEL, ST, ESC \\).
  let noTerminatorFrom = n + 1;
  // The first BEL / ST / ESC after the last 8-bit introducer looked at, and whether it ends the string.
  let stop8 = -1;
  let stop8Ends = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let end = -1;
    if (c === 0x1b) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : -1;
      if (d === 0x5b) {
        // CSI; incomplete, ESC [ alone is a two-byte escape.
        let j = i + 2;
        while (j < n && between(s.charCodeAt(j), 0x30, 0x3f)) j++;
        while (j < n && between(s.charCodeAt(j), 0x20, 0x2f)) j++;
        end = j < n && between(s.charCodeAt(j), 0x40, 0x7e) ? j + 1 : i + 2;
      } else if (d === 0x5d || d === 0x50 || d === 0x58 || d === 0x5e || d === 0x5f) {
        if (i + 2 < noTerminatorFrom) {
          for (let k = i + 2; k < n; k++) {
            const t = s.charCodeAt(k);
            if (t === 0x07 || t === 0x9c) end = k + 1;
            else if (t === 0x1b && s.charCodeAt(k + 1) === 0x5c) end = k + 2;
            if (end >= 0) break;
          }
          if (end < 0) noTerminatorFrom = i + 2;
        }
      } else {
        // ESC, intermediates, final byte.
        let j = i + 1;
        while (j < n && between(s.charCodeAt(j), 0x20, 0x2f)) j++;
        if (j < n && between(s.charCodeAt(j), 0x30, 0x7e)) end = j + 1;
      }
    } else if (c === 0x9b) {
      let j = i + 1;
      while (j < n && between(s.charCodeAt(j), 0x30, 0x3f)) j++;
      while (j < n && between(s.charCodeAt(j), 0x20, 0x2f)) j++;
      if (j < n && between(s.charCodeAt(j), 0x40, 0x7e)) end = j + 1;
    } else if (c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f) {
      if (i >= stop8) {
        let k = i + 1;
        while (k < n) {
          const t = s.charCodeAt(k);
          if (t === 0x07 || t === 0x9c || t === 0x1b) break;
          k++;
        }
        stop8 = k;
        stop8Ends = k < n && (s.charCodeAt(k) !== 0x1b || s.charCodeAt(k + 1) === 0x5c);
      }
      if (stop8Ends) end = s.charCodeAt(stop8) === 0x1b ? stop8 + 2 : stop8 + 1;
    }
    if (end < 0) continue;
    out += s.slice(copied, i);
    copied = end;
    i = end - 1;
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/**
 * For terminal and plain-text output: remove every escape sequence and make
 * every other control, bidi control, invisible character and line break
 * visible (see the notation above). Tabs are kept. The result contains no C0
 * control but tab, no DEL, no C1 control, no bidi control and no zero-width
 * or tag character.
 */
export function safeText(s: string): string {
  // Fast path: most values are plain printable text.
  UNSAFE_CHAR.lastIndex = 0;
  if (!UNSAFE_CHAR.test(s)) return s;
  UNSAFE_CHAR.lastIndex = 0;
  return stripEscapes(s).replace(UNSAFE_CHAR, visible);
}

/** `safeText` line by line, for a message of several lines: the line breaks stay, nothing else. */
export function safeLines(s: string): string {
  return s.split("\n").map(safeText).join("\n");
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

// What GitHub and Discourse turn into a ping, an issue or commit reference or
// a link even when every Markdown character is escaped: `@name`, `#123`,
// `owner/repo#1`, `GH-1`, bare URLs (`https://…`, `www.…`) and e-mail
// addresses. Each such introducer goes into a code span of its own (`@`),
// where no renderer looks for them, and the text around it stays prose.
const LIVE_IN_PROSE = /[@#]|:\/\/|\bwww\.|\bGH-(?=\d)/gi;

function escapeProse(s: string): string {
  return s.replace(MD_PUNCT, (c) => "\\" + c).replace(HTML_CHARS, (c) => HTML_ENTITY[c] ?? c);
}

/**
 * Markdown: text for a table cell or for inline prose. `safeText` first (so no
 * line break survives), then `< > &` become entities (no HTML, no entity
 * tricks) and Markdown punctuation is backslash-escaped, including `|` so the
 * text cannot end a table cell; what would still ping or link (see
 * LIVE_IN_PROSE) is put in code. A leading `-`, `+` or `1.` is escaped too, so
 * the text cannot start a list when it begins a line.
 */
export function mdInline(s: string): string {
  const safe = safeText(s);
  let out = "";
  let last = 0;
  for (const m of safe.matchAll(LIVE_IN_PROSE)) {
    out += escapeProse(safe.slice(last, m.index)) + "`" + m[0] + "`";
    last = m.index + m[0].length;
  }
  out += escapeProse(safe.slice(last));
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
