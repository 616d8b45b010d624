// `--why NAME`: why does this derivation differ? From each printed pair of
// that name (or package name), the shortest chain down to every cause it has
// below it, through "already compared" links too.

import type { ParsedDiff } from "../model.js";
import type { FrontierEntry } from "../report.js";
import type { Analysis } from "./index.js";
import { parseDrvName } from "../values/names.js";
import { below, pathTo } from "./graph.js";

export interface WhyChain {
  /** Index into report.causes. */
  cause: number;
  /** Pair names from the asked-about derivation down to where the cause is seen. */
  steps: string[];
  /** First input line of each step. */
  lines: number[];
}

export interface WhyMatch {
  name: string;
  line: number;
  /** How the top reaches it. */
  fromTop: string[];
  chains: WhyChain[];
}

export interface WhyResult {
  query: string;
  matches: WhyMatch[];
  /** Causes that are themselves about the name (a version bump of it, a change seen in it). */
  ownCauses: number[];
  /** Derivations of that name that changed outside a pasted fragment (report.frontier). */
  frontier: FrontierEntry[];
  /** When nothing matches: the names in the input nearest to the query, nearest first. */
  nearest: string[];
}

/** Nothing in the input is about the name: no pair, no cause, no frontier entry. */
export function whyFoundNothing(w: WhyResult): boolean {
  return w.matches.length === 0 && w.ownCauses.length === 0 && w.frontier.length === 0;
}

export function explainWhy(a: Analysis, diff: ParsedDiff, query: string): WhyResult {
  const q = query.trim();
  const matchesName = (name: string): boolean => name === q || parseDrvName(name).pname === q;
  const seenKeys = new Set<number>();
  const matches: WhyMatch[] = [];
  for (const p of diff.pairs) {
    if (p.inferred || !matchesName(p.name)) continue;
    const key = a.graph.key[p.id]!;
    if (seenKeys.has(key)) continue;
    seenKeys.add(key);
    matches.push({
      name: p.name,
      line: p.firstLine,
      fromTop: pathTo(a.graph, p.id).map((id) => diff.pairs[id]!.name),
      chains: chainsFrom(a, diff, p.id),
    });
  }
  const ownCauses: number[] = [];
  a.report.causes.forEach((c, i) => {
    // The cause's subject: the package a version/rename is about, the input added/removed, else the pair it is seen in.
    const subject =
      c.kind === "version" ? c.name === q || `${c.name}-${c.from}` === q || `${c.name}-${c.to}` === q
      : c.kind === "renamed" ? matchesName(c.from ?? "") || matchesName(c.to ?? "")
      : c.input !== undefined ? matchesName(c.input)
      : matchesName(c.drv);
    if (subject) ownCauses.push(i);
  });
  const frontier = a.report.frontier.filter((f) => matchesName(f.name));
  const found = matches.length > 0 || ownCauses.length > 0 || frontier.length > 0;
  return { query: q, matches, ownCauses, frontier, nearest: found ? [] : nearestNames(a, diff, q) };
}

const NEAREST = 5;
/** Names longer than this are compared by their start only: the distance is for typos, not for essays. */
const COMPARED_CHARS = 64;

/** The names a person may have meant: same package name in another case, a name containing it, then the fewest edits. */
function nearestNames(a: Analysis, diff: ParsedDiff, q: string): string[] {
  const names = new Set<string>();
  for (const p of diff.pairs) if (!p.inferred) names.add(p.name);
  for (const f of a.report.frontier) names.add(f.name);
  for (const c of a.report.causes) if (c.kind === "version" && c.name) names.add(c.name);
  const ql = q.toLowerCase().slice(0, COMPARED_CHARS);
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    const pname = parseDrvName(name).pname.toLowerCase();
    const nl = name.toLowerCase();
    const score =
      pname === ql ? 0
      : nl.includes(ql) || ql.includes(pname) ? 1 + Math.abs(pname.length - ql.length) / 1000
      : 2 + editDistance(pname.slice(0, COMPARED_CHARS), ql);
    if (score < 2 + Math.max(2, ql.length / 3)) scored.push({ name, score });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, NEAREST).map((s) => s.name);
}

/** Levenshtein distance of two short strings (both at most COMPARED_CHARS long). */
function editDistance(x: string, y: string): number {
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

function chainsFrom(a: Analysis, diff: ParsedDiff, start: number): WhyChain[] {
  // Breadth first from `start`, then for each cause the nearest pair that shows it.
  const n = a.graph.size;
  const pred = new Int32Array(n).fill(-2);
  pred[start] = -1;
  const queue = [start];
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h]!;
    for (const w of below(a.graph, v)) {
      if (pred[w] === -2) {
        pred[w] = v;
        queue.push(w);
      }
    }
  }
  const order = new Int32Array(n).fill(-1);
  queue.forEach((v, i) => (order[v] = i));
  const chains: WhyChain[] = [];
  a.causePairs.forEach((ids, cause) => {
    let best = -1;
    for (const id of ids) if (order[id]! >= 0 && (best < 0 || order[id]! < order[best]!)) best = id;
    if (best < 0) return;
    const steps: number[] = [];
    for (let v = best; v >= 0; v = pred[v]!) steps.push(v);
    steps.reverse();
    chains.push({ cause, steps: steps.map((id) => diff.pairs[id]!.name), lines: steps.map((id) => diff.pairs[id]!.firstLine) });
  });
  return chains;
}
