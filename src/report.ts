// The report: what analysis produces and every renderer reads. `--format
// json` is this object serialised; the fields named in the README's contract
// (input.lines/unrecognized/truncated, causes[].kind/drv/seenIn/path/lines and
// the kind-specific ones) are stable.

import type { InputStats } from "./model.js";

export type CauseKind =
  | "version"
  | "renamed"
  | "added"
  | "removed"
  | "env"
  | "fixed-output"
  | "source"
  | "builder"
  | "args"
  | "outputs"
  | "platform"
  | "unexplained";

/** One input line that shows a cause, as nix-diff printed it (indentation dropped). */
export interface Evidence {
  line: number;
  text: string;
  /** Read from a closure: the `.drv` file (`systemd-257.10.drv`) and the field (`env.version`, `inputSrcs pgrp-pipe-5.patch`). */
  drv?: string;
  field?: string;
}

export interface Cause {
  kind: CauseKind;
  /** Derivation in which the change is observed (for a name-set change: one parent that shows it). */
  drv: string;
  /** Every derivation that shows this same change. */
  seenIn: string[];
  /** Shortest chain of derivation names from the top to `drv`. */
  path: string[];
  /** 1-based input lines that show it. */
  lines: number[];
  /** The top pair's direct inputs it comes through (the first MAX_VIA of them). */
  via: string[];
  /** More of the top's direct inputs lead to it than `via` lists. */
  viaCut?: boolean;
  /** How many differing derivation pairs have it below them (itself included). */
  affects: number;
  /** What changed, in a few words (`systemd 257.9 → 257.10`). */
  summary: string;
  /** The nix-diff lines that show it (capped). */
  evidence: Evidence[];
  name?: string;
  from?: string;
  to?: string;
  keys?: string[];
  source?: string;
  input?: string;
  /** version: other packages bumped in the same step (`systemd-minimal-libs` with `systemd`). */
  variants?: string[];
  /** unexplained: why nothing explains it. */
  reason?: string;
  /** Said when nix-diff did not look inside what changed (a renamed input is never descended into). */
  notDescended?: boolean;
  /** Read from closures: would nix-diff's default output show this cause? */
  nixDiffShows?: boolean;
  /** Read from closures, when nix-diff would not show it: why not. */
  nixDiffHides?: string;
}

export interface Funnel {
  /** The pair every path from the top to these causes passes through. */
  drv: string;
  path: string[];
  /** Indexes into `causes`. */
  causes: number[];
  /** Input lines inside that pair's expansion. */
  lines: number;
  /** Share of all input lines. */
  share: number;
  /** `all` for the funnel of every cause; `cause` for one cause seen in many places. */
  scope: "all" | "cause";
}

export interface PairLines {
  name: string;
  firstLine: number;
  lines: number;
  depth: number;
}

/** Where a report's `pairLines` come from: entry i of `count`. */
export interface PairLinesSource {
  count: number;
  at(i: number): PairLines;
}

const pairLinesSources = new WeakMap<object, PairLinesSource>();

/**
 * Gives `report` its `pairLines` (one entry per printed pair: tens of thousands
 * on a system rebuild, used by the JSON report only) as a list built the first
 * time it is read, and keeps the source, so that the JSON writer can write the
 * entries one at a time without building the list, and the text and Markdown
 * reports build nothing. The key keeps its place in the report's key order.
 */
export function setPairLines(report: Report, source: PairLinesSource): void {
  pairLinesSources.set(report, source);
  Object.defineProperty(report, "pairLines", {
    enumerable: true,
    configurable: true,
    get(): PairLines[] {
      const list = Array.from({ length: source.count }, (_, i) => source.at(i));
      Object.defineProperty(report, "pairLines", { value: list, enumerable: true, configurable: true, writable: true });
      pairLinesSources.delete(report);
      return list;
    },
  });
}

/** The source of a report's `pairLines` while the list has not been built (else null: read the list). */
export function pairLinesSource(report: Report): PairLinesSource | null {
  return pairLinesSources.get(report) ?? null;
}

export interface Ambiguity {
  /** The name an "already compared" line gives. */
  name: string;
  line: number;
  /** Lines of the distinct earlier pairs of that name it could mean (the nearest 16). */
  candidates: number[];
  /** How many earlier pairs of that name there are. */
  count: number;
}

/**
 * A derivation that changed outside the input (an excerpt's frontier): its
 * store path changed and its name did not, and its comparison is not in the
 * input. Not a root cause: what changed in it is not shown, only that it did.
 */
export interface FrontierEntry {
  /** Its name as nix-diff prints it (`bash-5.2p37`). */
  name: string;
  /** Where it was seen: as a builder, in the arguments, in a value, or named as "already compared". */
  seenAs: ("builder" | "argument" | "value" | "already compared" | "name set")[];
  /** An old and a new store path of it seen in the input (an output path), when it was seen as a path. */
  old: string | null;
  new: string | null;
  /** Differing pairs in the input that show it (each distinct pair once). */
  pairs: number;
  /** Of those, the pairs whose builder it is. */
  builderOf: number;
  /** Names of those pairs (the first 20). */
  explains: string[];
  /** Input lines that show it (the first 50). */
  lines: number[];
  /** How to see why it changed. */
  howToSee: string;
}

export interface Summary {
  /** Differing derivation pairs printed (each distinct old/new path pair once). */
  pairs: number;
  /** Times a pair was printed (the same pair appears again per requested outputs). */
  pairsPrinted: number;
  alreadyComparedMentions: number;
  /** "Already compared" names that match more than one earlier pair. */
  ambiguousMentions: number;
  /** "Already compared" names with no earlier pair in the input (a fragment). */
  unresolvedMentions: number;
  /** `The builders do not match` where only store paths changed. */
  builderChanges: number;
  skippedEnvironments: number;
  /** Values (env, builder, arguments) that differ only in store paths of changed inputs. */
  storePathOnly: number;
  /** Env values not judged because the paste cut their lines at a fixed width. */
  valuesNotJudged: number;
  /** Sections not judged because the input ends inside them, or before the part of their pair that could explain them. */
  sectionsNotJudged: number;
  /** Env values whose change is the insertion or removal of an added/removed input's path. */
  attributedValues: number;
  /** Name-set lines (`- x` / `+ y`) that repeat a change already counted. */
  repeatedNameChanges: number;
  /** `Skipping because only derivations that have already been compared … are below`. */
  foldedPairs: number;
}

export interface Report {
  tool: { name: "drvsquash"; version: string };
  input: InputStats & { source: string };
  top: { name: string; old: string | null; new: string | null } | null;
  summary: Summary;
  causes: Cause[];
  funnels: Funnel[];
  /** Lines of the input under each printed pair, largest first (the pairs holding most of the text). */
  heaviest: PairLines[];
  /** Per printed pair: its input line count (all pairs, in input order). */
  pairLines: PairLines[];
  ambiguities: Ambiguity[];
  /** What changed outside the input (empty for a complete output): see FrontierEntry. */
  frontier: FrontierEntry[];
  /** Plain sentences a person should read (hidden causes, partial input). */
  notes: string[];
}
