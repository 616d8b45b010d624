// Which pairs an "already compared" mention links to, asked one mention at a
// time: the same rule as buildGraph (graph.ts) applies when it links them, the
// nearest MAX_LINKS earlier first printings of a distinct pair of that name in
// the mention's own document,
// without building every mention's list at once.

import type { ParsedDiff } from "../model.js";
import { documentStart } from "./documents.js";
import { MAX_LINKS, printedBefore, type PairGraph } from "./graph.js";

export function mentionCandidates(diff: ParsedDiff, g: PairGraph): (name: string, line: number) => number[] {
  const byName = new Map<string, number[]>();
  const seenKey = new Uint8Array(g.keys);
  for (const p of diff.pairs) {
    if (p.inferred || seenKey[g.key[p.id]!]) continue;
    seenKey[g.key[p.id]!] = 1;
    const list = byName.get(p.name);
    if (list) list.push(p.id);
    else byName.set(p.name, [p.id]);
  }
  const docStart = documentStart(diff);
  const before = (all: number[], line: number): number => printedBefore(all, line, diff);
  return (name, line) => {
    const all = byName.get(name);
    if (!all) return [];
    const count = before(all, line);
    return all.slice(Math.max(before(all, docStart(line)), count - MAX_LINKS), count);
  };
}
