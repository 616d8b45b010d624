// Tree → report: causes (causes.ts), then where each one sits in the graph of
// differing pairs (graph.ts): how many pairs it explains, how it reaches the
// top, and which pairs every path to it must pass through.

import type { ParsedDiff } from "../model.js";
import type { Cause, CauseKind, Funnel, PairLines, Report } from "../report.js";
import { findCauses, type CauseDraft } from "./causes.js";
import { buildGraph, commonDominator, dominators, MAX_LINKS, pathTo, type PairGraph } from "./graph.js";
import { MAX_VIA, reach } from "./reach.js";

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

export function analyseDiff(diff: ParsedDiff, options: AnalyseOptions): Analysis {
  const { causes: drafts, counts, hiddenInputs } = findCauses(diff);
  const g = buildGraph(diff);
  const names = (ids: number[]): string[] => ids.map((id) => diff.pairs[id]!.name);
  const lineCount = (id: number): number => {
    const p = diff.pairs[id]!;
    return p.lastLine - p.firstLine + 1;
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
    const totalLines = Math.max(1, diff.stats.lines);
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

  const pairLines: PairLines[] = diff.pairs.map((p) => ({ name: p.name, firstLine: p.firstLine, lines: lineCount(p.id), depth: p.depth }));

  const root = diff.roots.length > 0 ? diff.pairs[diff.roots[0]!]! : null;
  const notes: string[] = [];
  const n = (k: number, one: string, many: string): string => `${k.toLocaleString("en-US")} ${k === 1 ? one : many}`;
  if (counts.skippedEnvironments > 0) {
    notes.push(`nix-diff skipped ${n(counts.skippedEnvironments, "environment comparison", "environment comparisons")}; \`nix-diff --environment\` shows changes hidden there.`);
  }
  if (causes.some((c) => c.notDescended)) notes.push("nix-diff does not look inside an input whose name changed, so changes within bumped packages are not shown.");
  if (hiddenInputs > 0) notes.push(`${n(hiddenInputs, "group", "groups")} of same-named inputs differ without nix-diff saying how.`);
  if (diff.stats.truncated) notes.push(`The input is incomplete: ${diff.stats.truncatedReason ?? "it ends inside a pair"}.`);
  if (diff.stats.fragment) notes.push("The input is a fragment: it does not start at the top-level pair.");
  if (g.unresolved > 0) notes.push(`${n(g.unresolved, '"already compared" mention refers', '"already compared" mentions refer')} to pairs not in the input.`);
  if (g.ambiguousMentions > 0) {
    notes.push(`${n(g.ambiguousMentions, '"already compared" mention matches', '"already compared" mentions match')} several earlier pairs of that name (linked to each, up to the nearest ${MAX_LINKS}).`);
  }
  if (diff.stats.unrecognized > 0) notes.push(`${n(diff.stats.unrecognized, "input line was", "input lines were")} not recognised (\`--show-unrecognized\` lists them).`);
  if (reached.estimated) {
    notes.push(`${n(causes.length, "cause", "causes")} over ${n(g.keys, "pair", "pairs")} are too many to count exactly: the pairs each cause explains are estimates (about ±13 %).`);
  }
  if (causes.some((c) => c.viaCut)) notes.push(`Where more than ${MAX_VIA} of the top's direct inputs lead to a cause, \`via\` lists the first ${MAX_VIA}.`);
  if (diff.stats.documents > 1) notes.push(`The input holds ${diff.stats.documents} separate nix-diff outputs or fragments, analysed as separate comparisons (an "already compared" mention refers only to its own); the same change in several is one cause.`);
  if (diff.stats.valuesCut > 0) notes.push(`${n(diff.stats.valuesCut, "very long value was", "very long values were")} cut (64 KiB per value, 1 MiB per line).`);
  if (counts.valuesNotJudged > 0) {
    notes.push(`${n(counts.valuesNotJudged, "environment value was", "environment values were")} not judged: the paste cut ${counts.valuesNotJudged === 1 ? "its lines" : "their lines"} at ${diff.stats.cutWidth} characters.`);
  }
  if (diff.stats.invalidUtf8 > 0) notes.push(`${n(diff.stats.invalidUtf8, "line holds", "lines hold")} bytes that are not UTF-8 (shown as U+FFFD).`);

  const report: Report = {
    tool: { name: "drvsquash", version: options.version },
    input: { ...diff.stats, source: options.source },
    top: root ? { name: root.name, old: root.oldPath, new: root.newPath } : null,
    summary: {
      pairs: g.keys,
      pairsPrinted: diff.pairs.length,
      alreadyComparedMentions: g.mentions,
      ambiguousMentions: g.ambiguousMentions,
      unresolvedMentions: g.unresolved,
      ...counts,
    },
    causes,
    funnels,
    heaviest: heaviestSubtrees(diff, lineCount),
    pairLines,
    ambiguities: g.ambiguities,
    notes,
  };
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
function heaviestSubtrees(diff: ParsedDiff, lineCount: (id: number) => number): PairLines[] {
  const out: PairLines[] = [];
  const total = diff.stats.lines;
  const entry = (id: number): PairLines => {
    const p = diff.pairs[id]!;
    return { name: p.name, firstLine: p.firstLine, lines: lineCount(id), depth: p.depth };
  };
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
