// A synchronous, line-at-a-time parser for nix-diff's human-readable output:
// `push(line)` for each line, `end()` for the tree. Streams only feed it.
//
// nix-diff prints a tree: a pair at indentation N has its headings (`• …`) at
// N, their lists at N+4, and each descended input's pair at N+2. Long values
// are `''` blocks whose lines sit at N+4 and whose closing `''` sits at N. The
// parser keeps a stack of open pairs and places each line by its column and
// the section it is in; a line it cannot place is counted, never thrown on.

import { emptyInputStats, INFERRED_NAME, type AlreadyComparedRef, type DrvPair, type Finding, type ForeignLines, type InputStats, type Located, type Mentions, OneEach, OneEachFinding, type OldNew, type PlainListKind, type ParsedDiff, type RenderedText } from "../model.js";
import { groupBy, IntColumn } from "../columns.js";
import { NO_PATH, StorePaths } from "../storePaths.js";
import { SgrDecoder } from "./ansi.js";
import { classify, isHeading, leadingSpaces, type LineType } from "./lineTypes.js";
import { substitutionContext } from "../values/nameSet.js";
import { judgePathOnlyValues } from "../values/pairDone.js";
import { PrintedPair } from "./printedPair.js";
import { LongValue } from "../values/longValue.js";
import { Substitution } from "../values/substitution.js";

export interface ParserOptions {
  /** Longest value (env value, source diff) kept, in characters; the rest is dropped and flagged. */
  maxValueChars?: number;
  /** How many unrecognised lines to keep for `--show-unrecognized`. */
  maxUnrecognizedSample?: number;
  /** Characters of path-only environment values kept whole (see KEEP_PATH_ONLY). */
  keepPathOnlyChars?: number;
}

type ListFinding = Extract<Finding, { items: OldNew }>;
const PLAIN_LISTS: ReadonlySet<Finding["kind"]> = new Set<PlainListKind>(["outputSet", "platform", "builder", "sourceNameSet", "sourceSet", "inputNameSet"]);
type EnvEntry = Extract<Finding, { kind: "envEntry" }>;

/**
 * A `- x` / `+ x` list while the parser fills it, and its finding's items until
 * the section ends (closeSection() then puts `done()` in their place). A side's
 * first line is kept as two fields and a second one starts an array: most lists
 * of a rebuild are a builder's one old and one new line, which so become a
 * OneEach with no array or Located made in between. Each frame reuses one (see
 * Frame.list). Made and dropped for every pair, such objects were garbage the
 * old generation kept (nothing collects it before a run ends).
 */
class ListSection implements OldNew {
  readonly kind = "list";
  finding: ListFinding;
  contentIndent: number;
  readonly oldSide = new SideFill();
  readonly newSide = new SideFill();

  constructor(finding: ListFinding, contentIndent: number) {
    this.finding = finding;
    this.contentIndent = contentIndent;
  }

  /** Start the frame's next list (the last one's items are done and in its finding). */
  reset(finding: ListFinding, contentIndent: number): void {
    this.finding = finding;
    this.contentIndent = contentIndent;
    this.oldSide.reset();
    this.newSide.reset();
  }

  /** Read before the section ends (a long value's judge reads the pair's name sets). */
  get old(): readonly Located[] {
    return this.oldSide.read();
  }

  get new(): readonly Located[] {
    return this.newSide.read();
  }

  /** The items as the model keeps them: a OneEach, or arrays of their exact size. */
  done(): OldNew {
    if (this.oldSide.count === 1 && this.newSide.count === 1) return new OneEach(this.oldSide.first(), this.newSide.first());
    return { old: this.oldSide.done(), new: this.newSide.done() };
  }
}

/** One side of a list being filled: its first line as two fields, an array from its second line on. */
class SideFill {
  count = 0;
  private text = "";
  private line = 0;
  /** All of the side's lines, the first included, once it has two. */
  private all: Located[] | null = null;

  reset(): void {
    this.count = 0;
    this.text = "";
    this.all = null;
  }

  add(text: string, line: number): void {
    if (this.count === 0) {
      this.text = text;
      this.line = line;
    } else if (this.all) this.all.push({ text, line });
    else this.all = [{ text: this.text, line: this.line }, { text, line }];
    this.count++;
  }

  first(): Located {
    return { text: this.text, line: this.line };
  }

  /** The lines so far, in an array of the reader's own (as a OneEach gives them): later lines never show up in it. */
  read(): Located[] {
    if (this.all) return this.all.slice();
    return this.count === 0 ? [] : [this.first()];
  }

  /** At its exact size: an array of two was made as a literal, a longer one grew by push. */
  done(): Located[] {
    const all = this.all;
    if (all) return all.length > 2 ? all.slice() : all;
    return this.count === 0 ? [] : [this.first()];
  }
}

type Section =
  | ListSection
  | { kind: "arguments"; finding: Extract<Finding, { kind: "arguments" }>; contentIndent: number }
  | { kind: "alreadyComparedGroup"; contentIndent: number }
  | { kind: "sourceContent"; finding: Extract<Finding, { kind: "sourceContent" }>; contentIndent: number }
  | { kind: "hashOutput"; output: string }
  | {
      kind: "env";
      contentIndent: number;
      last: EnvEntry | null;
      /** Keys come sorted within each group (old-only, new-only, both): a key out of order is a continuation. */
      group: number;
      lastKey: string;
      lastWasBlock: boolean;
    };

interface Frame {
  /** null while only `The input derivation named x differs` has been seen. */
  pair: DrvPair | null;
  pendingName: string;
  pendingLine: number;
  parent: DrvPair | null;
  indent: number;
  section: Section | null;
  /** The list section this frame fills whenever it has one open (one object, reused). */
  list: ListSection | null;
}

interface Block {
  target: RenderedText;
  started: boolean;
  closeIndent: number;
  contentIndent: number;
  /** Closing column of nix-diff < 1.0.11's blocks: the key's column (their lines sit 4 deeper). */
  legacyCloseIndent: number | null;
}

const DEFAULT_MAX_VALUE = 64 * 1024;
/**
 * Characters of path-only environment values kept (see values/pairDone.ts): a
 * paste's are all kept; a million-line `--environment` diff's would be most of its size.
 */
const KEEP_PATH_ONLY = 16 * 1024 * 1024;
/** Characters of an open pair's environment values left unpacked until it closes (see pendingPack). */
const PENDING_PACK = 8 * 1024 * 1024;
/** Runs of nix-diff lines listed in the report. */
const MAX_RANGES = 100;
/** Headings a pair can print after one of its inputs' expansions (nix-diff's fixed order). */
const FOLLOWS_A_CHILD = new Set<LineType["type"]>(["inputDiffers", "inputGroup", "alreadyComparedGroup", "envDiffers", "envSkipped"]);
const ENV_LINE = /^(?:([-+]) )?([^=\s][^=]*)=(.*)$/;

/** Longest string `flat` copies through `scratch` (names and paths; values are packed instead). */
const ONE_BYTE_MAX = 1024;
const scratch = Buffer.allocUnsafe(ONE_BYTE_MAX);
const utf8 = new TextEncoder();

/**
 * A copy of `s` that does not hold on to the line (or the whole read chunk)
 * it was cut from: V8 keeps a substring's parent alive, and a million-line
 * input must not stay in memory because of a few names taken from each line.
 */
export function flat(s: string): string {
  // split2 decodes a whole chunk into one string, and a chunk holding any `•`
  // is two bytes a character, so is every line cut from it. Most of what is
  // kept (store paths, names) is ASCII: copied through bytes it is one byte a
  // character, half the size (a store path is 150 bytes of heap, or 88).
  if (s.length <= ONE_BYTE_MAX) {
    const { read, written } = utf8.encodeInto(s, scratch);
    // As many bytes as characters, all of them read: ASCII.
    if (read === s.length && written === s.length) return scratch.toString("latin1", 0, written);
  }
  // A concatenation is a rope until read; reading it makes V8 copy it into one
  // string of exactly its length (a slice of a copy, the obvious way, keeps a
  // 32-byte header besides: 9 MB on a million-line input).
  const copy = s.charAt(0) + s.slice(1);
  copy.charCodeAt(copy.length - 1);
  return copy;
}

/** A packed value's text as UTF-8 bytes (see packText). */
const PACKED = Symbol("packed text");
type Packed = RenderedText & { [PACKED]: Buffer };
/** Values shorter than this stay strings (the bytes and the accessor cost more than they save). */
const PACK_MIN = 256;

const packedText: PropertyDescriptor = {
  get(this: Packed): string {
    return this[PACKED].toString("utf8");
  },
  set(this: Packed, s: string): void {
    Object.defineProperty(this, "text", { value: s, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};

/**
 * A finished value holding ← or → is a two-byte JS string (2 bytes a character: most
 * of the heap of a `--environment` diff); its UTF-8 bytes are about half that. `text`
 * then decodes them on each read (an accessor, so every reader is unchanged).
 * A string that is not well-formed UTF-16 (a lone surrogate from JSON input) is kept.
 */
function packText(v: RenderedText): void {
  const s = v.text;
  if (s.length < PACK_MIN || !/[^\u0000-\u00ff]/.test(s) || !(s as string & { isWellFormed(): boolean }).isWellFormed()) return;
  (v as Packed)[PACKED] = Buffer.from(s, "utf8");
  Object.defineProperty(v, "text", packedText);
}

/** Forget a value's text (judged already): "" whether it was kept as a string or packed. */
function dropText(entry: { value: RenderedText }): void {
  const v = entry.value;
  delete (v as Partial<Packed>)[PACKED];
  v.text = "";
  v.textDropped = true;
}


/**
 * A finished pair's arrays at their exact size: an array grown by push keeps
 * room for 16 more, and most of a pair's hold one or two (a system rebuild
 * has a few hundred thousand of them).
 */
function compact(p: DrvPair): void {
  // One child is an array literal of one already (see addTo); one finding has no array (PrintedPair).
  if (p.children.length > 1) p.children = p.children.slice();
  if (p.findings.length > 1) p.findings = p.findings.slice();
}

/** The first item of a pair's list is a literal array of one, not an array grown by push (room for 17). */
function addTo<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}

/** The sections nix-diff prints after a pair's builder and arguments, which may explain them. */
function reachedInputs(p: DrvPair): boolean {
  if (p.children.length > 0 || p.mentionCount > 0 || p.envShownLine !== null) return true;
  return p.findings.some((f) => f.kind === "inputNameSet" || f.kind === "inputGroup" || f.kind === "envEntry");
}

const HEADING_TEXTS = [
  "These two derivations have already been compared",
  "Skipping because only derivations that have already been compared and shown in the diff are below",
  "The derivation names do not match",
  "The requested outputs do not match",
  "The set of outputs do not match:",
  "The platforms do not match",
  "The builders do not match",
  "The arguments do not match",
  "The set of input source names do not match:",
  "The set of input sources do not match:",
  "The set of input derivation names do not match:",
  "The set of input names do not match:",
  "Input derivations differ but have already been compared",
  "The environments do not match:",
  "Skipping environment comparison",
  "The input derivation named `",
  "The input source named `",
  "The input sources named `",
  "The set of input derivations named `",
  "The input named `",
  "The set of inputs named `",
];

/**
 * A line nix-diff cannot have ended like this: a heading cut short (`• The
 * builders do n`, a name in backticks never closed), a derivation path line
 * without its `:{outputs}` end, or a store path cut inside its hash.
 */
export function looksLikeCutLine(line: string, storeDir: string): boolean {
  const body = line.trim();
  // Half of the `''` that closes a value: nix-diff never prints a lone quote outside a value.
  if (body === "'") return true;
  if (body.startsWith("• ")) {
    const text = body.slice(2);
    const t = classify(body);
    if (isHeading(t)) return false;
    for (const h of HEADING_TEXTS) {
      if (h.startsWith(text) && text.length < h.length) return true;
      // `The input derivation named `foo` with the closing backtick (and what follows) missing.
      if (h.endsWith("`") && text.startsWith(h) && text.indexOf("`", h.length) < 0) return true;
    }
    return false;
  }
  if ((body.startsWith("- ") || body.startsWith("+ ")) && body.charCodeAt(2) === 0x2f && body.includes(".drv") && !body.endsWith("}")) {
    const t = classify(body);
    if (t.type !== "path") return true;
  }
  // A store path at the end of the line, cut inside its 32-character hash (or right after it).
  const at = body.lastIndexOf(storeDir + "/");
  return at >= 0 && /^[0-9a-df-np-sv-z]{0,32}-?$/.test(body.slice(at + storeDir.length + 1));
}

/** Every `←` and `→` span is closed (an arrow alone between spaces is read as text, as rebuild does). */
function balancedMarkers(text: string): boolean {
  let olds = 0;
  let news = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x2190 && c !== 0x2192) continue;
    if (text.charCodeAt(i - 1) === 0x20 && text.charCodeAt(i + 1) === 0x20) continue;
    if (c === 0x2190) olds++;
    else news++;
  }
  return olds % 2 === 0 && news % 2 === 0;
}

/** An ASCII letter or digit (NaN, past the line's end, is not). */
function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export class DiffParser {
  private readonly pairs: DrvPair[] = [];
  private readonly paths = new StorePaths(flat);
  private readonly roots: number[] = [];
  private stack: Frame[] = [];
  /** Frames closed, for the next pairs (see frame()). */
  private readonly spareFrames: Frame[] = [];
  private block: Block | null = null;
  private lineNo = 0;
  private readonly decoder = new SgrDecoder();
  /** A first line at column 0 whose real column we learn from the next line (forum pastes). */
  private held: { line: string; n: number; original: string } | null = null;
  /** The current line as it was in the input (before paste repair and colour decoding), for the unrecognised sample. */
  private original = "";
  /** Lines that are not nix-diff output, as runs (see ForeignLines). */
  private readonly foreignRuns: number[] = [];
  private readonly foreignBefore: number[] = [];
  private foreignCount = 0;
  /** The last line placed as nix-diff output: a pair ends there, not at the prose after it. */
  private placedUpTo = 0;
  private lastPlaced = "";
  /** The last non-blank line set aside, which may be a nix-diff line cut in the middle. */
  private lastForeign: { line: string; n: number } | null = null;
  /** The input's last line ended without a newline. */
  private lastLineUnterminated = false;
  private seenStructure = false;
  private storeDir = "/nix/store";
  private readonly maxValue: number;
  private readonly maxSample: number;
  private readonly maxPathOnly: number;
  private wordings = new Set<string>();
  /** A `- …drv` line read as value text that may turn out to start another output. */
  private maybeNextDocument: {
    t: Extract<LineType, { type: "path" }>;
    n: number;
    indent: number;
    value: RenderedText;
    length: number;
    lastLine: number;
  } | null = null;
  /** The line being parsed as it came in, to measure value lines against a paste's cut width. */
  private rawLine = "";
  /** Names, keys and list items repeat thousands of times: keep one copy of each. */
  private readonly interned = new Map<string, string>();
  /** "Already compared" mentions as columns (see Mentions), and the names they refer to, by id. */
  private readonly mentionPair = new IntColumn();
  private readonly mentionName = new IntColumn();
  private readonly mentionLine = new IntColumn();
  private readonly nameIds = new Map<string, number>();
  private readonly names: string[] = [];
  /**
   * The value lines are being appended to, and how many: its lines are joined as they come
   * and copied out of the input's chunks once, when the next value starts (settleValue), not
   * one copy and one join node per line kept until the end (that was most of the heap).
   */
  private openValue: RenderedText | null = null;
  private openPieces = 0;
  /**
   * Values finished inside an environment, not packed yet: their pair's close judges
   * them first (most are then dropped), so they are not packed only to be unpacked
   * for the judge. Past PENDING_PACK characters they are packed at once.
   */
  private pendingPack: RenderedText[] = [];
  private pendingChars = 0;
  private readonly readingNotes: string[] = [];
  private keptPathOnly = 0;
  private readonly keepPathOnly = (length: number): boolean => {
    if (this.keptPathOnly + length > this.maxPathOnly) return false;
    this.keptPathOnly += length;
    return true;
  };
  private nextLineCut = false;
  /** The line being parsed lost its end to the reader's line cap. */
  private lineCut = false;
  readonly stats: InputStats = emptyInputStats();
  /**
   * False while the reader has seen no byte that can start an escape sequence
   * (ESC, or 0x9B, the 8-bit CSI's last byte in UTF-8): then no line needs the
   * colour decoder's two scans. Anything that feeds lines without saying so gets them.
   */
  escapesPossible = true;

  constructor(options: ParserOptions = {}) {
    this.maxValue = options.maxValueChars ?? DEFAULT_MAX_VALUE;
    this.maxSample = options.maxUnrecognizedSample ?? 200;
    this.maxPathOnly = options.keepPathOnlyChars ?? KEEP_PATH_ONLY;
  }

  /**
   * Feed one line (without its newline). `original`: the line as it was in
   * the input, when the reader repaired it (a paste's quote marks, bullets):
   * what `--show-unrecognized` shows. `lead`: its leading spaces, when the
   * reader has counted them already (-1: not known).
   */
  push(rawLine: string, original: string = rawLine, lead = -1): void {
    const n = ++this.lineNo;
    this.stats.lines = n;
    this.lineCut = this.nextLineCut;
    this.nextLineCut = false;
    let line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    this.rawLine = line;
    this.original = original;
    if (this.escapesPossible) line = this.decoder.decode(line);
    if (this.held) {
      if (line.trim() === "") {
        this.stats.blank++;
        this.markForeign(n);
        return;
      }
      const held = this.held;
      this.held = null;
      const current = this.original;
      this.original = held.original;
      this.place(held.line, held.n, this.guessFirstIndent(held.line, line));
      this.original = current;
      this.place(line, n);
      return;
    }
    if (!this.seenStructure && this.stack.length === 0 && !this.block) {
      const body = line.trimStart();
      // At column 0, or at a renderer's constant shift of it: the next line may say it was moved left.
      const t = classify(body);
      if (isHeading(t) || (t.type === "path" && t.sign === "-")) {
        this.held = { line, n, original };
        return;
      }
    }
    // The reader counted the spaces of the line it gave (not of one a CR or an escape was taken off).
    this.place(line, n, undefined, line === rawLine ? lead : -1);
  }

  /** Count a line the reader dropped as decoration (a Markdown fence, a shell prompt), keeping line numbers true. */
  skipLine(): void {
    this.nextLineCut = false;
    this.stats.lines = ++this.lineNo;
    this.markForeign(this.lineNo);
  }

  /** Something the reader could not read for sure (a paste's damage), for the report's notes. */
  noteReading(note: string): void {
    this.readingNotes.push(note);
  }

  /** The next line pushed is one the reader cut (longer than it keeps): a value holding it cannot be judged. */
  markNextLineCut(): void {
    this.nextLineCut = true;
  }

  /** Lines the reader cut because they were longer than it keeps. */
  noteCutLines(count: number): void {
    this.stats.valuesCut += count;
  }

  /** The reader found the lines cut at a fixed width (`cut -c1-W`): values reaching it are incomplete. */
  noteCutWidth(width: number): void {
    this.stats.cutWidth = width;
  }

  /** Mark the input as having been cut short (by the reader, e.g. a byte cap), at `line` if known. */
  markTruncated(reason: string, line: number | null = null): void {
    if (!this.stats.truncated) {
      this.stats.truncated = true;
      this.stats.truncatedReason = reason;
      this.stats.truncatedLine = line;
    }
  }

  /** Count a line that the reader itself could not decode cleanly. */
  countInvalidUtf8(): void {
    this.stats.invalidUtf8++;
  }

  /** The reader saw no newline after the last line (see cutReason). */
  noteUnterminatedLastLine(): void {
    this.lastLineUnterminated = true;
  }

  end(): ParsedDiff {
    if (this.held) {
      const held = this.held;
      this.held = null;
      this.original = held.original;
      this.place(held.line, held.n);
    }
    this.endDocument();
    this.closeFramesAbove(-1);
    this.settleValue();
    this.packPending();
    this.stats.nixDiffLines = this.lineNo - this.foreignCount;
    this.stats.nixDiffRanges = this.nixDiffRanges();
    this.stats.wording = this.wordings.has("1.0.21")
      ? "1.0.21"
      : this.wordings.has("<1.0.11")
        ? "<1.0.11"
        : this.wordings.has("1.0.11-1.0.20") || this.wordings.has(">=1.0.11")
          ? "1.0.11-1.0.20"
          : "unknown";
    this.stats.coloured = this.decoder.sawColour;
    for (const p of this.pairs) p.depth = p.parent === null ? 0 : (this.pairs[p.parent]?.depth ?? 0) + 1;
    this.paths.seal();
    const foreign: ForeignLines = { runs: this.foreignRuns, before: this.foreignBefore };
    return { pairs: this.pairs, paths: this.paths, mentions: this.mentions(), names: this.names, roots: this.roots, storeDir: this.storeDir, stats: this.stats, foreign, readingNotes: this.readingNotes };
  }

  /** The mentions grouped by the pair they are under (stably: each pair's in input order). */
  private mentions(): Mentions {
    const pair = this.mentionPair.done();
    const { start, order } = groupBy(pair, this.pairs.length);
    const name = new Int32Array(order.length);
    const line = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      name[i] = this.mentionName.get(order[i]!);
      line[i] = this.mentionLine.get(order[i]!);
    }
    // Looked up here, in the Map the mentions were numbered with, not in a second one built by analysis.
    const pairName = new Int32Array(this.pairs.length);
    for (const p of this.pairs) pairName[p.id] = this.nameIds.get(p.name) ?? -1;
    return { start, name, line, pairName };
  }

  // ---------------------------------------------------------------- lines

  /** Process a line; unless it was set aside as not nix-diff, it is the last nix-diff line so far. */
  private place(line: string, n: number, indentOverride?: number, lead = -1): void {
    const before = this.foreignCount;
    this.process(line, n, indentOverride, lead);
    if (this.foreignCount === before && n > this.placedUpTo) {
      this.placedUpTo = n;
      this.lastPlaced = line;
    } else if (line.trim() !== "") {
      this.lastForeign = { line, n };
    }
  }

  private markForeign(n: number): void {
    this.foreignCount++;
    const runs = this.foreignRuns;
    if (runs.length > 0 && runs[runs.length - 1] === n - 1) {
      runs[runs.length - 1] = n;
      return;
    }
    this.foreignBefore.push(this.foreignCount - 1);
    runs.push(n, n);
  }

  /** The runs of nix-diff lines between the foreign ones (the first MAX_RANGES). */
  private nixDiffRanges(): [number, number][] {
    const out: [number, number][] = [];
    let next = 1;
    const runs = this.foreignRuns;
    for (let i = 0; i <= runs.length && out.length < MAX_RANGES; i += 2) {
      const end = i < runs.length ? runs[i]! - 1 : this.lineNo;
      if (end >= next) out.push([next, end]);
      if (i < runs.length) next = runs[i + 1]! + 1;
    }
    return out;
  }

  private process(line: string, n: number, indentOverride?: number, knownLead = -1): void {
    const next = this.maybeNextDocument;
    if (next) {
      this.maybeNextDocument = null;
      const lead = leadingSpaces(line);
      const t = lead === next.indent ? classify(line.slice(lead)) : null;
      if (t?.type === "path" && t.sign === "+") {
        // It was the next output: take the `-` line back out of the value and start over.
        if (!next.value.cut) next.value.text = next.value.text.slice(0, next.length);
        // The judge has seen that line as the value's: it no longer knows the value.
        next.value.whole?.lose();
        next.value.lastLine = next.lastLine;
        this.onPath(next.t, next.indent, next.n);
        this.onPath(t, lead, n);
        return;
      }
    }
    if (this.block && this.takeBlockLine(line, n)) return;
    const lead = knownLead >= 0 ? knownLead : leadingSpaces(line);
    // The commonest line of a system rebuild (a third of them): a name under `Input derivations
    // differ but have already been compared`. One starting with a letter or digit is text, so
    // it is taken here, as takeSectionLine would, without classifying it first (keep the two in step).
    const top = this.top();
    if (top?.section?.kind === "alreadyComparedGroup" && indentOverride === undefined && lead === top.section.contentIndent && isAlnum(line.charCodeAt(lead))) {
      this.addRef(top.pair, this.printedNameId(line.slice(lead).trimEnd()), n, "grouped");
      return;
    }
    const indent = indentOverride ?? lead;
    const body = line.slice(lead);
    if (body.trim() === "") {
      this.stats.blank++;
      const sec = top?.section;
      if (sec?.kind === "env" && sec.last && !sec.lastWasBlock) this.appendValue(sec.last.value, "\n", n);
      else this.markForeign(n);
      return;
    }
    const t = classify(body);
    if (top?.section && this.takeSectionLine(top, top.section, indent, t, body, line, n)) return;
    if (t.type === "path") return this.onPath(t, indent, n);
    const cutPath = this.cutPathLine(t, indent);
    if (cutPath) return this.onPath(cutPath, indent, n);
    if (isHeading(t)) return this.onHeading(t, indent, n, line);
    this.unrecognized(n, line);
  }

  /** Inside a `''` block every line is value text until the closing quotes at the pair's column. */
  private takeBlockLine(line: string, n: number): boolean {
    const b = this.block!;
    const lead = leadingSpaces(line);
    const rest = line.slice(lead);
    if (!b.started && rest.length > 0 && lead >= b.contentIndent + 4 && this.blockLayout() !== "modern") {
      // nix-diff 1.0.10 indents a block's lines 4 past the key and closes it at the key's column.
      // Which layout it is shows in the wording seen so far, or else in this first line's indentation.
      b.legacyCloseIndent = b.contentIndent;
      b.contentIndent += 4;
    }
    if ((lead === b.closeIndent || lead === b.legacyCloseIndent) && /^''\s*$/.test(rest)) {
      b.target.lastLine = n;
      this.block = null;
      return true;
    }
    if (rest.length > 0 && lead < b.contentIndent) {
      // Value lines always sit at N+4 or deeper; a shallower line means the block was cut off.
      b.target.cut = true;
      b.target.incomplete = true;
      this.block = null;
      return false;
    }
    this.appendValue(b.target, (b.started ? "\n" : "") + line.slice(Math.min(lead, b.contentIndent)), n);
    b.started = true;
    return true;
  }

  private takeSectionLine(frame: Frame, sec: Section, indent: number, t: LineType, body: string, line: string, n: number): boolean {
    switch (sec.kind) {
      case "list":
        if (indent !== sec.contentIndent) return false;
        if (t.type === "path") {
          (t.sign === "-" ? sec.oldSide : sec.newSide).add(this.intern(`${t.path}:{${t.outputs}}`), n);
          return true;
        }
        if (t.type === "minus" || t.type === "plus") {
          const k = sec.finding.kind;
          const text = k === "inputNameSet" || k === "sourceNameSet" ? this.printed(this.intern(t.text)) : this.intern(t.text);
          (t.type === "minus" ? sec.oldSide : sec.newSide).add(text, n);
          return true;
        }
        return false;
      case "arguments":
        if (indent !== sec.contentIndent) return false;
        if (body.startsWith("• ")) sec.finding.args.push({ op: " ", text: body.slice(2), line: n });
        else if (t.type === "minus") sec.finding.args.push({ op: "-", text: this.intern(t.text), line: n });
        else if (t.type === "plus") sec.finding.args.push({ op: "+", text: this.intern(t.text), line: n });
        else if (t.type === "path") sec.finding.args.push({ op: t.sign, text: body.slice(2), line: n });
        else return false;
        return true;
      case "alreadyComparedGroup":
        // Most of these lines never get here: process() takes them first (keep the two in step).
        if (indent !== sec.contentIndent || t.type !== "text") return false;
        this.addRef(frame.pair, this.printedNameId(body.trimEnd()), n, "grouped");
        return true;
      case "sourceContent": {
        if (indent !== sec.contentIndent) return false;
        // firstLine is the line of the value's first text line, so line i of the value is firstLine + i.
        const diff: RenderedText = { text: "", firstLine: t.type === "quotes" ? n + 1 : n, lastLine: n, cut: false };
        sec.finding.diff = diff;
        frame.section = null;
        if (t.type === "quotes") {
          this.block = { target: diff, started: false, closeIndent: frame.indent, contentIndent: sec.contentIndent, legacyCloseIndent: null };
        } else {
          this.appendValue(diff, body, n);
          diff.lastLine = n;
        }
        return true;
      }
      case "hashOutput":
        return false;
      case "env":
        return this.takeEnvLine(frame, sec, indent, t, body, line, n);
    }
  }

  private takeEnvLine(
    frame: Frame,
    sec: Extract<Section, { kind: "env" }>,
    indent: number,
    t: LineType,
    body: string,
    line: string,
    n: number,
  ): boolean {
    // A top-level `- …drv` line may start the next concatenated output, or be a raw value's
    // line: it is kept as value text, and taken back if the `+` path line follows.
    if (t.type === "path" && t.sign === "-" && indent === this.stack[0]?.indent && sec.last && !sec.lastWasBlock) {
      this.maybeNextDocument = { t, n, indent, value: sec.last.value, length: sec.last.value.text.length, lastLine: sec.last.value.lastLine };
    }
    // The environment is the last thing nix-diff prints for a pair, so only a heading an
    // enclosing pair may still print (another input, its own environment) ends the list;
    // anything else, at any column, is the value going on.
    if (isHeading(t) && indent < frame.indent && FOLLOWS_A_CHILD.has(t.type) && this.frameIndexAt(indent) >= 0) return false;
    if (indent === sec.contentIndent) {
      const m = ENV_LINE.exec(body);
      if (m) {
        const sign = m[1];
        const key = this.intern(m[2] ?? "");
        const group = sign === "-" ? 0 : sign === "+" ? 1 : 2;
        const inOrder = group > sec.group || (group === sec.group && key > sec.lastKey) || sec.last === null;
        if (inOrder) {
          const value = m[3] ?? "";
          const side = sign === "-" ? "old" : sign === "+" ? "new" : "both";
          const rendered: RenderedText = { text: "", firstLine: n, lastLine: n, cut: false };
          const entry: EnvEntry = { kind: "envEntry", line: n, key, side, value: rendered };
          frame.pair!.findings = addTo(frame.pair!.findings, entry);
          sec.last = entry;
          sec.group = group;
          sec.lastKey = key;
          sec.lastWasBlock = side === "both" && value === "''";
          if (sec.lastWasBlock) {
            rendered.firstLine = n + 1;
            this.block = { target: rendered, started: false, closeIndent: frame.indent, contentIndent: sec.contentIndent, legacyCloseIndent: null };
          } else {
            this.appendValue(rendered, value, n);
          }
          return true;
        }
      }
    }
    // A value printed inline keeps its later lines verbatim, at any column.
    if (sec.last && !sec.lastWasBlock) {
      this.appendValue(sec.last.value, "\n" + line, n);
      return true;
    }
    return false;
  }

  private onPath(t: Extract<LineType, { type: "path" }>, indent: number, n: number): void {
    this.seenStructure = true;
    if (this.roots.length === 0 && this.pairs.length === 0) this.storeDir = flat(t.path.slice(0, t.path.lastIndexOf("/")));
    const fi = this.frameIndexAt(indent);
    const frame = fi >= 0 ? this.stack[fi] : undefined;
    if (frame && fi === this.stack.length - 1 && frame.section === null) {
      if (!frame.pair) {
        // Usually the name the heading above printed, already interned.
        const name = t.name === frame.pendingName ? frame.pendingName : this.intern(t.name);
        frame.pair = this.newPair(name, frame.parent, frame.pendingLine);
        this.setPath(frame.pair, t);
        return;
      }
      const p = frame.pair;
      if ((t.sign === "-" ? p.oldPath : p.newPath) === NO_PATH && p.findings.length === 0 && p.children.length === 0) {
        this.setPath(p, t);
        return;
      }
    }
    // A pair that starts on its own: the top of a document, or of another pasted fragment.
    if (this.stack.length > 0) this.endDocument();
    this.closeFramesAbove(-1);
    const root = this.newPair(this.intern(t.name), null, n);
    // An indented pair with its path lines may be a whole output pasted with extra indentation: not a fragment by itself.
    this.setPath(root, t);
    this.roots.push(root.id);
    this.stats.documents++;
    this.stack.push(this.frame(root, "", n, null, indent));
  }

  private onHeading(t: LineType, indent: number, n: number, line: string): void {
    this.seenStructure = true;
    let fi = this.frameIndexAt(indent);
    if (fi < 0) {
      const bottom = this.stack[0];
      if (!bottom || indent < bottom.indent) {
        // A fragment that starts (or climbs) above what we have seen: infer the enclosing pair.
        fi = 0;
        this.inferAncestor(indent, n);
      } else {
        this.unrecognized(n, line);
        return;
      }
    }
    this.closeFramesAbove(fi);
    const frame = this.stack[fi]!;
    const previous = frame.section;
    this.closeSection(frame);

    if (t.type === "alreadyCompared" && !frame.pair) {
      // 1.0.20 and older: `The input derivation named x differs` + this line = a back-reference.
      this.stack.pop();
      this.wordings.add("1.0.11-1.0.20");
      this.addRef(frame.parent, this.nameId(frame.pendingName), frame.pendingLine, "single");
      return;
    }
    const pair = frame.pair ?? (frame.pair = this.newPair(frame.pendingName || INFERRED_NAME, frame.parent, frame.pendingLine || n));
    switch (t.type) {
      case "inputDiffers":
        this.wordings.add(t.legacy ? "<1.0.11" : ">=1.0.11");
        this.stack.push(this.frame(null, this.printed(this.intern(t.name)), n, pair, indent + 2));
        return;
      case "alreadyCompared":
        // Without the heading above it (a fragment): this pair was shown earlier.
        if (pair.parent !== null) {
          this.addRef(this.pairs[pair.parent]!, this.nameId(pair.name), n, "single");
        }
        return;
      case "alreadyComparedGroup":
        this.wordings.add("1.0.21");
        frame.section = { kind: "alreadyComparedGroup", contentIndent: indent + 4 };
        return;
      case "onlyAlreadyComparedBelow":
        pair.status = "onlyAlreadyComparedBelow";
        return;
      case "namesDiffer":
        pair.status = "namesDiffer";
        return;
      case "outputsDiffer":
        pair.status = "outputsDiffer";
        return;
      case "outputSet":
      case "platform":
      case "builder":
      case "sourceNameSet":
      case "sourceSet":
        if (t.type === "sourceSet") this.wordings.add("<1.0.11");
        this.openList(frame, pair, t.type, n, indent + 4);
        return;
      case "inputNameSet":
        if (t.legacy) this.wordings.add("<1.0.11");
        this.openList(frame, pair, "inputNameSet", n, indent + 4);
        return;
      case "inputGroup":
        this.openList(frame, pair, "inputGroup", n, indent + 4, { name: this.printed(this.intern(t.name)) });
        return;
      case "sourcePaths":
        this.openList(frame, pair, "sourcePaths", n, indent + 4, { name: this.printed(this.intern(t.name)) });
        return;
      case "hashOutput":
        frame.section = { kind: "hashOutput", output: this.intern(t.output) };
        return;
      case "hashAlgorithm": {
        this.openList(frame, pair, "hashAlgorithm", n, indent + 8, { output: previous?.kind === "hashOutput" ? previous.output : "out" });
        return;
      }
      case "arguments": {
        const finding: Extract<Finding, { kind: "arguments" }> = { kind: "arguments", line: n, args: [] };
        pair.findings = addTo(pair.findings, finding);
        frame.section = { kind: "arguments", finding, contentIndent: indent + 4 };
        return;
      }
      case "sourceContent": {
        const finding: Extract<Finding, { kind: "sourceContent" }> = { kind: "sourceContent", line: n, name: this.printed(this.intern(t.name)), diff: null };
        pair.findings = addTo(pair.findings, finding);
        frame.section = { kind: "sourceContent", finding, contentIndent: indent + 4 };
        return;
      }
      case "envDiffers":
        pair.envShownLine = n;
        frame.section = { kind: "env", contentIndent: indent + 4, last: null, group: -1, lastKey: "", lastWasBlock: false };
        return;
      case "envSkipped":
        pair.envSkippedLine = n;
        return;
      default:
        this.unrecognized(n, line);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A heading whose `- x` / `+ x` lines follow at `contentIndent`. */
  private openList(frame: Frame, pair: DrvPair, kind: ListFinding["kind"], n: number, contentIndent: number, extra?: Record<string, string>): void {
    // The finding's items are its section until the section ends (see ListSection).
    const finding = { kind, line: n, items: null as unknown as OldNew, ...extra } as ListFinding;
    let section = frame.list;
    if (section) section.reset(finding, contentIndent);
    else section = frame.list = new ListSection(finding, contentIndent);
    finding.items = section;
    pair.findings = addTo(pair.findings, finding);
    frame.section = section;
  }

  /**
   * A frame's section ends: a list's items, done, take the place of the section
   * that was filling them; a plain list of one line each becomes one
   * OneEachFinding in its pair's place for it (a rebuild has one per builder).
   */
  private closeSection(frame: Frame): void {
    const sec = frame.section;
    frame.section = null;
    if (sec?.kind !== "list") return;
    const { finding } = sec;
    const items = sec.done();
    const pair = frame.pair;
    if (!(items instanceof OneEach) || !pair || !PLAIN_LISTS.has(finding.kind) || finding.incomplete) {
      finding.items = items;
      return;
    }
    const one = new OneEachFinding(finding.kind as PlainListKind, finding.line, items.old[0]!, items.new[0]!).asFinding();
    const list = pair.findings;
    // The list being closed is its pair's latest finding.
    const at = list.lastIndexOf(finding);
    if (at < 0) finding.items = items;
    else if (list.length === 1) pair.findings = [one];
    else list[at] = one;
  }

  /**
   * A frame for the stack, reusing one that was closed: a frame for every pair
   * (and its list section) were garbage kept by the old generation.
   */
  private frame(pair: DrvPair | null, pendingName: string, pendingLine: number, parent: DrvPair | null, indent: number): Frame {
    const f = this.spareFrames.pop();
    if (!f) return { pair, pendingName, pendingLine, parent, indent, section: null, list: null };
    f.pair = pair;
    f.pendingName = pendingName;
    f.pendingLine = pendingLine;
    f.parent = parent;
    f.indent = indent;
    return f;
  }

  /**
   * A path line that lost its end (`cut -c1-80` of a deep pair): where the
   * pair's own path line must come, `- <store>/<hash>-<name…>` is taken as one.
   */
  private cutPathLine(t: LineType, indent: number): Extract<LineType, { type: "path" }> | null {
    if (t.type !== "minus" && t.type !== "plus") return null;
    const top = this.top();
    if (!top || top.indent !== indent || top.section !== null) return null;
    if (top.pair && (t.type === "minus" ? top.pair.oldPath : top.pair.newPath) !== NO_PATH) return null;
    const m = /^(\/\S*\/)([0-9a-df-np-sv-z]{32})-(\S*)$/.exec(t.text);
    if (!m) return null;
    const name = top.pair?.name ?? top.pendingName;
    return { type: "path", sign: t.type === "minus" ? "-" : "+", path: `${m[1]}${m[2]}-${name}.drv`, name, outputs: "?" };
  }

  private blockLayout(): "legacy" | "modern" | "unknown" {
    if (this.wordings.has("<1.0.11")) return "legacy";
    if (this.wordings.has(">=1.0.11")) return "modern";
    return "unknown";
  }

  /** The column of the first line of a paste, which forums flatten to 0 (or a shift of it), read from the second line. */
  private guessFirstIndent(first: string, second: string): number | undefined {
    const t = classify(first.trimStart());
    const next = leadingSpaces(second);
    const nextType = classify(second.slice(next));
    if (next === 0) return undefined;
    let guess: number;
    if (t.type === "path") guess = nextType.type === "path" ? next : 0;
    else if (t.type === "inputDiffers") guess = next - 2;
    else if (isHeading(nextType)) guess = next;
    else guess = next - 4;
    // Only ever deeper: a first line at its own column agrees with the line after it.
    return guess > leadingSpaces(first) ? guess : undefined;
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private frameIndexAt(indent: number): number {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i]!;
      if (f.indent === indent) return i;
      if (f.indent < indent) return -1;
    }
    return -1;
  }

  /** Close the frames above `index`: each pair ends at the last nix-diff line so far. */
  private closeFramesAbove(index: number): void {
    while (this.stack.length > index + 1) {
      const f = this.stack.pop()!;
      this.closeSection(f);
      if (f.pair) {
        f.pair.lastLine = Math.max(f.pair.lastLine, this.placedUpTo);
        compact(f.pair);
        if (f.pair.envShownLine !== null) judgePathOnlyValues(f.pair, this.storeDir, this.keepPathOnly, dropText);
        this.packPending();
      }
      else if (f.parent) {
        // `The input derivation named x differs` with nothing under it: keep the mention.
        this.addRef(f.parent, this.nameId(f.pendingName), f.pendingLine, "single");
      }
      f.pair = f.parent = null;
      this.spareFrames.push(f);
    }
  }

  private inferAncestor(indent: number, n: number): void {
    this.stats.fragment = true;
    const pair = this.newPair(INFERRED_NAME, null, n);
    pair.inferred = true;
    const oldBottom = this.stack[0];
    if (oldBottom) {
      const child = oldBottom.pair;
      if (child) {
        const prevRoot = this.roots.indexOf(child.id);
        if (prevRoot >= 0) this.roots.splice(prevRoot, 1);
        child.parent = pair.id;
        pair.children = addTo(pair.children, child.id);
        pair.firstLine = Math.min(pair.firstLine, child.firstLine);
      } else {
        oldBottom.parent = pair;
      }
    } else {
      this.stats.documents++;
    }
    this.roots.push(pair.id);
    this.stack.unshift(this.frame(pair, "", n, null, indent));
  }

  private intern(s: string): string {
    let v = this.interned.get(s);
    if (v === undefined) {
      v = flat(s);
      if (this.interned.size < 1_000_000) this.interned.set(v, v);
    }
    return v;
  }

  private newPair(name: string, parent: DrvPair | null, line: number): DrvPair {
    const pair = new PrintedPair(this.pairs.length, name, parent ? parent.id : null, line);
    this.pairs.push(pair);
    if (parent) parent.children = addTo(parent.children, pair.id);
    return pair;
  }

  /**
   * A name as nix-diff printed it, recovered: nix-diff takes a name as the path minus its
   * first 44 characters (its issue #100), right only for a 10-character store directory.
   * In a longer one the printed name starts with the hash's tail and a dash, cut off here;
   * in a shorter one the name's first characters are lost, which nothing can recover.
   */
  private printed(name: string): string {
    const extra = this.storeDir.length - "/nix/store".length;
    return extra > 0 && name.length > extra ? this.intern(name.slice(extra)) : name;
  }

  private setPath(pair: DrvPair, t: Extract<LineType, { type: "path" }>): void {
    // Nearly every path line asks for `out`: no lookup for that one.
    const outputs = t.outputs === "out" ? "out" : this.intern(t.outputs);
    // The path's name is the pair's (interned) string when they agree, so the path keeps none of its own.
    const name = t.name === pair.name ? pair.name : this.intern(t.name);
    if (t.sign === "-") {
      pair.oldPath = this.paths.add(t.path, name);
      pair.oldOutputs = outputs;
    } else {
      pair.newPath = this.paths.add(t.path, name);
      pair.newOutputs = outputs;
    }
    if (pair.name === INFERRED_NAME || pair.name === "") pair.name = name;
  }

  private addRef(pair: DrvPair | null, nameId: number, line: number, form: AlreadyComparedRef["form"]): void {
    if (!pair) return;
    pair.mentionCount++;
    this.mentionPair.push(pair.id);
    this.mentionName.push(nameId);
    this.mentionLine.push(form === "single" ? -line : line);
  }

  /** The id of a mentioned name (already as printed), one copy of each. */
  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      const copy = flat(name);
      this.names.push(copy);
      this.nameIds.set(copy, id);
    }
    return id;
  }

  /** The id of a name as nix-diff printed it in a list (see printed): one lookup for the usual store. */
  private printedNameId(raw: string): number {
    return this.nameId(this.storeDir.length > "/nix/store".length ? this.printed(raw) : raw);
  }

  private settleValue(): void {
    const v = this.openValue;
    if (v && this.openPieces > 0) {
      v.text = flat(v.text);
      if (this.top()?.section?.kind !== "env") packText(v);
      else {
        this.pendingPack.push(v);
        this.pendingChars += v.text.length;
        if (this.pendingChars > PENDING_PACK) this.packPending();
      }
    }
    this.openValue = null;
    this.openPieces = 0;
  }

  private packPending(): void {
    for (const v of this.pendingPack) packText(v);
    this.pendingPack = [];
    this.pendingChars = 0;
  }

  private appendValue(target: RenderedText, s: string, n: number): void {
    if (target !== this.openValue) {
      this.settleValue();
      this.openValue = target;
    }
    target.lastLine = n;
    // Bytes, as `cut -c` counts them.
    const bytes = Buffer.byteLength(this.rawLine);
    if (bytes > (target.widest ?? 0)) target.widest = bytes;
    if (target.cut) {
      target.whole?.push(s);
      if (this.lineCut) target.whole?.lose();
      return;
    }
    if (target.text.length + s.length > this.maxValue) {
      this.judgeWhole(target, s);
      target.text = flat(target.text + s.slice(0, Math.max(0, this.maxValue - target.text.length)));
      target.cut = true;
      this.stats.valuesCut++;
      return;
    }
    target.text += s; // copied by settleValue
    this.openPieces++;
  }

  /**
   * A value of a key on both sides outgrows what we keep: from here on it
   * streams into a judge that compares old and new whole (the pair's inputs,
   * which say what store paths may change, all come before its environment).
   */
  private judgeWhole(target: RenderedText, s: string): void {
    const frame = this.top();
    const sec = frame?.section;
    if (!frame?.pair || sec?.kind !== "env" || sec.last?.value !== target || sec.last.side !== "both") return;
    const ctx = substitutionContext(this.storeDir, frame.pair.findings).sub;
    ctx.namesUnseen = frame.pair.inferred;
    const whole = new LongValue(new Substitution(ctx), this.storeDir);
    whole.push(target.text);
    whole.push(s);
    if (this.lineCut) whole.lose();
    target.whole = whole;
  }

  /**
   * At the end of a document (the input's end, or the next top-level pair):
   * unless its last nix-diff line is one nix-diff ends an output with, the
   * input was cut there. Then the section it ends in is incomplete, every
   * pair still open is unfinished, and what such a pair printed before the
   * sections that could explain it (a builder before the input bump that
   * explains it) is incomplete too: analysis judges none of it.
   */
  private endDocument(): void {
    const reason = this.cutReason();
    if (reason === null) return;
    this.markTruncated(reason, this.placedUpTo || null);
    if (this.block) {
      this.block.target.incomplete = true;
      this.block.target.lastLine = this.placedUpTo;
      this.block = null;
    }
    const top = this.top();
    const sec = top?.section;
    if (sec) {
      if (sec.kind === "list") {
        // A builder, platform or hash algorithm is one old and one new line: with both, nothing is missing.
        const single = sec.finding.kind === "builder" || sec.finding.kind === "platform" || sec.finding.kind === "hashAlgorithm";
        if (!single || sec.oldSide.count === 0 || sec.newSide.count === 0 || reason.startsWith("its last line")) sec.finding.incomplete = true;
      } else if (sec.kind === "arguments" || sec.kind === "sourceContent") sec.finding.incomplete = true;
      else if (sec.kind === "env" && sec.last && !sec.lastWasBlock) {
        // Each entry is whole once the next begins; the last one only if its spans are closed and its line is whole.
        if (!balancedMarkers(sec.last.value.text) || reason.startsWith("its last line")) sec.last.value.incomplete = true;
      }
    }
    // The top pair alone, with no line that ends a pair: maybe cut, maybe nix-diff's end (an equal environment).
    const mayBeComplete = this.stack.length === 1 && this.stack[0]!.pair !== null && !this.stack[0]!.pair.inferred;
    for (const f of this.stack) {
      const p = f.pair;
      if (!p || p.status !== "expanded" || p.envSkippedLine !== null) continue;
      if (p.envShownLine !== null && f === this.stack[0] && this.stack.length === 1) continue;
      p.unfinished = true;
      if (mayBeComplete || reachedInputs(p)) continue;
      for (const finding of p.findings) if (finding.kind === "builder" || finding.kind === "arguments") finding.incomplete = true;
    }
  }

  /** Why the current document looks cut, or null when its last line is one nix-diff can end with. */
  private cutReason(): string | null {
    const last = this.placedUpTo;
    if (this.block) return `it ends inside a '' value that opened at line ${this.block.target.firstLine - 1}`;
    const cutTail = this.lastForeign && this.lastForeign.n > last && looksLikeCutLine(this.lastForeign.line, this.storeDir) ? this.lastForeign : null;
    if (cutTail) return `its last line (${cutTail.n}) is nix-diff's, cut off in the middle`;
    // A last line that does not read, right after nix-diff's, inside a section and without a newline: the start of one cut off.
    const f = this.lastForeign;
    if (this.lastLineUnterminated && f && f.n === this.lineNo && f.n === last + 1 && this.top()?.section) {
      return `its last line (${f.n}) is not a whole nix-diff line and has no newline: it looks cut off in the middle`;
    }
    const top = this.top();
    if (!top) return null;
    if (!top.pair) return `it ends right after \`The input derivation named ${top.pendingName} differs\` (line ${top.pendingLine})`;
    if (looksLikeCutLine(this.lastPlaced, this.storeDir)) return `its last line (${last}) is cut off in the middle`;
    if (top.section && this.sectionIsEmpty(top.section)) return `it ends right after a heading (line ${last})`;
    const sec = top.section;
    if (sec?.kind === "env" && sec.last && !sec.lastWasBlock && !balancedMarkers(sec.last.value.text)) {
      return `it ends inside the value of \`${sec.last.key}\` (line ${sec.last.line})`;
    }
    const root = this.stack[0]!;
    const p = root.pair;
    if (this.stack.length === 1 && p && !p.inferred) {
      if (p.status !== "expanded" || p.envSkippedLine !== null || p.envShownLine !== null) return null;
      return `it may be cut at line ${last}: nix-diff ends the top pair \`${p.name}\` with its environment comparison, which is missing (it prints none when the environments are equal)`;
    }
    // A printed pair shows some difference: path lines and nothing else is a cut.
    const empty = this.stack.some((f) => f.pair && !f.pair.inferred && f.pair.findings.length === 0 && f.pair.children.length === 0 && f.pair.mentionCount === 0);
    let inner: DrvPair | null = null;
    for (let i = this.stack.length - 1; i >= 0 && !inner; i--) if (this.stack[i]!.pair && !this.stack[i]!.pair!.inferred) inner = this.stack[i]!.pair;
    if (!empty && inner && !this.pairs.some((q) => q.envSkippedLine !== null) && this.pairs.some((q) => q.envShownLine !== null)) {
      // No skip lines (--environment, or no pair here descended): a pair ends silently after equal environments.
      return `it may be cut inside \`${inner.name}\` (line ${inner.firstLine}): no line after it says nix-diff finished it (it prints none after environments it compared and found equal), so where it ends cannot be told`;
    }
    if (inner) return `it ends inside \`${inner.name}\` (line ${inner.firstLine}), before nix-diff finished it`;
    return "it ends before the pair around the fragment was finished";
  }

  private sectionIsEmpty(sec: Section): boolean {
    switch (sec.kind) {
      case "list":
        return sec.oldSide.count === 0 && sec.newSide.count === 0;
      case "arguments":
        return sec.finding.args.length === 0;
      case "env":
        return sec.last === null;
      case "hashOutput":
        return true;
      default:
        return false;
    }
  }

  private unrecognized(n: number, _text: string): void {
    this.stats.unrecognized++;
    this.markForeign(n);
    // As it was in the input: a repaired or decoded line is not what the user pasted.
    const original = this.original.endsWith("\r") ? this.original.slice(0, -1) : this.original;
    if (this.stats.unrecognizedSample.length < this.maxSample) this.stats.unrecognizedSample.push({ line: n, text: flat(original.slice(0, 500)) });
  }
}

/** Parse a whole string (tests, small inputs). */
export function parseText(text: string, options?: ParserOptions): ParsedDiff {
  const parser = new DiffParser(options);
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (const l of lines) parser.push(l);
  return parser.end();
}
