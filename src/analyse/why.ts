// `--why NAME`: why does this derivation differ? From each printed pair of
// that name (or package name), the shortest chain down to every cause it has
// below it, through "already compared" links too.

import type { ParsedDiff } from "../model.js";
import type { Analysis } from "./index.js";
import { parseDrvName } from "./names.js";
import { pathTo } from "./graph.js";

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
  return { query: q, matches, ownCauses };
}

function chainsFrom(a: Analysis, diff: ParsedDiff, start: number): WhyChain[] {
  // Breadth first from `start`, then for each cause the nearest pair that shows it.
  const n = a.graph.out.length;
  const pred = new Int32Array(n).fill(-2);
  pred[start] = -1;
  const queue = [start];
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h]!;
    for (const w of a.graph.out[v]!) {
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
