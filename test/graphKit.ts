// A PairGraph written by hand for the graph tests: out-lists over `out.length`
// vertices, the first `size` of them pairs (the rest hubs), in-lists and the
// plain graph's size (pairEdges) derived, every other field empty.

import { below, type PairGraph } from "../src/analyse/graph.js";

export function graphOf(size: number, out: number[][]): PairGraph {
  const vertices = out.length;
  const inn: number[][] = Array.from({ length: vertices }, () => []);
  out.forEach((list, v) => list.forEach((w) => inn[w]!.push(v)));
  const compress = (lists: number[][]): { start: Int32Array; list: Int32Array } => {
    const start = new Int32Array(vertices + 1);
    lists.forEach((l, v) => (start[v + 1] = start[v]! + l.length));
    return { start, list: Int32Array.from(lists.flat()) };
  };
  const o = compress(out);
  const i = compress(inn);
  const key = new Int32Array(size).map((_, k) => k);
  const g: PairGraph = { size, vertices, outStart: o.start, outList: o.list, inStart: i.start, inList: i.list, pairEdges: 0, key, keys: size, inferredKey: new Uint8Array(size), ambiguities: [], ambiguousMentions: 0, mentions: 0, unresolved: 0, unresolvedRefs: [], pred: new Int32Array(size), roots: [0] };
  for (let v = 0; v < size; v++) g.pairEdges += below(g, v).length;
  return g;
}
