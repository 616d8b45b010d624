// Tree → report: causes (causes.ts), then where each one sits in the graph of
// differing pairs (graph.ts): how many pairs it explains, how it reaches the
// top, and which pairs every path to it must pass through.

import { nixDiffLinesIn, type ParsedDiff } from "../model.js";
import { setPairLines, type Cause, type CauseKind, type Funnel, type PairLines, type Report } from "../report.js";
import { findCauses, type CauseAnalysis, type CauseDraft } from "./causes.js";
import { findFrontier } from "./frontier.js";
import { buildGraph, commonDominator, dominators, MAX_LINKS, pathTo, type PairGraph } from "./graph.js";
import { MAX_VIA, reach } from "./reach.js";
import { thousands } from "../thousands.js";

export interface AnalyseOptions {
  /** Where the input came from (`stdin`, a file name), for the report. */
  source: string;
  version: string;
}

const KIND_ORDER: CauseKind[] = ["version", "renamed", "added", "removed", "source", "env", "fixed-output", "builder", "args", "outputs", "platform", "unexplained"];

/** The report plus what --why and --tree need to walk the graph again. */
export interface Analysis {
  report: Report;
  graph: PairGraph;
  /** Printed pairs that show each cause (parallel to report.causes). */
  causePairs: number[][];
}

export function analyse(diff: ParsedDiff, options: AnalyseOptions): Report {
  return analyseDiff(diff, options).report;
}

/** `given`: causes a front end found itself (a closure read directly); otherwise they come from the text's findings. */
export function analyseDiff(diff: ParsedDiff, options: AnalyseOptions, given?: CauseAnalysis): Analysis {
  const found = given ?? findCauses(diff);
  const { counts, hiddenInputs } = found;
  const g = buildGraph(diff);
  const { entries: frontier, pairs: onFrontier } = findFrontier(diff, g, found.pathOnly);
  // A pair whose differences are paths of a derivation on the frontier is explained by it.
  const drafts = frontier.length === 0 ? found.causes : found.causes.filter((d) => d.kind !== "unexplained" || !d.pairIds.every((id) => onFrontier.has(id)));
  const names = (ids: number[]): string[] => ids.map((id) => diff.pairs[id]!.name);
  // Lines of nix-diff output under a pair: prose pasted around or inside it does not count.
  const lineCount = (id: number): number => {
    const p = diff.pairs[id]!;
    return nixDiffLinesIn(diff.foreign, p.firstLine, p.lastLine);
  };

  const reached = reach(g, drafts.map((d) => d.pairIds));
  const placed = drafts.map((d, i) => ({ cause: placeCause(d, g, names, reached.affects[i]!, names(reached.via[i]!), reached.viaCut[i]!), pairIds: d.pairIds }));
  placed.sort(
    ({ cause: a }, { cause: b }) =>
      Number(a.kind === "unexplained") - Number(b.kind === "unexplained") ||
      b.affects - a.affects ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.lines[0] ?? 0) - (b.lines[0] ?? 0),
  );
  const causes: Cause[] = placed.map((p) => p.cause);
  const causePairs = placed.map((p) => p.pairIds);

  // Funnels: the deepest pair through which every path to the causes passes.
  const funnels: Funnel[] = [];
  if (causes.length > 0 && diff.pairs.length > 0) {
    const idom = dominators(g);
    const totalLines = Math.max(1, diff.stats.nixDiffLines);
    const funnelFor = (ids: number[]): number => {
      let f = commonDominator(idom, ids);
      // A funnel is above the causes, not one of their own pairs.
      while (f >= 0 && ids.includes(f)) f = idom[f]!;
      return f;
    };
    const make = (f: number, causeIdx: number[], scope: Funnel["scope"]): Funnel => ({
      drv: diff.pairs[f]!.name,
      path: names(pathTo(g, f)),
      causes: causeIdx,
      lines: lineCount(f),
      share: lineCount(f) / totalLines,
      scope,
    });
    const real = causes.map((c, i) => ({ c, i })).filter(({ c }) => c.kind !== "unexplained");
    const allIds = real.flatMap(({ i }) => causePairs[i]!);
    const overall = funnelFor(allIds);
    if (overall >= 0 && !diff.pairs[overall]!.inferred && !g.roots.includes(overall)) {
      funnels.push(make(overall, real.map(({ i }) => i), "all"));
    }
    for (const { i } of real) {
      const ids = causePairs[i]!;
      if (ids.length < 3) continue;
      const f = funnelFor(ids);
      if (f < 0 || f === overall || g.roots.includes(f) || diff.pairs[f]!.inferred) continue;
      funnels.push(make(f, [i], "cause"));
      if (funnels.length >= 10) break;
    }
  }

  const pairLine = (id: number): PairLines => {
    const p = diff.pairs[id]!;
    return { name: p.name, firstLine: p.firstLine, lines: lineCount(id), depth: p.depth };
  };

  const root = diff.roots.length > 0 ? diff.pairs[diff.roots[0]!]! : null;
  const notes: string[] = [];
  const n = (k: number, one: string, many: string): string => `${thousands(k)} ${k === 1 ? one : many}`;
  if (counts.skippedEnvironments > 0) {
    notes.push(`nix-diff skipped ${n(counts.skippedEnvironments, "environment comparison", "environment comparisons")}; \`nix-diff --environment\` shows changes hidden there.`);
  }
  for (const names of found.namesDifferAtTop.slice(0, 3)) {
    notes.push(`nix-diff did not look inside \`${names}\`: it stops at two derivations whose names differ, so what changed in them is not shown (\`nix-diff\` 1.0.3 or later compares the two derivations it is given even when their names differ).`);
  }
  if (diff.stats.wording === "<1.0.11" && counts.skippedEnvironments === 0) {
    // Early versions printed no "Skipping environment comparison": the skip is silent.
    const silent = diff.pairs.filter((p) => !p.inferred && p.children.length > 0 && p.envShownLine === null).length;
    if (silent > 0) {
      notes.push(
        `This output is in nix-diff's wording from before 1.0.11 and prints no "Skipping environment comparison": nix-diff before 1.0.8 skipped it without a word whenever it descended into an input, and ` +
          `${n(silent, "pair here had its environments", "pairs here had their environments")} skipped silently; a current nix-diff with \`--environment\` shows them.`,
      );
    }
  }
  // The note above says it for a stop at column 0; this one is for the inputs below.
  if (causes.filter((c) => c.notDescended).length > found.namesDifferAtTop.length) notes.push("nix-diff does not look inside an input whose name changed, so changes within bumped packages are not shown.");
  if (hiddenInputs > 0) notes.push(`${n(hiddenInputs, "group", "groups")} of same-named inputs differ without nix-diff saying how.`);
  if (diff.storeDir.length !== "/nix/store".length && diff.pairs.some((p) => !p.inferred)) {
    const extra = diff.storeDir.length - "/nix/store".length;
    notes.push(
      `The store is ${diff.storeDir}, not /nix/store: nix-diff takes a name as the path minus its first 44 characters (its issue #100), so the names it prints ` +
        (extra > 0
          ? `start with the last ${extra - 1} characters of the hash and a dash; drvsquash cut them off, and an input that kept its name but changed shows in the name lists, because nix-diff never compared it.`
          : `lack their first ${-extra} characters, which drvsquash cannot recover (pair names come from their paths).`) +
        " `drvsquash OLD.drv NEW.drv` reads the derivations themselves.",
    );
  }
  if (diff.stats.truncated) notes.push(`The input is incomplete: ${diff.stats.truncatedReason ?? "it ends inside a pair"}.`);
  if (counts.sectionsNotJudged > 0) {
    notes.push(`${n(counts.sectionsNotJudged, "section", "sections")} cut off by the end of the input ${counts.sectionsNotJudged === 1 ? "was" : "were"} not judged: what was read of ${counts.sectionsNotJudged === 1 ? "it" : "them"} may be only a part.`);
  }
  if (diff.stats.fragment) notes.push("The input is a fragment: it does not start at the top-level pair.");
  if (g.unresolved > 0) notes.push(`${n(g.unresolved, '"already compared" mention refers', '"already compared" mentions refer')} to pairs not in the input.`);
  if (g.ambiguousMentions > 0) {
    notes.push(`${n(g.ambiguousMentions, '"already compared" mention matches', '"already compared" mentions match')} several earlier pairs of that name (linked to each, up to the nearest ${MAX_LINKS}).`);
  }
  if (diff.stats.unrecognized > 0) {
    // Prose around a pasted output is set aside; lines inside it that nix-diff would not print are a surprise.
    const around = diff.stats.nixDiffLines < diff.stats.lines;
    notes.push(
      `${n(diff.stats.unrecognized, "input line was", "input lines were")} not recognised${around ? " as nix-diff output and set aside" : ""} (\`--show-unrecognized\` lists them).`,
    );
  }
  if (reached.estimated) {
    notes.push(`${n(causes.length, "cause", "causes")} over ${n(g.keys, "pair", "pairs")} are too many to count exactly: the pairs each cause explains are estimates (about ±13 %).`);
  }
  if (causes.some((c) => c.viaCut)) notes.push(`Where more than ${MAX_VIA} of the top's direct inputs lead to a cause, \`via\` lists the first ${MAX_VIA}.`);
  if (diff.stats.documents > 1) notes.push(`The input holds ${diff.stats.documents} separate nix-diff outputs or fragments, analysed as separate comparisons (an "already compared" mention refers only to its own); the same change in several is one cause.`);
  if (diff.stats.valuesCut > 0) {
    // Kept in part, judged whole (longValue.ts); only a line the reader itself cut leaves a value unjudged.
    notes.push(`${n(diff.stats.valuesCut, "very long value was", "very long values were")} kept in part (64 KiB per value, 1 MiB per line) and compared whole wherever its lines were read whole.`);
  }
  if (counts.valuesNotJudged > 0) {
    const why =
      diff.stats.cutWidth !== null
        ? `the paste cut ${counts.valuesNotJudged === 1 ? "its lines" : "their lines"} at ${diff.stats.cutWidth} characters`
        : `too long to keep, ${counts.valuesNotJudged === 1 ? "it" : "they"} could not be compared whole (a line cut by the reader, or text that reads more than one way)`;
    notes.push(`${n(counts.valuesNotJudged, "environment value was", "environment values were")} not judged: ${why}.`);
  }
  if ((found.pathOnlyNotListed ?? 0) > 0) {
    const k = found.pathOnlyNotListed!;
    notes.push(
      `${n(k, "environment value that differs", "environment values that differ")} only in store paths ${k === 1 ? "was" : "were"} not kept (past the first 16 MiB of such values), so derivations whose paths changed only there may be missing from what changed outside the input, and the pairs holding them are not called unexplained.`,
    );
  }
  for (const note of diff.readingNotes ?? []) notes.push(note);
  if (diff.stats.invalidUtf8 > 0) notes.push(`${n(diff.stats.invalidUtf8, "line holds", "lines hold")} bytes that are not UTF-8 (shown as U+FFFD).`);

  const report: Report = {
    tool: { name: "drvsquash", version: options.version },
    input: { ...diff.stats, source: options.source },
    top: root ? { name: root.name, old: diff.paths.text(root.oldPath), new: diff.paths.text(root.newPath) } : null,
    summary: {
      pairs: g.keys - g.inferredKey.reduce((n, x) => n + x, 0),
      pairsPrinted: diff.pairs.reduce((k, p) => k + (p.inferred ? 0 : 1), 0),
      alreadyComparedMentions: g.mentions,
      ambiguousMentions: g.ambiguousMentions,
      unresolvedMentions: g.unresolved,
      ...counts,
    },
    causes,
    funnels,
    heaviest: heaviestSubtrees(diff, lineCount, pairLine),
    pairLines: [], // set below, built only if read
    ambiguities: g.ambiguities,
    frontier,
    notes,
  };
  setPairLines(report, { count: diff.pairs.length, at: pairLine });
  return { report, graph: g, causePairs };
}

function placeCause(d: CauseDraft, g: PairGraph, names: (ids: number[]) => string[], affects: number, via: string[], viaCut: boolean): Cause {
  // `drv` is the pair that shows it nearest the top, and `path` leads there.
  let best: number[] | null = null;
  for (const id of d.pairIds) {
    const p = pathTo(g, id);
    if (!best || p.length < best.length) best = p;
  }
  const { pairIds, ...rest } = d;
  const path = names(best ?? pairIds.slice(0, 1));
  return { ...rest, drv: path[path.length - 1] ?? d.drv, path, via, ...(viaCut ? { viaCut } : {}), affects };
}

/** The deepest pair holding most of the text, then the largest subtrees under the top. */
function heaviestSubtrees(diff: ParsedDiff, lineCount: (id: number) => number, entry: (id: number) => PairLines): PairLines[] {
  const out: PairLines[] = [];
  const total = diff.stats.nixDiffLines;
  for (const r of diff.roots) {
    let v = r;
    for (;;) {
      const kids = diff.pairs[v]!.children;
      let best = -1;
      for (const c of kids) if (best < 0 || lineCount(c) > lineCount(best)) best = c;
      if (best < 0 || lineCount(best) * 2 < total) break;
      v = best;
    }
    if (v !== r) out.push(entry(v));
    const kids = [...diff.pairs[r]!.children].sort((a, b) => lineCount(b) - lineCount(a)).slice(0, 3);
    for (const k of kids) if (k !== v) out.push(entry(k));
  }
  return out.slice(0, 5);
}
