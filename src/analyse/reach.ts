// For every cause: how many distinct pairs have it below them (`affects`) and
// which of the top pair's direct inputs lead to it (`via`), in time linear in
// the graph times a bounded factor.
//
// `affects` is exact (one bitset pass over the graph per batch of 512 causes,
// graph × causes / 32 word operations) while that stays under EXACT_BUDGET or
// under what the estimate would cost, which every real nix-diff output does (a
// handful of causes per 10,000 pairs). Past both (thousands of causes over
// millions of mentions), it is estimated: the count of distinct pairs above a
// cause from the minimum of random ranks over them (Cohen's size estimation),
// ROUNDS passes over the graph whatever the number of causes, about
// 1/sqrt(ROUNDS - 2) ≈ 13 % relative error; the report says so.
//
// `via` lists the first MAX_VIA of the top's direct inputs (in the order the
// top lists them) and says when there are more: a top whose inputs all lead
// to every cause (mentions pointing back up close cycles through it) must not
// give causes × inputs names.

import { groupBy } from "../columns.js";
import { below, components, type PairGraph } from "./graph.js";

export const MAX_VIA = 16;
/** Word operations the exact count may take (about a second). */
const EXACT_BUDGET = 3e8;
const ROUNDS = 64;
const BATCH = 512;

/** Component k's vertices are order[start[k]] … order[start[k + 1] - 1]. */
type Members = { start: Int32Array; order: Int32Array };

export interface Reached {
  affects: number[];
  via: number[][];
  /** More of the top's direct inputs lead to the cause than `via` holds. */
  viaCut: boolean[];
  /** `affects` is an estimate (see above). */
  estimated: boolean;
  /** Operations done: graph steps and bitset words (what the tests bound). */
  work: number;
}

/** `budget`: word operations the exact count may take even when the estimate would cost less (tests lower it). */
export function reach(g: PairGraph, causePairs: number[][], budget = EXACT_BUDGET): Reached {
  // Hubs are vertices like pairs here (graph.ts): they pass on what is below them and count for nothing.
  const n = g.vertices;
  const { comp, count: comps } = components(g);
  // Vertices grouped by component (ascending within each), components in children-first
  // order: columns, not an array per component (one per pair on an acyclic graph).
  const members = groupBy(comp, comps);
  const edges = g.outList.length;
  const rootKids = [...new Set(g.roots.flatMap((r) => [...below(g, r)]))];
  const words = Math.ceil(causePairs.length / 32);
  const r: Reached = {
    affects: new Array<number>(causePairs.length).fill(0),
    via: causePairs.map(() => []),
    viaCut: causePairs.map(() => false),
    estimated: false,
    work: n + edges,
  };
  // Costs from the plain graph's size (pairs and their edges, hubs opened), which the hub
  // graph never exceeds (graph.ts): whether a report is exact does not depend on hubs.
  const plain = g.pairEdges;
  const exactCost = (2 * g.size + plain + rootKids.length) * words;
  // The estimate walks the graph ROUNDS times: exact is taken whenever it costs less, which is
  // always so up to ROUNDS / 2 words (1,024 causes) (a 10M-line output's 314 causes took 90 s estimated).
  if (exactCost <= budget || exactCost <= ROUNDS * (g.size + plain)) exact(g, causePairs, comp, comps, members, rootKids, 2 * n + edges, r);
  else {
    r.estimated = true;
    estimate(g, causePairs, comp, comps, members, n + edges, r);
    viaByLabels(g, causePairs, comp, comps, members, rootKids, r);
  }
  return r;
}

function exact(g: PairGraph, causePairs: number[][], comp: Int32Array, comps: number, members: Members, rootKids: number[], steps: number, r: Reached): void {
  const n = g.size;
  const keys = g.keys;
  for (let base = 0; base < causePairs.length; base += BATCH) {
    const count = Math.min(BATCH, causePairs.length - base);
    const W = (count + 31) >>> 5;
    const bits = new Uint32Array(comps * W);
    for (let c = 0; c < count; c++) {
      for (const id of causePairs[base + c]!) bits[comp[id]! * W + (c >>> 5)]! |= 1 << (c & 31);
    }
    for (let k = 0; k < comps; k++) {
      const ko = k * W;
      for (let at = members.start[k]!; at < members.start[k + 1]!; at++) {
        const v = members.order[at]!;
        for (let e = g.outStart[v]!; e < g.outStart[v + 1]!; e++) {
          const wo = comp[g.outList[e]!]! * W;
          if (wo === ko) continue;
          for (let j = 0; j < W; j++) bits[ko + j]! |= bits[wo + j]!;
        }
      }
    }
    const perKey = new Uint32Array(keys * W);
    for (let v = 0; v < n; v++) {
      const ko = g.key[v]! * W;
      const vo = comp[v]! * W;
      for (let j = 0; j < W; j++) perKey[ko + j]! |= bits[vo + j]!;
    }
    r.work += steps * W;
    for (let k = 0; k < keys; k++) {
      // A pair inferred above a fragment is not a derivation of the input: it is not counted.
      if (g.inferredKey[k]) continue;
      for (let j = 0; j < W; j++) {
        let word = perKey[k * W + j]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          r.affects[base + j * 32 + bit]!++;
          word &= word - 1;
        }
      }
    }
    // via: the root kids in order; a cause whose list is full only learns that there are more.
    const full = new Uint32Array(W);
    const cut = new Uint32Array(W);
    for (const kid of rootKids) {
      const o = comp[kid]! * W;
      r.work += W;
      for (let j = 0; j < W; j++) {
        const word = bits[o + j]!;
        cut[j]! |= word & full[j]!;
        let fresh = word & ~full[j]!;
        while (fresh !== 0) {
          const bit = 31 - Math.clz32(fresh & -fresh);
          fresh &= fresh - 1;
          const c = base + j * 32 + bit;
          const list = r.via[c]!;
          list.push(kid);
          if (list.length === MAX_VIA) full[j]! |= 1 << bit;
        }
      }
    }
    for (let c = 0; c < count; c++) if (cut[c >>> 5]! & (1 << (c & 31))) r.viaCut[base + c] = true;
  }
}

/**
 * A rank per distinct pair and round, the same on every run: exponentially
 * distributed, so the minimum over n pairs is exponential with rate n and
 * (ROUNDS - 1) / (sum of the minima) estimates n without bias, small n too.
 */
function rank(key: number, round: number): number {
  let h = Math.imul(key ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(round + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return -Math.log(((h >>> 0) + 1) / 4294967297);
}

function estimate(g: PairGraph, causePairs: number[][], comp: Int32Array, comps: number, members: Members, steps: number, r: Reached): void {
  const least = new Float64Array(comps);
  const sums = new Float64Array(causePairs.length);
  for (let round = 0; round < ROUNDS; round++) {
    // Parents before children: Tarjan numbered every component after those below it.
    for (let k = comps - 1; k >= 0; k--) {
      let m = Infinity;
      for (let at = members.start[k]!; at < members.start[k + 1]!; at++) {
        const v = members.order[at]!;
        const own = v >= g.size || g.inferredKey[g.key[v]!] ? Infinity : rank(g.key[v]!, round);
        if (own < m) m = own;
        // Index loops, not above(): this runs ROUNDS times per pair.
        for (let e = g.inStart[v]!; e < g.inStart[v + 1]!; e++) {
          const cu = comp[g.inList[e]!]!;
          if (cu !== k && least[cu]! < m) m = least[cu]!;
        }
      }
      least[k] = m;
    }
    causePairs.forEach((ids, c) => {
      let m = Infinity;
      for (const id of ids) if (least[comp[id]!]! < m) m = least[comp[id]!]!;
      sums[c]! += m;
    });
    r.work += steps;
  }
  causePairs.forEach((_, c) => {
    r.affects[c] = Math.max(1, Math.min(g.keys, Math.round((ROUNDS - 1) / sums[c]!)));
  });
}

/**
 * via without bitsets: each component keeps the first MAX_VIA root kids (by
 * their order under the top) that reach it, parents before children. The
 * first MAX_VIA of a union are among the first MAX_VIA of each part, so the
 * lists are exact, and "more" is known exactly too.
 */
function viaByLabels(g: PairGraph, causePairs: number[][], comp: Int32Array, comps: number, members: Members, rootKids: number[], r: Reached): void {
  const order = new Map<number, number>();
  rootKids.forEach((kid, i) => order.set(kid, i));
  const labels = new Int32Array(comps * MAX_VIA);
  const size = new Uint8Array(comps);
  const more = new Uint8Array(comps);
  const pool: number[] = [];
  for (let k = comps - 1; k >= 0; k--) {
    pool.length = 0;
    let cut = false;
    for (let at = members.start[k]!; at < members.start[k + 1]!; at++) {
      const v = members.order[at]!;
      const i = order.get(v);
      if (i !== undefined) pool.push(i);
      for (let e = g.inStart[v]!; e < g.inStart[v + 1]!; e++) {
        const cu = comp[g.inList[e]!]!;
        if (cu === k) continue;
        if (more[cu]) cut = true;
        for (let j = 0; j < size[cu]!; j++) pool.push(labels[cu * MAX_VIA + j]!);
      }
    }
    r.work += pool.length;
    pool.sort((a, b) => a - b);
    let s = 0;
    for (let j = 0; j < pool.length; j++) {
      if (j > 0 && pool[j] === pool[j - 1]) continue;
      if (s === MAX_VIA) {
        cut = true;
        break;
      }
      labels[k * MAX_VIA + s++] = pool[j]!;
    }
    size[k] = s;
    more[k] = cut ? 1 : 0;
  }
  causePairs.forEach((ids, c) => {
    const pool2: number[] = [];
    let cut = false;
    for (const id of ids) {
      const k = comp[id]!;
      if (more[k]) cut = true;
      for (let j = 0; j < size[k]!; j++) pool2.push(labels[k * MAX_VIA + j]!);
    }
    const sorted = [...new Set(pool2)].sort((a, b) => a - b);
    if (sorted.length > MAX_VIA) cut = true;
    r.via[c] = sorted.slice(0, MAX_VIA).map((i) => rootKids[i]!);
    r.viaCut[c] = cut;
  });
}
