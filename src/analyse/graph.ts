// The graph of differing pairs: tree edges from nix-diff's nesting plus
// "already compared" mentions linked back to the pair of that name printed
// earlier (nix-diff never repeats the paths, so a name is all we have; when
// several earlier pairs carry the name, the mention links to each and the
// ambiguity is reported). On it: reach, shortest paths and dominators.
//
// A system rebuild mentions a shared name (`source`, `hook`) hundreds of
// thousands of times, each mention linking to the same nearest candidates.
// Such a candidate set is one vertex of its own (a hub: mentioning pairs →
// hub → candidates), which keeps every path between pairs, so reach,
// dominators and components read the same for pairs, with edges linear in
// mentions + candidates rather than mentions × candidates. A set is a hub
// only where that is no bigger than its edges to each candidate, so the graph
// is never bigger than the plain one, and what a walk costs is decided on the
// plain one's size (`pairEdges`): the report does not depend on the layout.

import type { ParsedDiff } from "../model.js";
import type { Ambiguity } from "../report.js";
import { groupBy, IntColumn } from "../columns.js";
import { documentStart } from "./documents.js";
import { NO_PATH } from "../storePaths.js";

export interface PairGraph {
  /** Number of pairs: vertices 0 … size-1 are pairs. */
  size: number;
  /** Pairs plus hubs: vertices size … vertices-1 are shared candidate sets of ambiguous mentions. */
  vertices: number;
  /**
   * Forward edges, compressed: below vertex v (children, then linked
   * mentions, a hub where a mention has several candidates; a hub's are its
   * candidates) are outList[outStart[v]] … outList[outStart[v + 1] - 1].
   * `below` gives a pair's pairs with hubs opened.
   */
  outStart: Int32Array;
  outList: Int32Array;
  /** Reverse edges, the same way. */
  inStart: Int32Array;
  inList: Int32Array;
  /** Edges between pairs with hubs opened (duplicates kept, none from a pair to itself): the plain graph's size. */
  pairEdges: number;
  /**
   * Which distinct derivation pair each printed pair is (the same pair is
   * printed again per requested outputs): 0 … keys-1.
   */
  key: Int32Array;
  keys: number;
  /** 1 for the keys of pairs inferred above a fragment (not derivations of the input). */
  inferredKey: Uint8Array;
  /** The first MAX_AMBIGUITIES ambiguous mentions. */
  ambiguities: Ambiguity[];
  ambiguousMentions: number;
  mentions: number;
  unresolved: number;
  /** The mentions with no earlier pair of that name in the input: pair id, name and line of each. */
  unresolvedRefs: { pair: number; name: string; line: number }[];
  /** Per pair, its shortest-path predecessor pair from a root, -1 for roots, -2 when unreachable. */
  pred: Int32Array;
  roots: number[];
}

/** Links kept per ambiguous mention (to the nearest earlier pairs of that name). */
export const MAX_LINKS = 16;
/** Ambiguous mentions listed in the report (all are counted). */
const MAX_AMBIGUITIES = 1000;

/** How many of firstLines[from … to-1] (sorted) are before `line`, counted from `from`. */
export function printedBefore(firstLines: ArrayLike<number>, line: number, from = 0, to = firstLines.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (firstLines[mid]! < line) lo = mid + 1;
    else hi = mid;
  }
  return lo - from;
}

/** The pairs directly below pair v, in edge order, hubs opened (v itself left out, as no pair is below itself). */
export function below(g: PairGraph, v: number): number[] {
  return opened(g.outStart, g.outList, g.size, v);
}

/** The pairs directly above pair v, hubs opened (v itself left out). */
export function above(g: PairGraph, v: number): number[] {
  return opened(g.inStart, g.inList, g.size, v);
}

function opened(start: Int32Array, list: Int32Array, pairs: number, v: number): number[] {
  const out: number[] = [];
  for (let e = start[v]!; e < start[v + 1]!; e++) {
    const w = list[e]!;
    if (w < pairs) out.push(w);
    else for (let f = start[w]!; f < start[w + 1]!; f++) if (list[f] !== v) out.push(list[f]!);
  }
  return out;
}

export function buildGraph(diff: ParsedDiff): PairGraph {
  const n = diff.pairs.length;
  const { key, keys } = pairKeys(diff);
  const { mentions } = diff;
  // Per mentioned name, the first printing of each distinct pair of that name, in input order.
  const byName = firstPrintingsByName(diff, key, keys);

  const docStart = documentStart(diff);
  const ambiguities: Ambiguity[] = [];
  let ambiguousMentions = 0;
  let unresolved = 0;
  const unresolvedRefs: PairGraph["unresolvedRefs"] = [];
  // Each mention's target: its one candidate (a pair id), or n + its candidate run
  // (run h's candidates are byName.ids[runFrom[h]] … byName.ids[runTo[h] - 1]);
  // -1 when it links to nothing. Found first, so that which runs are hubs is known
  // and the edge list is allocated once at its size (a grown one peaks at 3× that).
  const target = new Int32Array(mentions.name.length).fill(-1);
  const runOf = new Map<number, number>();
  const runFrom = new IntColumn();
  const runTo = new IntColumn();
  const runUses = new IntColumn();
  let edges = 0;
  for (const p of diff.pairs) {
    edges += p.children.length + (p.links?.length ?? 0);
    for (let r = mentions.start[p.id]!; r < mentions.start[p.id + 1]!; r++) {
      // Plain locals, no object per mention (hundreds of thousands on a system rebuild).
      const nameId = mentions.name[r]!;
      const line = Math.abs(mentions.line[r]!);
      const lo = byName.start[nameId]!;
      const hi = byName.start[nameId + 1]!;
      // nix-diff compared it earlier in its walk, so it was printed above this line.
      const count = printedBefore(byName.firstLine, line, lo, hi);
      // Only in its own document (see documents.ts).
      const own = printedBefore(byName.firstLine, docStart(line), lo, hi);
      if (count === own) {
        unresolved++;
        unresolvedRefs.push({ pair: p.id, name: diff.names[nameId]!, line });
        continue;
      }
      // Linked to each candidate, up to the nearest MAX_LINKS: a name shared by hundreds of
      // derivations (`source`) must not make mentions × candidates edges.
      const first = Math.max(own, count - MAX_LINKS);
      if (count - own > 1) {
        ambiguousMentions++;
        if (ambiguities.length < MAX_AMBIGUITIES) {
          const candidates: number[] = [];
          for (let i = first; i < count; i++) candidates.push(byName.firstLine[lo + i]!);
          ambiguities.push({ name: diff.names[nameId]!, line, candidates, count: count - own });
        }
      }
      if (count - first === 1) {
        target[r] = byName.ids[lo + first]!;
        edges++;
        continue;
      }
      // Candidate sets are runs of byName.ids: a run's two ends name it.
      const run = (lo + first) * (byName.ids.length + 1) + lo + count;
      let h = runOf.get(run);
      if (h === undefined) {
        h = runFrom.length;
        runOf.set(run, h);
        runFrom.push(lo + first);
        runTo.push(lo + count);
        runUses.push(0);
      }
      runUses.set(h, runUses.get(h) + 1);
      target[r] = n + h;
    }
  }
  // A run of k candidates used by m mentions is a hub when its edges, at least m × (k - 1)
  // (a mentioning pair among them has no edge to itself), are at least what the hub costs
  // a walk: m + k edges and one vertex, which the exact reach counts twice.
  const hubOfRun = new Int32Array(runFrom.length).fill(-1);
  let hubs = 0;
  for (let h = 0; h < runFrom.length; h++) {
    const k = runTo.get(h) - runFrom.get(h);
    const m = runUses.get(h);
    if (m * (k - 1) >= m + k + 2) {
      hubOfRun[h] = hubs++;
      edges += m + k;
    } else {
      edges += m * k;
    }
  }
  const runOfHub = new Int32Array(hubs);
  for (let h = 0; h < runFrom.length; h++) if (hubOfRun[h]! >= 0) runOfHub[hubOfRun[h]!] = h;
  // Where each pair is in byName.ids (-1: none), to know a pair among a hub's candidates.
  const at = new Int32Array(n).fill(-1);
  for (let i = 0; i < byName.ids.length; i++) at[byName.ids[i]!] = i;
  const vertices = n + hubs;
  // Edges grouped by source: v's children, its links, then its mentions' targets
  // (never v itself); then each hub's candidates (a mentioning pair among them too:
  // v → hub → v closes a cycle through the hub only, never a path between two pairs).
  const outStart = new Int32Array(vertices + 1);
  let out = new Int32Array(edges);
  let e = 0;
  let pairEdges = 0;
  for (const p of diff.pairs) {
    const v = p.id;
    outStart[v] = e;
    for (const c of p.children) if (c !== v) out[e++] = c;
    for (const c of p.links ?? []) if (c !== v) out[e++] = c;
    for (let r = mentions.start[v]!; r < mentions.start[v + 1]!; r++) {
      const w = target[r]!;
      if (w < n) {
        if (w >= 0 && w !== v) out[e++] = w;
        continue;
      }
      const from = runFrom.get(w - n);
      const to = runTo.get(w - n);
      const hub = hubOfRun[w - n]!;
      if (hub < 0) {
        for (let i = from; i < to; i++) if (byName.ids[i] !== v) out[e++] = byName.ids[i]!;
        continue;
      }
      out[e++] = n + hub;
      // The hub's edge stands for its candidates but v.
      pairEdges += to - from - 1 - (at[v]! >= from && at[v]! < to ? 1 : 0);
    }
    pairEdges += e - outStart[v]!;
  }
  for (let h = 0; h < hubs; h++) {
    outStart[n + h] = e;
    for (let i = runFrom.get(runOfHub[h]!); i < runTo.get(runOfHub[h]!); i++) out[e++] = byName.ids[i]!;
  }
  outStart[vertices] = e;
  if (e < edges) out = out.slice(0, e);
  const { start: inStart, list: inList } = reverse(outStart, out, vertices);

  // Shortest paths from the roots (breadth first), a hub's candidates taken as the
  // mentioning pair's own, in order: the first pair to open a hub reaches all its
  // candidates, so a hub opened once is passed over after.
  const pred = new Int32Array(n).fill(-2);
  const opened = new Uint8Array(hubs);
  const queue = new Int32Array(n);
  let tail = 0;
  for (const r of diff.roots) {
    if (pred[r] !== -2) continue;
    pred[r] = -1;
    queue[tail++] = r;
  }
  for (let head = 0; head < tail; head++) {
    const v = queue[head]!;
    for (let e = outStart[v]!; e < outStart[v + 1]!; e++) {
      const w = out[e]!;
      if (w < n) {
        if (pred[w] === -2) {
          pred[w] = v;
          queue[tail++] = w;
        }
        continue;
      }
      if (opened[w - n]) continue;
      opened[w - n] = 1;
      for (let f = outStart[w]!; f < outStart[w + 1]!; f++) {
        const x = out[f]!;
        if (pred[x] === -2) {
          pred[x] = v;
          queue[tail++] = x;
        }
      }
    }
  }
  const inferredKey = new Uint8Array(keys);
  for (const p of diff.pairs) if (p.inferred) inferredKey[key[p.id]!] = 1;
  return {
    size: n,
    vertices,
    outStart,
    outList: out,
    inStart,
    inList,
    pairEdges,
    key,
    keys,
    inferredKey,
    ambiguities,
    ambiguousMentions,
    mentions: mentions.name.length,
    unresolved,
    unresolvedRefs,
    pred,
    roots: diff.roots,
  };
}

/**
 * For each name id of diff.names, the pairs of that name that are the first
 * printing of a distinct pair, in input order: ids[start[k]] … ids[start[k+1]-1],
 * and the first line of each (firstLine[i] of ids[i], what printedBefore searches).
 */
export function firstPrintingsByName(diff: ParsedDiff, key: Int32Array, keys: number): { start: Int32Array; ids: Int32Array; firstLine: Int32Array } {
  const names = diff.names.length;
  if (names === 0) return { start: new Int32Array(1), ids: new Int32Array(0), firstLine: new Int32Array(0) };
  const { pairName } = diff.mentions;
  const seenKey = new Uint8Array(keys);
  const owner = new IntColumn();
  const member = new IntColumn();
  for (const p of diff.pairs) {
    if (p.inferred || seenKey[key[p.id]!]) continue;
    seenKey[key[p.id]!] = 1;
    const id = pairName[p.id]!;
    if (id < 0) continue; // never mentioned
    owner.push(id);
    member.push(p.id);
  }
  const { start, order } = groupBy(owner.done(), names);
  const ids = new Int32Array(order.length);
  const firstLine = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    ids[i] = member.get(order[i]!);
    firstLine[i] = diff.pairs[ids[i]!]!.firstLine;
  }
  return { start, ids, firstLine };
}

/** The reverse of a compressed edge list (sources in id order within each target). */
function reverse(outStart: Int32Array, out: Int32Array, n: number): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < out.length; e++) start[out[e]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  const list = new Int32Array(out.length);
  for (let v = 0; v < n; v++) for (let e = outStart[v]!; e < outStart[v + 1]!; e++) list[fill[out[e]!]!++] = v;
  return { start, list };
}

/**
 * Number the distinct (old path, new path) pairs from their path ids (equal
 * where the paths are). An old path nearly always comes with one new path: a
 * key per old path is kept in one array, and only an old path seen with a
 * second new path gets a Map of its own.
 */
function pairKeys(diff: ParsedDiff): { key: Int32Array; keys: number } {
  const key = new Int32Array(diff.pairs.length);
  // Path ids run from 0; slot 0 stands for "no old path" (NO_PATH is -1).
  const firstByOld = new Int32Array(diff.paths.size + 1).fill(-1);
  const newOfKey = new IntColumn();
  const moreByOld = new Map<number, Map<number, number>>();
  let keys = 0;
  for (const p of diff.pairs) {
    if (p.oldPath === NO_PATH && p.newPath === NO_PATH) {
      newOfKey.push(NO_PATH);
      key[p.id] = keys++;
      continue;
    }
    const first = firstByOld[p.oldPath + 1]!;
    if (first < 0) {
      firstByOld[p.oldPath + 1] = keys;
      newOfKey.push(p.newPath);
      key[p.id] = keys++;
    } else if (newOfKey.get(first) === p.newPath) {
      key[p.id] = first;
    } else {
      let byNew = moreByOld.get(p.oldPath);
      if (!byNew) moreByOld.set(p.oldPath, (byNew = new Map()));
      let k = byNew.get(p.newPath);
      if (k === undefined) {
        byNew.set(p.newPath, (k = keys++));
        newOfKey.push(p.newPath);
      }
      key[p.id] = k;
    }
  }
  return { key, keys };
}

/** Pair ids from a root down to `id` along the shortest path. */
export function pathTo(g: PairGraph, id: number): number[] {
  const chain: number[] = [];
  let v = id;
  const guard = g.pred.length + 1;
  while (v >= 0 && chain.length < guard) {
    chain.push(v);
    v = g.pred[v]!;
  }
  return chain.reverse();
}

/** Every pair that has one of `targets` below it (the targets included): mark[v] for pair v. */
export function ancestors(g: PairGraph, targets: number[]): Uint8Array {
  // Up through hubs as through pairs: a hub above a target has all its mentioning pairs above it.
  const mark = new Uint8Array(g.vertices);
  const stack = [...targets];
  for (const t of targets) mark[t] = 1;
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let e = g.inStart[v]!; e < g.inStart[v + 1]!; e++) {
      const u = g.inList[e]!;
      if (!mark[u]) {
        mark[u] = 1;
        stack.push(u);
      }
    }
  }
  return mark.subarray(0, g.size);
}

/**
 * Immediate dominators from the roots (Cooper, Harvey & Kennedy, "A Simple,
 * Fast Dominance Algorithm"). Several roots hang under a virtual root, -1.
 * idom[v] = -1 for roots and pairs only the virtual root dominates, -2 if unreachable.
 * Computed over hubs too (they keep every path between pairs, so they keep
 * which pairs dominate which); a pair's idom is the nearest pair above it on
 * the dominator tree.
 */
export function dominators(g: PairGraph): Int32Array {
  const n = g.vertices;
  const VROOT = n;
  // Reverse postorder by iterative DFS: the stack holds each open pair and its next edge.
  // Postorder fills `order` from its end, so it reads in reverse postorder.
  const order = new Int32Array(n);
  let placed = n;
  const state = new Uint8Array(n);
  const stackNode = new Int32Array(n);
  const stackEdge = new Int32Array(n);
  for (const r of g.roots) {
    if (state[r]) continue;
    state[r] = 1;
    let depth = 0;
    stackNode[0] = r;
    stackEdge[0] = g.outStart[r]!;
    while (depth >= 0) {
      const v = stackNode[depth]!;
      const e = stackEdge[depth]!;
      if (e < g.outStart[v + 1]!) {
        stackEdge[depth] = e + 1;
        const w = g.outList[e]!;
        if (!state[w]) {
          state[w] = 1;
          depth++;
          stackNode[depth] = w;
          stackEdge[depth] = g.outStart[w]!;
        }
      } else {
        order[--placed] = v;
        depth--;
      }
    }
  }
  const reached = order.subarray(placed);
  const rpo = new Int32Array(n + 1).fill(-1);
  for (let i = 0; i < reached.length; i++) rpo[reached[i]!] = i + 1;
  rpo[VROOT] = 0;
  const idom = new Int32Array(n + 1).fill(-2);
  idom[VROOT] = VROOT;
  const isRoot = new Uint8Array(n);
  for (const r of g.roots) {
    idom[r] = VROOT;
    isRoot[r] = 1;
  }
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (rpo[a]! > rpo[b]!) a = idom[a]!;
      while (rpo[b]! > rpo[a]!) b = idom[b]!;
    }
    return a;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < reached.length; i++) {
      const v = reached[i]!;
      if (isRoot[v]) continue;
      let nd = -2;
      for (let e = g.inStart[v]!; e < g.inStart[v + 1]!; e++) {
        const u = g.inList[e]!;
        if (idom[u] === -2) continue;
        nd = nd === -2 ? u : intersect(u, nd);
      }
      if (nd !== -2 && idom[v] !== nd) {
        idom[v] = nd;
        changed = true;
      }
    }
  }
  const result = new Int32Array(g.size);
  for (let v = 0; v < g.size; v++) {
    let d = idom[v]!;
    while (d >= g.size && d !== VROOT) d = idom[d]!;
    result[v] = d === VROOT ? -1 : d;
  }
  return result;
}

/** The deepest pair that dominates every pair in `ids` (-1: only the top does). */
export function commonDominator(idom: Int32Array, ids: number[]): number {
  const depth = (v: number): number => {
    let d = 0;
    while (v >= 0 && d <= idom.length) {
      v = idom[v]!;
      d++;
    }
    return d;
  };
  let acc: number | null = null;
  for (const id of ids) {
    if (idom[id] === -2) continue;
    if (acc === null) {
      acc = id;
      continue;
    }
    let a: number = acc;
    let b = id;
    let da = depth(a);
    let db = depth(b);
    while (da > db) {
      a = idom[a]!;
      da--;
    }
    while (db > da) {
      b = idom[b]!;
      db--;
    }
    while (a !== b && a >= 0 && b >= 0) {
      a = idom[a]!;
      b = idom[b]!;
    }
    acc = a === b ? a : -1;
    if (acc < 0) return -1;
  }
  return acc ?? -1;
}

/**
 * Strongly connected components of every vertex, hubs included (Tarjan,
 * iteratively), numbered in the order Tarjan closes them: every component
 * after all components below it.
 * Real derivation graphs have no cycles, but an ambiguous "already compared"
 * link can close one.
 */
export function components(g: PairGraph): { comp: Int32Array; count: number } {
  const n = g.vertices;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  // Typed stacks of their greatest depth (every vertex at most once on each), not arrays
  // grown by push: those were most of the garbage of the analysis at a million lines.
  const stack = new Int32Array(n);
  const call = new Int32Array(n);
  const edge = new Int32Array(n);
  let top = 0;
  let depth = 0;
  let next = 0;
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    call[depth] = s;
    edge[depth++] = 0;
    index[s] = low[s] = next++;
    stack[top++] = s;
    onStack[s] = 1;
    while (depth > 0) {
      const v = call[depth - 1]!;
      const i = edge[depth - 1]!;
      if (g.outStart[v]! + i < g.outStart[v + 1]!) {
        edge[depth - 1] = i + 1;
        const w = g.outList[g.outStart[v]! + i]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[top++] = w;
          onStack[w] = 1;
          call[depth] = w;
          edge[depth++] = 0;
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      depth--;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--top]!;
          onStack[w] = 0;
          comp[w] = count;
        } while (w !== v);
        count++;
      }
      if (depth > 0) {
        const parent = call[depth - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
    }
  }
  return { comp, count };
}
