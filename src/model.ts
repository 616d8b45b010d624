// The parsed form of one nix-diff run: the tree of compared derivation pairs
// and, per pair, the raw differences nix-diff printed for it. Produced by
// src/parse (from text or from `nix-diff --json`), consumed by src/analyse.
// Nothing here judges what is cascade and what is cause; that is analysis.

import type { PathId, StorePaths } from "./storePaths.js";

/** Name of a pair known only as the parent of a pasted fragment (no store path name can be `…`). */
export const INFERRED_NAME = "…";

/** A value seen in the input together with the 1-based line it came from. */
export interface Located {
  text: string;
  line: number;
}

/** One `- x` / `+ x` list as nix-diff prints it under a section heading. */
export interface OldNew {
  readonly old: readonly Located[];
  readonly new: readonly Located[];
}

/**
 * A list of one old and one new line, the commonest of a system rebuild (a
 * builder's two paths in most of its pairs), kept as its two texts and lines:
 * a fifth of the memory of two arrays of one `Located` each. Its lists are
 * built on each read (callers read them once or twice).
 */
export class OneEach implements OldNew {
  private readonly oldText: string;
  private readonly oldLine: number;
  private readonly newText: string;
  private readonly newLine: number;

  constructor(old: Located, now: Located) {
    this.oldText = old.text;
    this.oldLine = old.line;
    this.newText = now.text;
    this.newLine = now.line;
  }

  get old(): readonly Located[] {
    return [{ text: this.oldText, line: this.oldLine }];
  }

  get new(): readonly Located[] {
    return [{ text: this.newText, line: this.newLine }];
  }
}

/** The kinds of list finding that carry nothing but their heading's line and the list. */
export type PlainListKind = "outputSet" | "platform" | "builder" | "sourceNameSet" | "sourceSet" | "inputNameSet";

/**
 * A plain list finding of one old and one new line (a builder's two paths in
 * most pairs of a rebuild) as one object: the finding is its own `items`.
 * The parser makes one when such a list ends (see parser.ts closeSection).
 */
export class OneEachFinding extends OneEach {
  readonly kind: PlainListKind;
  readonly line: number;
  /** Set by the parser when the input ends before the pair could be judged (see Finding). */
  declare incomplete?: boolean;

  constructor(kind: PlainListKind, line: number, old: Located, now: Located) {
    super(old, now);
    this.kind = kind;
    this.line = line;
  }

  get items(): OldNew {
    return this;
  }

  /** As the Finding it is (a class cannot be narrowed to one member of the union by its kind). */
  asFinding(): Finding {
    return this as unknown as Finding;
  }
}

/**
 * A rendered text diff (an environment value or a source file's content),
 * kept as printed (colour already turned into `←old←` / `→new→` markers) so
 * that analysis can rebuild the old and new values.
 */
export interface RenderedText {
  text: string;
  /** Line of the value's first text line: line i of `text` is input line firstLine + i. */
  firstLine: number;
  lastLine: number;
  /** The value was longer than we keep; `text` holds its beginning. */
  cut: boolean;
  /** Length of its longest input line (compared with a paste's cut width). */
  widest?: number;
  /** The input ends inside it (an open `''` block, an open marker, a value that may go on): never judged. */
  incomplete?: boolean;
  /** A cut value of an environment key on both sides, judged whole as it streamed (values/longValue.ts). */
  whole?: WholeValue;
  /**
   * An environment value on both sides, judged when its pair was done
   * (values/pairDone.ts): equal but for store paths the pair's inputs explain.
   */
  sameByPaths?: true;
  /** Its text was not kept (`sameByPaths`, past what the parser keeps of such values): `text` is "". */
  textDropped?: true;
}

/** The streaming judge of a value longer than the parser keeps. */
export interface WholeValue {
  push(s: string): void;
  /** Part of the value never reached the parser: it cannot be judged. */
  lose(): void;
  /** "same": equal but for store paths the inputs explain; "differs"; null: not judged. */
  verdict(): "same" | "differs" | null;
  /** Characters held back between pieces (memory checks). */
  readonly held: number;
  /** Characters of the value seen. */
  readonly seen: number;
}

/**
 * What nix-diff printed for a pair, section by section. `incomplete`: the
 * input ends inside the section, or before the later sections of its pair
 * that could explain it (an input's bump explains a builder path): what it
 * shows is not judged.
 */
export type Finding = (
  | { kind: "outputSet"; line: number; items: OldNew }
  | { kind: "hashAlgorithm"; line: number; output: string; items: OldNew }
  | { kind: "platform"; line: number; items: OldNew }
  | { kind: "builder"; line: number; items: OldNew }
  | { kind: "arguments"; line: number; args: { op: " " | "-" | "+"; text: string; line: number }[] }
  | { kind: "sourceNameSet"; line: number; items: OldNew }
  | { kind: "sourceContent"; line: number; name: string; diff: RenderedText | null }
  | { kind: "sourcePaths"; line: number; name: string; items: OldNew }
  /** nix-diff < 1.0.11: sources compared only as a set of paths. */
  | { kind: "sourceSet"; line: number; items: OldNew }
  | { kind: "inputNameSet"; line: number; items: OldNew }
  | { kind: "inputGroup"; line: number; name: string; items: OldNew }
  | { kind: "envEntry"; line: number; key: string; side: "old" | "new" | "both"; value: RenderedText }
) & { incomplete?: boolean };

export type FindingKind = Finding["kind"];

export type PairStatus =
  /** Compared in full here: path lines followed by its differences. */
  | "expanded"
  /** `Skipping because only derivations that have already been compared … are below`. */
  | "onlyAlreadyComparedBelow"
  /** `The derivation names do not match`: nix-diff did not look inside. */
  | "namesDiffer"
  /** `The requested outputs do not match`: nix-diff did not look inside. */
  | "outputsDiffer";

/** A mention of an input that nix-diff had already compared elsewhere. */
export interface AlreadyComparedRef {
  name: string;
  line: number;
  /** `grouped` (1.0.21 list) or `single` (`These two derivations have already been compared`). */
  form: "grouped" | "single";
}

/** One compared (old, new) derivation pair as printed in the tree. */
export interface DrvPair {
  id: number;
  /** Store path name without hash and `.drv` (`systemd-257.9`); `?` when unknown. */
  name: string;
  /** Its two `.drv` paths as ids in ParsedDiff.paths (`paths.text(id)`), NO_PATH where none was printed. */
  oldPath: PathId;
  newPath: PathId;
  oldOutputs: string | null;
  newOutputs: string | null;
  parent: number | null;
  depth: number;
  /** Line of the heading that introduced it (or its first path line). */
  firstLine: number;
  /** Last line of its expansion, children included. */
  lastLine: number;
  status: PairStatus;
  /** Not printed as such: an ancestor inferred for a fragment that starts deep in a tree. */
  inferred: boolean;
  /** Child pairs expanded below it, in order. */
  children: number[];
  /** Pairs below it compared elsewhere, known exactly (a closure read directly); text has only names (`refNames`). */
  links?: number[];
  /** "Already compared" mentions under this pair (read them with `refsOf`: they are kept in `ParsedDiff.mentions`). */
  mentionCount: number;
  findings: Finding[];
  /** Line of `Skipping environment comparison`, if printed. */
  envSkippedLine: number | null;
  /** Line of `The environments do not match:`, if printed. */
  envShownLine: number | null;
  /** The input ends before nix-diff finished printing this pair. */
  unfinished?: boolean;
}

export interface UnrecognizedLine {
  line: number;
  text: string;
}

export interface InputStats {
  lines: number;
  blank: number;
  unrecognized: number;
  /** The first unrecognised lines, for `--show-unrecognized` (capped). */
  unrecognizedSample: UnrecognizedLine[];
  truncated: boolean;
  truncatedReason: string | null;
  /** Which nix-diff wording was seen (`1.0.21`, `1.0.11-1.0.20`, `<1.0.11`, or `unknown`). */
  wording: string;
  coloured: boolean;
  /** The input started inside a tree (no top-level path lines). */
  fragment: boolean;
  /** More than one top-level comparison was found (outputs concatenated). */
  documents: number;
  /** Lines whose bytes were not valid UTF-8. */
  invalidUtf8: number;
  /** Values longer than the per-value cap. */
  valuesCut: number;
  /** Input came from `nix-diff --json`. */
  json: boolean;
  /** Lines we read through after removing paste decoration (quotes, bullets, …). */
  pasteRepairs: number;
  /** Every line longer than this was cut to it (`cut -c1-W`), or null. */
  cutWidth: number | null;
  /** Line at which the input was found cut (its last nix-diff line), or null. */
  truncatedLine: number | null;
  /** Lines that are nix-diff output (the others are prose, prompts, fences, blank lines around it). */
  nixDiffLines: number;
  /** Where the nix-diff output is: runs of input lines [first, last] (capped; prose between runs). */
  nixDiffRanges: [number, number][];
  /**
   * Read from two closures (`.drv` files), not nix-diff text: then `lines` and
   * every line number are positions of pairs in the walk's tree, not input lines.
   */
  closure?: { derivations: number; files: number; bytes: number; pairs: number };
}

/** Stats of an input nothing has been read from yet; each front end fills in what it reads. */
export function emptyInputStats(): InputStats {
  return {
    lines: 0,
    blank: 0,
    unrecognized: 0,
    unrecognizedSample: [],
    truncated: false,
    truncatedReason: null,
    wording: "unknown",
    coloured: false,
    fragment: false,
    documents: 0,
    invalidUtf8: 0,
    valuesCut: 0,
    json: false,
    pasteRepairs: 0,
    cutWidth: null,
    truncatedLine: null,
    nixDiffLines: 0,
    nixDiffRanges: [],
  };
}

/**
 * Input lines that are not nix-diff output (prose, prompts, fences, stray
 * blank lines), as sorted runs, so that a pair's line count leaves them out.
 */
export interface ForeignLines {
  /** Flat [first, last, first, last, …] of each run, ascending. */
  runs: number[];
  /** Lines in runs before run i (prefix sums, one per run). */
  before: number[];
}

/** Input lines in [first, last] that are nix-diff output. */
export function nixDiffLinesIn(foreign: ForeignLines, first: number, last: number): number {
  if (last < first) return 0;
  return last - first + 1 - foreignIn(foreign, last) + foreignIn(foreign, first - 1);
}

/** Foreign lines at or before `line`. */
function foreignIn(f: ForeignLines, line: number): number {
  // The last run starting at or before `line`.
  let lo = 0;
  let hi = f.before.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (f.runs[2 * mid]! <= line) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  const i = lo - 1;
  return f.before[i]! + Math.min(line, f.runs[2 * i + 1]!) - f.runs[2 * i]! + 1;
}

/**
 * Every "already compared" mention of a diff (a system rebuild has hundreds
 * of thousands), as columns grouped by the pair they are under: pair p's are
 * i = start[p] … start[p + 1] - 1, in input order.
 */
export interface Mentions {
  start: Int32Array;
  /** The name mentioned, as an index into ParsedDiff.names. */
  name: Int32Array;
  /** Its line, negative for the `single` form. */
  line: Int32Array;
  /**
   * Each pair's own name as an index into ParsedDiff.names, or -1 when no
   * mention names it: which pairs a mention of a name can mean.
   */
  pairName: Int32Array;
}

/** No mentions under any of `pairs` pairs (a closure read directly knows its links exactly). */
export function noMentions(pairs: number): Mentions {
  return { start: new Int32Array(pairs + 1), name: new Int32Array(0), line: new Int32Array(0), pairName: new Int32Array(pairs).fill(-1) };
}

export interface ParsedDiff {
  pairs: DrvPair[];
  /** The pairs' `.drv` paths (DrvPair.oldPath, newPath). */
  paths: StorePaths;
  mentions: Mentions;
  /** The names mentions refer to, one copy of each (mention name ids index it). */
  names: string[];
  /** Ids of pairs printed at the top of a document (normally exactly one). */
  roots: number[];
  /** Directory of the store, taken from the first path line (`/nix/store`). */
  storeDir: string;
  stats: InputStats;
  foreign: ForeignLines;
  /** What the reader could not read for sure in a damaged paste, said as notes of the report. */
  readingNotes?: string[];
}

/** The "already compared" mentions under a pair, in input order. */
export function refsOf(diff: ParsedDiff, pair: DrvPair): AlreadyComparedRef[] {
  const { start, name, line } = diff.mentions;
  const out: AlreadyComparedRef[] = [];
  for (let i = start[pair.id]!; i < start[pair.id + 1]!; i++) {
    const l = line[i]!;
    out.push({ name: diff.names[name[i]!]!, line: Math.abs(l), form: l < 0 ? "single" : "grouped" });
  }
  return out;
}
