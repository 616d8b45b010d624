// Which pairs an "already compared" mention links to, asked one mention at a
// time: the same rule as buildGraph (graph.ts) applies when it links them, the
// nearest MAX_LINKS earlier first printings of a distinct pair of that name,
// without building every mention's list at once.

import type { ParsedDiff } from "../model.js";
import { MAX_LINKS, type PairGraph } from "./graph.js";

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
  return (name, line) => {
    const all = byName.get(name);
    if (!all) return [];
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (diff.pairs[all[mid]!]!.firstLine < line) lo = mid + 1;
      else hi = mid;
    }
    return all.slice(Math.max(0, lo - MAX_LINKS), lo);
  };
}
