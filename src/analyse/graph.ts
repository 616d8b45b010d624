// The graph of differing pairs: tree edges from nix-diff's nesting plus
// "already compared" mentions linked back to the pair of that name printed
// earlier (nix-diff never repeats the paths, so a name is all we have; when
// several earlier pairs carry the name, the mention links to each and the
// ambiguity is reported). On it: reach, shortest paths and dominators.

import type { ParsedDiff } from "../model.js";
import type { Ambiguity } from "../report.js";
import { documentStart } from "./documents.js";

export interface PairGraph {
  /** Forward edges: pair id → pairs it has below it (children and linked mentions). */
  out: number[][];
  /** Reverse edges. */
  in: number[][];
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
  /** Shortest-path predecessor from a root, -1 for roots, -2 when unreachable. */
  pred: Int32Array;
  roots: number[];
}

/** Links kept per ambiguous mention (to the nearest earlier pairs of that name). */
export const MAX_LINKS = 16;
/** Ambiguous mentions listed in the report (all are counted). */
const MAX_AMBIGUITIES = 1000;

/** How many of `ids` (sorted by first line) were printed before `line`. */
export function printedBefore(ids: number[], line: number, diff: ParsedDiff): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (diff.pairs[ids[mid]!]!.firstLine < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function buildGraph(diff: ParsedDiff): PairGraph {
  const n = diff.pairs.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const inn: number[][] = Array.from({ length: n }, () => []);
  const { key, keys } = pairKeys(diff);
  // Per name, the first printing of each distinct pair of that name, in input order.
  const byName = new Map<string, number[]>();
  const seenKey = new Uint8Array(keys);
  for (const p of diff.pairs) {
    if (p.inferred || seenKey[key[p.id]!]) continue;
    seenKey[key[p.id]!] = 1;
    const list = byName.get(p.name);
    if (list) list.push(p.id);
    else byName.set(p.name, [p.id]);
  }
  const link = (from: number, to: number): void => {
    if (from === to) return;
    out[from]!.push(to);
    inn[to]!.push(from);
  };
  for (const p of diff.pairs) for (const c of p.children) link(p.id, c);
  for (const p of diff.pairs) for (const c of p.links ?? []) link(p.id, c);

  const docStart = documentStart(diff);
  const ambiguities: Ambiguity[] = [];
  let ambiguousMentions = 0;
  let mentions = 0;
  let unresolved = 0;
  const unresolvedRefs: PairGraph["unresolvedRefs"] = [];
  for (const p of diff.pairs) {
    for (let r = 0; r < p.refNames.length; r++) {
      // Plain locals, no object per mention (hundreds of thousands on a system rebuild).
      const name = p.refNames[r]!;
      const line = Math.abs(p.refLines[r]!);
      mentions++;
      // nix-diff compared it earlier in its walk, so it was printed above this line.
      const all = byName.get(name) ?? [];
      const count = printedBefore(all, line, diff);
      // Only in its own document (see documents.ts).
      const own = printedBefore(all, docStart(line), diff);
      if (count === own) {
        unresolved++;
        unresolvedRefs.push({ pair: p.id, name, line });
        continue;
      }
      // Linked to each candidate, up to the nearest MAX_LINKS: a name shared by hundreds of
      // derivations (`source`) must not make mentions × candidates edges.
      const first = Math.max(own, count - MAX_LINKS);
      if (count - own > 1) {
        ambiguousMentions++;
        if (ambiguities.length < MAX_AMBIGUITIES) {
          ambiguities.push({ name, line, candidates: all.slice(first, count).map((id) => diff.pairs[id]!.firstLine), count: count - own });
        }
      }
      for (let i = first; i < count; i++) link(p.id, all[i]!);
    }
  }

  // Shortest paths from the roots (breadth first).
  const pred = new Int32Array(n).fill(-2);
  const queue: number[] = [];
  for (const r of diff.roots) {
    pred[r] = -1;
    queue.push(r);
  }
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of out[v]!) {
      if (pred[w] === -2) {
        pred[w] = v;
        queue.push(w);
      }
    }
  }
  const inferredKey = new Uint8Array(keys);
  for (const p of diff.pairs) if (p.inferred) inferredKey[key[p.id]!] = 1;
  return { out, in: inn, key, keys, inferredKey, ambiguities, ambiguousMentions, mentions, unresolved, unresolvedRefs, pred, roots: diff.roots };
}

/** Number the distinct (old path, new path) pairs, without building a string per pair. */
function pairKeys(diff: ParsedDiff): { key: Int32Array; keys: number } {
  const key = new Int32Array(diff.pairs.length);
  const byOld = new Map<string, Map<string, number>>();
  let keys = 0;
  for (const p of diff.pairs) {
    if (p.oldPath === null && p.newPath === null) {
      key[p.id] = keys++;
      continue;
    }
    let byNew = byOld.get(p.oldPath ?? "");
    if (!byNew) byOld.set(p.oldPath ?? "", (byNew = new Map()));
    let k = byNew.get(p.newPath ?? "");
    if (k === undefined) byNew.set(p.newPath ?? "", (k = keys++));
    key[p.id] = k;
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

/** Every pair that has one of `targets` below it (the targets included). */
export function ancestors(g: PairGraph, targets: number[]): Uint8Array {
  const mark = new Uint8Array(g.out.length);
  const stack = [...targets];
  for (const t of targets) mark[t] = 1;
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const u of g.in[v]!) {
      if (!mark[u]) {
        mark[u] = 1;
        stack.push(u);
      }
    }
  }
  return mark;
}

/**
 * Immediate dominators from the roots (Cooper, Harvey & Kennedy, "A Simple,
 * Fast Dominance Algorithm"). Several roots hang under a virtual root, -1.
 * idom[v] = -1 for roots and pairs only the virtual root dominates, -2 if unreachable.
 */
export function dominators(g: PairGraph): Int32Array {
  const n = g.out.length;
  const VROOT = n;
  // Reverse postorder by iterative DFS.
  const order: number[] = [];
  const state = new Uint8Array(n);
  const stack: [number, number][] = [];
  for (const r of g.roots) {
    if (state[r]) continue;
    state[r] = 1;
    stack.push([r, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const succ = g.out[top[0]]!;
      if (top[1] < succ.length) {
        const w = succ[top[1]++]!;
        if (!state[w]) {
          state[w] = 1;
          stack.push([w, 0]);
        }
      } else {
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  order.reverse();
  const rpo = new Int32Array(n + 1).fill(-1);
  order.forEach((v, i) => (rpo[v] = i + 1));
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
    for (const v of order) {
      if (isRoot[v]) continue;
      let nd = -2;
      for (const u of g.in[v]!) {
        if (idom[u] === -2) continue;
        nd = nd === -2 ? u : intersect(u, nd);
      }
      if (nd !== -2 && idom[v] !== nd) {
        idom[v] = nd;
        changed = true;
      }
    }
  }
  const result = new Int32Array(n);
  for (let v = 0; v < n; v++) result[v] = idom[v] === VROOT ? -1 : idom[v]!;
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
 * Strongly connected components (Tarjan, iteratively), numbered in the order
 * Tarjan closes them: every component after all components below it.
 * Real derivation graphs have no cycles, but an ambiguous "already compared"
 * link can close one.
 */
export function components(g: PairGraph): { comp: Int32Array; count: number } {
  const n = g.out.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const call: number[] = [];
  const edge: number[] = [];
  let next = 0;
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    call.push(s);
    edge.push(0);
    index[s] = low[s] = next++;
    stack.push(s);
    onStack[s] = 1;
    while (call.length > 0) {
      const v = call[call.length - 1]!;
      const i = edge[edge.length - 1]!;
      const succ = g.out[v]!;
      if (i < succ.length) {
        edge[edge.length - 1] = i + 1;
        const w = succ[i]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          call.push(w);
          edge.push(0);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      call.pop();
      edge.pop();
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = count;
        } while (w !== v);
        count++;
      }
      const parent = call[call.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[v]!);
    }
  }
  return { comp, count };
}
