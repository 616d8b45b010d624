// The graph keeps an ambiguous mention's candidates as one shared vertex (a
// hub: mentioning pairs → hub → candidates) instead of an edge from every
// mention to every candidate. Everything the analysis reads off the graph
// must be what the plain graph gives: here each is compared with the same
// function run on a reference graph built the plain way, from
// mentionCandidates (mentions.ts, the same linking rule written apart), with
// no hubs, over generated system rebuilds and hostile shapes (cycles through
// the top, a pair among its own mention's candidates, several documents, a
// fragment with inferred pairs).

import { describe, expect, it } from "vitest";
import { parseText } from "../src/parse/parser.js";
import { refsOf, type ParsedDiff } from "../src/model.js";
import { ancestors, below, above, buildGraph, components, dominators, MAX_LINKS, type PairGraph } from "../src/analyse/graph.js";
import { mentionCandidates } from "../src/analyse/mentions.js";
import { reach } from "../src/analyse/reach.js";
import { findCauses } from "../src/analyse/causes.js";
import { generate } from "../bench/generate.mjs";
import { backMentions, manyCauses, paths, sharedName } from "./generators.js";
import { graphOf } from "./graphKit.js";

/** The graph as it was before hubs: every mention linked to each of its candidates. */
function plainGraph(diff: ParsedDiff, g: PairGraph): PairGraph {
  const n = diff.pairs.length;
  const candidates = mentionCandidates(diff, g);
  const out: number[][] = diff.pairs.map((p) => {
    const list = [...p.children, ...(p.links ?? [])].filter((c) => c !== p.id);
    for (const ref of refsOf(diff, p)) for (const c of candidates(ref.name, ref.line)) if (c !== p.id) list.push(c);
    return list;
  });
  // Breadth first from the roots, as buildGraph did before hubs.
  const pred = new Int32Array(n).fill(-2);
  const queue: number[] = [];
  for (const r of diff.roots) if (pred[r] === -2) (pred[r] = -1), queue.push(r);
  for (let h = 0; h < queue.length; h++) for (const w of out[queue[h]!]!) if (pred[w] === -2) (pred[w] = queue[h]!), queue.push(w);
  const { outStart, outList, inStart, inList, pairEdges } = graphOf(n, out);
  return { ...g, vertices: n, outStart, outList, inStart, inList, pairEdges, pred };
}

/** A pair named `x` (pair 3) whose own "already compared" list mentions `x`, with two earlier `x` (pairs 1, 2) printed: it is among its own candidates. */
function selfMention(): string {
  // Pair 4 (`y`) mentions `x` four times: with pair 3's, five uses of the run {1, 2, 3},
  // enough for a hub (graph.ts: 5 × 2 edges ≥ 5 + 3 + 2).
  const env = (k: string): string => `  • The environments do not match:\n      ${k}=←a←→b→\n`;
  return (
    paths(0, "top") +
    "• The input derivation named `x` differs\n" + paths(1, "x", 2) + env("one") +
    "• The input derivation named `x` differs\n" + paths(2, "x", 2) + env("two") +
    "• The input derivation named `x` differs\n" + paths(3, "x", 2) +
    "  • Input derivations differ but have already been compared\n      x\n" + env("three") +
    "• The input derivation named `y` differs\n" + paths(4, "y", 2) +
    "  • Input derivations differ but have already been compared\n      x\n      x\n      x\n      x\n" + env("four")
  );
}

/** `k` pairs named `x`, each mentioning `x`: every candidate run is another one, used once, so edges are cheaper than a hub. */
function eachOwnRun(k: number): string {
  let out = paths(0, "top");
  for (let i = 1; i <= k; i++) {
    out += "• The input derivation named `x` differs\n" + paths(i, "x", 2);
    out += "  • Input derivations differ but have already been compared\n      x\n";
    out += `  • The environments do not match:\n      k=←a${i}←→b${i}→\n`;
  }
  return out;
}

/** What, its text, and whether it has hubs (ambiguous mentions sharing their candidates). */
const cases: [string, () => string, boolean][] = [
  ["a generated system rebuild", () => generate({ lines: 6000, seed: 3 }), true],
  ["another seed", () => generate({ lines: 4000, seed: 8 }), true],
  ["nix-diff 1.0.20's single mentions", () => generate({ lines: 4000, seed: 5, legacy: true }), true],
  ["two documents one after the other", () => generate({ lines: 2000, seed: 4 }) + generate({ lines: 2000, seed: 6 }), true],
  ["a fragment starting deep in the tree (inferred pairs)", () => generate({ lines: 4000, seed: 2 }).split("\n").slice(23).join("\n"), true],
  ["inputs that each mention the top (cycles through it)", () => backMentions(60), false],
  ["one name shared by 40 pairs, mentioned 40 times", () => sharedName(40), true],
  ["many causes, each mentioning earlier ones", () => manyCauses(150, 5), false],
  ["a pair among its own mention's candidates", selfMention, true],
  ["40 pairs of one name, each mentioning it: runs used once are edges, not hubs", () => eachOwnRun(40), false],
];

describe("hubs keep every path between pairs", () => {
  for (const [what, make, hubs] of cases) {
    it(what, () => {
      const diff = parseText(make());
      const g = buildGraph(diff);
      const ref = plainGraph(diff, g);
      const n = diff.pairs.length;
      expect(n).toBeGreaterThan(3);
      expect(g.vertices > n).toBe(hubs);
      if (what.includes("two documents")) expect(diff.roots).toHaveLength(2);
      if (what.includes("fragment")) expect(diff.pairs.some((p) => p.inferred)).toBe(true);
      if (what.includes("own mention")) {
        // x (3) mentions x, and y (4) mentions x four times: one hub {1, 2, 3}, with 3 left out below itself.
        expect(g.vertices).toBe(n + 1);
        expect(below(g, 3)).toEqual([1, 2]);
        expect(below(g, 4)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
      }
      // The same pairs directly below and above each pair, below in the same order.
      for (let v = 0; v < n; v++) {
        expect(below(g, v), `below ${v}`).toEqual(below(ref, v));
        expect(above(g, v).sort((a, b) => a - b), `above ${v}`).toEqual(above(ref, v).sort((a, b) => a - b));
      }
      // Never bigger than the plain graph in what a walk costs (a vertex counted twice, as
      // the exact reach does), and the plain graph's size known without building it.
      expect(2 * g.vertices + g.outList.length).toBeLessThanOrEqual(2 * n + ref.outList.length);
      expect(g.pairEdges).toBe(ref.outList.length);
      // Shortest paths: the same predecessor for every pair (ties broken the same way).
      expect([...g.pred]).toEqual([...ref.pred]);
      expect([...dominators(g)]).toEqual([...dominators(ref)]);
      // The same pairs in one component.
      const sameComponent = (graph: PairGraph): string[] => {
        const { comp } = components(graph);
        const byComp = new Map<number, number[]>();
        for (let v = 0; v < n; v++) byComp.set(comp[v]!, [...(byComp.get(comp[v]!) ?? []), v]);
        return [...byComp.values()].map((vs) => vs.join(",")).sort();
      };
      expect(sameComponent(g)).toEqual(sameComponent(ref));
      const causes = findCauses(diff).causes.map((c) => c.pairIds);
      expect(causes.length).toBeGreaterThan(0);
      for (const budget of [undefined, 1]) {
        const got = reach(g, causes, budget);
        const want = reach(ref, causes, budget);
        expect(got.estimated).toBe(want.estimated);
        expect(got.affects).toEqual(want.affects);
        expect(got.via).toEqual(want.via);
        expect(got.viaCut).toEqual(want.viaCut);
      }
      // The estimate itself (ranks per pair, hubs count for nothing), forced: more causes
      // than its rounds × 32 (reach.ts), past a budget of 1.
      const many = Array.from({ length: 2100 }, (_, i) => [i % n]);
      const est = reach(g, many, 1);
      const estRef = reach(ref, many, 1);
      expect(est.estimated && estRef.estimated).toBe(true);
      expect(est.affects).toEqual(estRef.affects);
      expect(est.via).toEqual(estRef.via);
      expect(est.viaCut).toEqual(estRef.viaCut);
      // Exact or estimated is decided on the plain graph's size: the same on both at the
      // budget where the plain graph's exact count just fits, and just does not.
      const rootKids = new Set(diff.roots.flatMap((r) => below(ref, r))).size;
      const plainCost = (2 * n + ref.outList.length + rootKids) * Math.ceil(many.length / 32);
      for (const budget of [plainCost, plainCost - 1]) {
        expect(reach(g, many, budget).estimated, `budget ${budget}`).toBe(budget < plainCost);
        expect(reach(ref, many, budget).estimated, `budget ${budget}`).toBe(budget < plainCost);
      }
      const targets = causes.flat();
      expect([...ancestors(g, targets)]).toEqual([...ancestors(ref, targets)]);
    });
  }
});

describe("hubs make edges linear in mentions", () => {
  it("400 users each mentioning a name 40 pairs share: one edge per mention plus one hub's candidates, not 16 per mention", () => {
    let text = paths(0, "top");
    for (let i = 1; i <= 40; i++) text += "• The input derivation named `source` differs\n" + paths(i, "source", 2) + `  • The environments do not match:\n      src=←a${i}←→b${i}→\n`;
    for (let u = 0; u < 400; u++) {
      text += `• The input derivation named \`user${u}\` differs\n` + paths(100 + u, `user${u}`, 2);
      text += "  • Input derivations differ but have already been compared\n      source\n" + `  • The environments do not match:\n      u=←${u}←→${u}x→\n`;
    }
    const diff = parseText(text);
    const g = buildGraph(diff);
    expect(g.ambiguousMentions).toBe(400);
    // The top's 440 inputs, 400 mentions, and one hub of the 16 nearest `source` pairs.
    expect(g.outList.length).toBe(440 + 400 + MAX_LINKS);
    expect(g.vertices).toBe(diff.pairs.length + 1);
    expect(plainGraph(diff, g).outList.length).toBe(440 + 400 * MAX_LINKS);
  });
});

describe("dominators through a hub", () => {
  it("a pair reached only through a hub is dominated by the pair above the hub, never by the hub", () => {
    // Pairs 0-4 and hub 5: 0 → 1, 0 → 2; 1 and 2 both → hub 5 → 3; 3 → 4.
    // In text a pair always has a tree path up to a root, so no hub ever dominates one there;
    // the walk does not rely on it.
    const hubbed = graphOf(5, [[1, 2], [5], [5], [4], [], [3]]);
    const plain = graphOf(5, [[1, 2], [3], [3], [4], []]);
    const idom = dominators(hubbed);
    expect(idom).toHaveLength(5);
    expect([...idom]).toEqual([...dominators(plain)]);
    expect(idom[3]).toBe(0);
    expect(idom[4]).toBe(3);
  });
});
