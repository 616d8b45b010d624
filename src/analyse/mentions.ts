// Which pairs an "already compared" mention links to, asked one mention at a
// time: the same rule as buildGraph (graph.ts) applies when it links them, the
// nearest MAX_LINKS earlier first printings of a distinct pair of that name in
// the mention's own document,
// without building every mention's list at once.

import type { ParsedDiff } from "../model.js";
import { documentStart } from "./documents.js";
import { firstPrintingsByName, MAX_LINKS, printedBefore, type PairGraph } from "./graph.js";

export function mentionCandidates(diff: ParsedDiff, g: PairGraph): (name: string, line: number) => number[] {
  // The graph's own lists of first printings by name id (see buildGraph).
  const byName = firstPrintingsByName(diff, g.key, g.keys);
  const idOf = new Map<string, number>();
  diff.names.forEach((name, i) => idOf.set(name, i));
  const docStart = documentStart(diff);
  return (name, line) => {
    const id = idOf.get(name);
    if (id === undefined) return [];
    const lo = byName.start[id]!;
    const hi = byName.start[id + 1]!;
    const count = printedBefore(byName.firstLine, line, lo, hi);
    const first = Math.max(printedBefore(byName.firstLine, docStart(line), lo, hi), count - MAX_LINKS);
    return Array.from(byName.ids.subarray(lo + first, lo + count));
  };
}
