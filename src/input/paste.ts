// Undoes what copying nix-diff's output into a forum post, a chat, a CI log or
// a Markdown file does to it, one line at a time, before the parser sees it:
// CRLF line ends, a byte-order mark, `> ` quote prefixes, Markdown code
// fences, the shell prompt line that ran nix-diff, non-breaking spaces and
// tabs in the indentation, and bullets (`• `) replaced by `*`, `-`, `·` or
// lost. The parser then reads a paste like a clean run, and the CLI can say
// how many lines were repaired.
//
// Every rule is conservative: a clean nix-diff line, coloured or not, comes
// out byte-identical (test/paste.test.ts checks every line of samples/). Rules
// that could touch real content only act where nix-diff never prints such a
// line, which is why most of them look at the input before its first
// structure line (a derivation path line or a known `• ` heading) or wait for
// the input to show that it is a damaged paste:
//
// - quote prefixes are stripped only when a line starting with `>` comes
//   before any structure and the first structure line is itself quoted;
//   the depth (`> > `) is learnt from the quoted lines before the structure;
// - a fence line (``` or ~~~, at column 0) is dropped before any structure,
//   and once a fence has been dropped, the fence lines that close and reopen
//   code blocks are dropped too (inside a fence Markdown would also end it);
// - a shell prompt line (`$ …`, `❯ …`, `user@host:~$ …`, `[user@host:~]$ …`,
//   and `# …` / `% …` when the command is a Nix one) is dropped before any
//   structure;
// - U+00A0 and the other Unicode spaces in the indentation, and right after
//   `•`, become plain spaces;
// - tabs in the indentation are expanded (tab stop 8, like a terminal and
//   `expand`) once a path line or a heading shows up indented with a tab;
//   nix-diff indents those with spaces, so until then a tab at the start of a
//   line is value text and is left alone;
// - a line that becomes a known heading (per `classify` + `isHeading`) when
//   its leading `* `, `- `, `· `, `â€¢ ` (the UTF-8 bullet read as
//   Windows-1252) or nothing is replaced by `• ` gets the bullet back, unless
//   the first heading of the input had its real bullet; a line that already
//   classifies as a path or a heading is never rewritten;
// - trailing whitespace is trimmed only from a line that it keeps from being
//   a known heading (terminal copies and Markdown hard breaks add it).
//
// Not repaired: lines re-wrapped by a forum (a wrapped line cannot be told
// from a value that continues at column 0), and any consistent extra
// indentation (the parser accepts any base column).

import { stripAnsi } from "../parse/ansi.js";
import { classify, isHeading, leadingSpaces, type LineType } from "../parse/lineTypes.js";

export type RepairKind =
  | "bom"
  | "crlf"
  | "quote"
  | "fence"
  | "prompt"
  | "unicodeSpace"
  | "tab"
  | "bullet"
  | "trailingSpace";

const TAB_STOP = 8;

// Unicode spaces that forums and word processors put where spaces were.
const UNICODE_SPACE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const LEADING_WS = /^[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]*/;

// A Markdown fence opener: ``` or ~~~ (3 or more) and an optional info string;
// a backtick fence's info string cannot contain a backtick.
const FENCE_OPEN = /^(?:(`{3,})[^`]*|(~{3,}).*)$/;
const FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*$/;

// Shell prompts seen in pasted sessions. Group 1: the command.
// `$`, `❯`, `›`, `➜` and user@host / [user@host] prompts are always prompts;
// `#` and `%` alone could be a Markdown heading or prose, so for those the
// command must look like a Nix one.
const PROMPT_ANY = /^(?:(?:\[[^\]]*\]|[\w.-]+@[\w.-]+(?::[^\s$#%]*)?)\s*[$#%]\s*|[$❯›➜]\s+)(\S.*)$/u;
const PROMPT_HASH = /^[#%]\s+(\S.*)$/;
const NIX_COMMAND = /^(?:(?:sudo|doas|time)\s+)*(?:nix-diff|nix|nix-store|nix-instantiate|nixos-rebuild|drvsquash)\b|\bnix-diff\b|\bdrvsquash\b/;

// What a lost bullet was replaced with, tried in this order; "" = nothing.
const BULLET_STAND_INS = ["* ", "- ", "· ", "o ", "â€¢ ", "â\u0080¢ ", "•", ""];

function isStructure(t: LineType): boolean {
  return t.type === "path" || isHeading(t);
}

function expandTabs(lead: string): string {
  let col = 0;
  for (const ch of lead) col = ch === "\t" ? (Math.floor(col / TAB_STOP) + 1) * TAB_STOP : col + 1;
  return " ".repeat(col);
}

/**
 * A stateful line transformer applied to every input line before the parser.
 * Feed every line in order; a `null` result is a decoration line to drop.
 */
export class PasteRepair {
  private _repairs = 0;
  private _dropped = 0;
  private readonly kinds: Record<RepairKind, number> = {
    bom: 0,
    crlf: 0,
    quote: 0,
    fence: 0,
    prompt: 0,
    unicodeSpace: 0,
    tab: 0,
    bullet: 0,
    trailingSpace: 0,
  };
  private lineNo = 0;
  /** A path line or a known heading has been seen. */
  private seenStructure = false;
  /** Quote prefixes to strip, learnt before the first structure line. */
  private quote: { depth: number; space: boolean } | null = null;
  /** The fence that opened the code block we are in. */
  private fence: { char: string; length: number } | null = null;
  /** A fence has been dropped: the paste is Markdown, so later fences are decoration too. */
  private fenced = false;
  /** Decided by the first indented line of the diff. */
  private tabs: "expand" | null = null;
  /** Decided by the first heading: did it have its real `• `? */
  private bullets: "intact" | "lost" | null = null;
  /** What the lost bullets were replaced with (the first repaired heading's stand-in). */
  private standIn: string | null = null;
  /** Inside `The arguments do not match` of a bullet-less paste: the heading's column. */
  private argsColumn: number | null = null;
  private _ambiguousArguments = 0;
  /** Quoted path lines or headings after an even, and after an odd, run of spaces: both = mixed quoting. */
  private quoteBare = false;
  private quoteSpaced = false;

  /** Lines returned changed. */
  get repairs(): number {
    return this._repairs;
  }

  /** Lines dropped as decoration (fences, prompt lines). */
  get dropped(): number {
    return this._dropped;
  }

  /**
   * Argument lines of a paste whose bullets became `- ` (or `+ `): an unchanged
   * argument (`• x`) then reads like a removed (added) one, and cannot be told
   * from it.
   */
  get ambiguousArguments(): number {
    return this._ambiguousArguments;
  }

  /** How many lines each rule touched (a repaired line can count under several). */
  get byKind(): Readonly<Record<RepairKind, number>> {
    return this.kinds;
  }

  /** The last line pushed took the quick path: returned as it was, indented with spaces only. */
  lastPlain = false;
  /** On the quick path, the number of spaces the line starts with (the parser needs it too). */
  lastLead = -1;

  /** Returns the repaired line, or null when the line is decoration to drop. */
  push(line: string): string | null {
    this.lineNo++;
    this.lastLead = -1;
    this.lastPlain = this.isPlainInClean(line);
    if (this.lastPlain) return line;
    const changed = new Set<RepairKind>();
    let s = line;

    if (this.lineNo === 1 && s.charCodeAt(0) === 0xfeff) {
      s = s.slice(1);
      changed.add("bom");
    }
    if (s.endsWith("\r")) {
      s = s.slice(0, -1);
      changed.add("crlf");
    }

    const unquoted = this.unquote(s);
    const quoted = unquoted !== s;
    if (quoted) {
      s = unquoted;
      changed.add("quote");
    }

    if (this.isFenceLine(s) || this.isPromptLine(s)) {
      for (const k of changed) this.kinds[k]++;
      this._dropped++;
      return null;
    }

    // Split into indentation and body.
    let lead = LEADING_WS.exec(s)?.[0] ?? "";
    let body = s.slice(lead.length);

    if (/[^ \t]/.test(lead)) {
      lead = lead.replace(UNICODE_SPACE, " ");
      changed.add("unicodeSpace");
    }
    if (body.charCodeAt(0) === 0x2022 /* • */) {
      const fixed = body.replace(/^•[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u, "• ");
      if (fixed !== body) {
        body = fixed;
        changed.add("unicodeSpace");
      }
    }

    const repaired = this.repairHeading(body);
    if (repaired) {
      body = repaired.body;
      changed.add(repaired.kind);
    } else if (this.argsColumn !== null && body.length > 0) {
      const argument = this.repairArgument(lead, body);
      if (argument !== body) {
        body = argument;
        changed.add("bullet");
      }
    }

    const plain = body.includes("\x1b") || body.includes("\x9b") ? stripAnsi(body) : body;
    const t = classify(plain);
    const structure = isStructure(t);

    // nix-diff indents its path lines and headings with spaces only: one of them with a tab
    // means the whole paste had its spaces turned into tabs (`unexpand`, an editor).
    if (this.tabs === null && structure && lead.includes("\t")) this.tabs = "expand";
    if (this.tabs === "expand" && lead.includes("\t")) {
      lead = expandTabs(lead);
      changed.add("tab");
    }

    // nix-diff prints each argument at the heading's column + 4, an unchanged one as `• arg`:
    // in a paste that lost its bullets, those lost theirs too.
    if (t.type === "arguments" && this.bullets === "lost") this.argsColumn = lead.length;
    else if (this.argsColumn !== null && body.length > 0 && lead.length <= this.argsColumn) this.argsColumn = null;

    if (structure) {
      if (!this.seenStructure && this.quote && !quoted) {
        // The quote was prose around an unquoted diff: stop stripping `>`.
        this.quote = null;
      }
      this.seenStructure = true;
      if (isHeading(t) && this.bullets === null && repaired?.kind !== "bullet") this.bullets = "intact";
    }

    const out = lead + body;
    if (out !== line) {
      this._repairs++;
      for (const k of changed) this.kinds[k]++;
    }
    return out;
  }

  /**
   * Once the input has shown itself to be clean nix-diff (structure seen, real
   * bullets, no quoting, no fence), a line that starts with plain spaces and an
   * ASCII character or `• `, and does not end in CR or white space, cannot need
   * any repair: skip the work (this runs for every line of a huge input).
   */
  private isPlainInClean(line: string): boolean {
    if (!this.seenStructure || this.bullets !== "intact" || this.quote !== null || this.fence !== null || this.fenced || this.tabs === "expand") return false;
    const i = (this.lastLead = leadingSpaces(line));
    const c = line.charCodeAt(i);
    if (c === 0x09 || c === 0x3e /* > */ || c === 0x60 /* ` */ || c === 0x7e /* ~ */) return false;
    // A value line may start with a diff's ← or →: no repair rule reads those either.
    if (c === 0x2022 ? line.charCodeAt(i + 1) !== 0x20 : c >= 0x80 && c !== 0x2190 && c !== 0x2192) return false;
    const last = line.charCodeAt(line.length - 1);
    return last !== 0x0d && last !== 0x20 && last !== 0x09;
  }

  /**
   * A line of an arguments section in a paste that lost its bullets: an
   * unchanged argument gets its `• ` back. Where the bullets became `- ` or
   * `+ `, an unchanged argument looks like a removed or added one: left as it
   * is, and counted (see ambiguousArguments).
   */
  private repairArgument(lead: string, body: string): string {
    const standIn = this.standIn;
    if (standIn === null || lead.length <= this.argsColumn!) return body;
    if (body.startsWith("• ")) return body;
    if (standIn === "- " || standIn === "+ ") {
      if (body.startsWith(standIn)) this._ambiguousArguments++;
      return body;
    }
    if (standIn === "") return body.startsWith("- ") || body.startsWith("+ ") ? body : "• " + body;
    if (standIn === "•") return body.startsWith("•") ? "• " + body.slice(1) : body;
    return body.startsWith(standIn) ? "• " + body.slice(standIn.length) : body;
  }

  private unquote(s: string): string {
    if (s.charCodeAt(0) !== 0x3e /* > */) return s;
    if (this.quote === null) {
      if (this.seenStructure) return s;
      const m = /^(?:> ?)+/.exec(s)?.[0] ?? ">";
      const depth = m.split(">").length - 1;
      // `>text` (no space after the innermost `>`) is the e-mail style: strip `>` only.
      const space = m.endsWith(" ") || s.length === m.length;
      this.quote = { depth, space };
    } else if (!this.seenStructure) {
      const m = /^(?:> ?)+/.exec(s)?.[0] ?? ">";
      this.quote.depth = Math.max(this.quote.depth, m.split(">").length - 1);
    }
    let out = s;
    for (let i = 0; i < this.quote.depth && out.charCodeAt(0) === 0x3e; i++) {
      out = out.slice(1);
      const innermost = i === this.quote.depth - 1 || out.charCodeAt(out.charCodeAt(0) === 0x20 ? 1 : 0) !== 0x3e;
      if (!innermost) {
        if (out.charCodeAt(0) === 0x20) out = out.slice(1);
        continue;
      }
      let spaces = 0;
      while (out.charCodeAt(spaces) === 0x20) spaces++;
      // A path line or a heading sits at an even column: after the `>`, an even run of spaces
      // before one says `>` alone is the quote, an odd run says `> `.
      if (spaces < out.length && !(this.quoteBare && this.quoteSpaced) && isStructure(classify(stripAnsi(out.slice(spaces))))) {
        if (spaces % 2 === 0) this.quoteBare = true;
        else this.quoteSpaced = true;
      }
      if (this.quoteBare && this.quoteSpaced) {
        // Mixed quoting (`>` on some lines, `> ` on others, as mail clients re-quote): nix-diff
        // indents by 2 per level, 4 for a section, so the `> ` had its space where the rest is odd.
        if (spaces % 2 === 1) out = out.slice(1);
      } else if (this.quote.space && spaces > 0) out = out.slice(1);
      break;
    }
    return out;
  }

  private isFenceLine(s: string): boolean {
    if (this.fence) {
      const m = FENCE_CLOSE.exec(s);
      if (m && m[1]![0] === this.fence.char && m[1]!.length >= this.fence.length) {
        this.fence = null;
        this.kinds.fence++;
        return true;
      }
      return false;
    }
    if (this.seenStructure && !this.fenced) return false;
    const m = FENCE_OPEN.exec(s);
    if (!m) return false;
    const run = m[1] ?? m[2] ?? "```";
    this.fence = { char: run[0]!, length: run.length };
    this.fenced = true;
    this.kinds.fence++;
    return true;
  }

  private isPromptLine(s: string): boolean {
    if (this.seenStructure) return false;
    let command = PROMPT_ANY.exec(s)?.[1];
    if (command === undefined) {
      const hash = PROMPT_HASH.exec(s)?.[1];
      if (hash !== undefined && NIX_COMMAND.test(hash)) command = hash;
    }
    if (command === undefined) return false;
    this.kinds.prompt++;
    return true;
  }

  /** A body that becomes a known heading once its bullet or its trailing whitespace is repaired. */
  private repairHeading(body: string): { body: string; kind: RepairKind } | null {
    // nix-diff never colours a heading; a coloured line is left as it is.
    if (body.length === 0 || body.includes("\x1b")) return null;
    const t = classify(body);
    if (t.type === "path" || isHeading(t)) return null;
    const trimmed = body.trimEnd();
    if (body.startsWith("• ")) {
      if (trimmed !== body && isHeading(classify(trimmed))) return { body: trimmed, kind: "trailingSpace" };
      return null;
    }
    if (this.bullets === "intact") return null;
    for (const standIn of BULLET_STAND_INS) {
      if (!trimmed.startsWith(standIn)) continue;
      const candidate = "• " + trimmed.slice(standIn.length);
      if (isHeading(classify(candidate))) {
        this.bullets = "lost";
        this.standIn ??= standIn;
        return { body: candidate, kind: "bullet" };
      }
    }
    return null;
  }
}

/** Lines shorter than this are never taken as cut. */
export const MIN_CUT_WIDTH = 40;
const MIN_LINES_AT_WIDTH = 5;
const BAND = 10;

/**
 * Given a histogram of line lengths (length → number of lines, measured in
 * whatever unit the cutter counted: bytes for GNU `cut -c`), say whether the
 * lines look cut at a fixed width W (`cut -c1-200`, a log viewer's column
 * limit) and return W, or null. A cut piles every longer line onto exactly W,
 * so W is the longest length, at least 40, held by at least 5 lines, and by at
 * least 2 times as many lines as the average length in the 10 just below it.
 * A heuristic: a cut that shortened only a few lines is not detected, and an
 * uncut input whose longest line repeats 5 times alone would be reported.
 */
export function looksCutAtWidth(lineLengths: ReadonlyMap<number, number>): number | null {
  let width = -1;
  for (const [length, count] of lineLengths) if (count > 0 && length > width) width = length;
  if (width < MIN_CUT_WIDTH) return null;
  const atWidth = lineLengths.get(width) ?? 0;
  if (atWidth < MIN_LINES_AT_WIDTH) return null;
  let below = 0;
  for (let d = 1; d <= BAND; d++) below += lineLengths.get(width - d) ?? 0;
  return atWidth * BAND >= 2 * below ? width : null;
}

/** Headings whose lines follow at the heading's column + 4 (+ 2 for an input's pair). */
const CONTENT_AT_4 = new Set<LineType["type"]>([
  "outputSet",
  "platform",
  "builder",
  "arguments",
  "sourceNameSet",
  "sourceContent",
  "sourcePaths",
  "sourceSet",
  "inputNameSet",
  "inputGroup",
  "alreadyComparedGroup",
  "envDiffers",
]);
/** How a renderer may have rescaled nix-diff's 2-per-level indentation: 1 per level, or 4. */
const SCALES = [1, 0.5, 2];
/** Lines (and characters) held back while the indentation is not known yet. */
const MAX_HOLD_LINES = 256;
const MAX_HOLD_CHARS = 1 << 20;

function leadWidth(line: string, expand: boolean): number {
  let col = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20) col++;
    else if (c === 0x09 && expand) col = (Math.floor(col / TAB_STOP) + 1) * TAB_STOP;
    else break;
  }
  return col;
}

/** A tab among the first `n` characters (no slice: this runs for every line). */
function hasTabBefore(line: string, n: number): boolean {
  for (let i = 0; i < n; i++) if (line.charCodeAt(i) === 0x09) return true;
  return false;
}

function leadLength(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09) i++;
  return i;
}

/**
 * The second stage of a paste's repair, after PasteRepair: undoes what a
 * renderer did to the indentation as a whole. nix-diff's layout fixes the
 * columns: a pair's headings at N, a heading's lines at N+4, an input's pair
 * at N+2 below `The input derivation named x differs`. So the first heading
 * followed by a deeper line tells
 *
 * - the scale: that line 2 (1, 8) columns deeper than a list heading, or 1 (4)
 *   deeper than an input's heading, means every indentation was halved
 *   (doubled); each line's indentation is scaled back;
 * - tabs: a tab-indented line that lands where nix-diff puts it once tabs are
 *   expanded (tab stop 8, as a terminal and `expand` do) means the paste's
 *   spaces were turned into tabs; from there on tabs in the indentation are
 *   expanded (before that a tab may be value text, and is left alone).
 *
 * Lines are held back (at most 256, or 1 MiB) until the scale is known, then
 * passed on in order; without a heading followed by a deeper line the scale
 * is taken as nix-diff's own. A first line that is a heading is not used: a
 * forum may have moved it to column 0 (the parser reads its column from the
 * line after it). Halving loses odd indentations inside values (they come
 * back one deeper); indentation removed altogether cannot be recovered (see
 * `flattened`).
 */
export class IndentRepair<T> {
  private scale: number | null = null;
  private tabs = false;
  private tabsFrom = 0;
  private held: { line: string | null; tag: T }[] = [];
  private heldChars = 0;
  /** The last non-blank line, and whether it was the first structure line (not used: see above). */
  private prev: string | null = null;
  private prevFirst = false;
  private seenStructure = false;
  /** Headings followed by a line at their own column where nix-diff puts a deeper one. */
  private flatHeadings = 0;
  private deeperLines = 0;
  private _repairs = 0;

  constructor(private readonly emit: (line: string | null, tag: T) => void) {}

  /** Lines whose indentation was changed. */
  get repairs(): number {
    return this._repairs;
  }

  /**
   * Every heading that nix-diff follows with a deeper line had the next line
   * at its own column, and no line was deeper than another: the paste lost all
   * its indentation, so which pair a line belongs to cannot be known.
   */
  get flattened(): boolean {
    return this.flatHeadings >= 2 && this.deeperLines === 0;
  }

  /**
   * Pass on a line (null: a line PasteRepair dropped, kept in order). `spacesOnly`:
   * its indentation is known to hold no tab (PasteRepair's quick path took it).
   */
  push(line: string | null, tag: T, spacesOnly = false): void {
    if (line !== null) {
      if (spacesOnly && this.scale !== null && this.deeperLines > 0 && line.charCodeAt(line.length - 1) > 0x20) {
        // Nothing left for such a line to tell (see observe); it is only the line before the next one.
        this.prev = line;
        this.prevFirst = false;
        // /\S/ is `trim() !== ""` without copying the line (\s is exactly what trim removes).
      } else if (/\S/.test(line)) this.observe(line);
    }
    if (this.scale === null) {
      this.held.push({ line, tag });
      this.heldChars += line?.length ?? 0;
      if (this.held.length >= MAX_HOLD_LINES || this.heldChars >= MAX_HOLD_CHARS) this.decide(1);
      return;
    }
    this.emit(line === null ? null : this.apply(line, this.tabs), tag);
  }

  /** The input has ended: pass on what is held. */
  end(): void {
    if (this.scale === null) this.decide(1);
  }

  private decide(scale: number): void {
    this.scale = scale;
    const held = this.held;
    this.held = [];
    this.heldChars = 0;
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      this.emit(h.line === null ? null : this.apply(h.line, this.tabs && i >= this.tabsFrom), h.tag);
    }
  }

  private apply(line: string, tabs: boolean): string {
    const c = line.charCodeAt(0);
    if (c !== 0x20 && c !== 0x09) return line;
    if (this.scale === 1 && !tabs) return line;
    const n = leadLength(line);
    if (this.scale === 1 && !hasTabBefore(line, n)) return line;
    // Without tabs taken as indentation, only the spaces before the first tab are indentation.
    const end = tabs ? n : leadWidth(line, false);
    const width = Math.round(leadWidth(line.slice(0, end), tabs) / this.scale!);
    const out = " ".repeat(width) + line.slice(end);
    if (out !== line) this._repairs++;
    return out;
  }

  private observe(line: string): void {
    const prev = this.prev;
    const prevFirst = this.prevFirst;
    this.prev = line;
    this.prevFirst = false;
    const n = leadLength(line);
    const hasTab = hasTabBefore(line, n);
    // Once the scale is known, only a tab-indented line can still tell something.
    if (this.scale !== null && this.deeperLines > 0 && (this.tabs || !hasTab)) return;
    const t = classify(stripAnsi(line.slice(n)));
    if (!this.seenStructure && isStructure(t)) {
      this.seenStructure = true;
      this.prevFirst = isHeading(t);
    }
    if (prev === null || prevFirst) return;
    const p = classify(prev.slice(leadLength(prev)));
    const unit = p.type === "inputDiffers" ? (t.type === "path" || t.type === "alreadyCompared" ? 2 : null) : CONTENT_AT_4.has(p.type) ? 4 : null;
    if (unit === null) return;
    const at = leadWidth(prev, true);
    const plain = leadWidth(line, false);
    // A source's heading may have nothing under it; every other one has its lines deeper.
    if (plain === at && !hasTab && p.type !== "sourceContent") this.flatHeadings++;
    else if (plain > at || hasTab) this.deeperLines++;
    const scales = this.scale === null ? SCALES : [this.scale];
    for (const expand of hasTab && !this.tabs ? [false, true] : [this.tabs]) {
      const delta = leadWidth(line, expand) - at;
      const scale = scales.find((s) => delta === unit * s);
      if (scale === undefined) continue;
      if (expand && !this.tabs) {
        this.tabs = true;
        this.tabsFrom = this.held.length;
      }
      if (this.scale === null) this.decide(scale);
      return;
    }
  }
}
