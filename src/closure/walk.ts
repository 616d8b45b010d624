// The walk of two closures from their roots: which old input derivation plays
// the role of which new one. nix-diff pairs only inputs of the same name with
// one path on each side and the same requested outputs; this goes further:
//
//  1. the same path on both sides is the same input (nothing to compare);
//  2. the same name: one each is a pair; a group of that name (many
//     downloads are all called `source`) is paired by what tells them apart
//     (named by the same env key on both sides, `src`; then the most alike);
//  3. what is left, by package name (`builtins.parseDrvName`): the version
//     changed (or a variant); the same tie-breaks;
//  4. what is still left and named by the same env key on both sides (and
//     nothing else is) is one input renamed;
//  5. the rest was removed or added.
//
// Each pair is compared once however many parents reach it. Alongside, the
// walk nix-diff itself would make, to say which causes its output shows.

import { parseDrvName } from "../values/names.js";
import type { DrvInput } from "./aterm.js";
import { roleOf, type LightDrv, type Store } from "./store.js";

export type MatchRule = "name" | "role" | "alike" | "package" | "rename";

export interface InputMatch {
  old: DrvInput;
  new: DrvInput;
  /** The pair these two form, or -1 when both are the same path. */
  pair: number;
  rule: MatchRule;
}

export interface OneSided {
  input: DrvInput;
  drv: LightDrv;
}

export interface PairRec {
  id: number;
  old: LightDrv;
  new: LightDrv;
  /** Pairs that reach this one, first the one the walk came from. */
  parents: number[];
  /** Differing input pairs below it. */
  children: number[];
  matches: InputMatch[];
  removed: OneSided[];
  added: OneSided[];
  depth: number;
  /** nix-diff compares this pair (it reaches it through inputs it descends into). */
  nixSeen: boolean;
  /** nix-diff descended into one of its inputs, so it skipped the environment comparison. */
  nixEnvSkipped: boolean;
  /** Why nix-diff does not show this pair (null when it does). */
  nixWhy: string | null;
}

export interface Walk {
  pairs: PairRec[];
  root: PairRec;
}

interface Cand {
  input: DrvInput;
  drv: LightDrv;
  role: string;
  index: number;
}

const key = (a: string, b: string): string => `${a}\n${b}`;

export function walkClosures(store: Store, oldRoot: string, newRoot: string): Walk {
  const pairs: PairRec[] = [];
  const byKey = new Map<string, PairRec>();
  const pairOf = (a: string, b: string, parent: PairRec | null): PairRec => {
    const k = key(a, b);
    let p = byKey.get(k);
    if (!p) {
      p = {
        id: pairs.length,
        old: store.get(a),
        new: store.get(b),
        parents: [],
        children: [],
        matches: [],
        removed: [],
        added: [],
        depth: parent ? parent.depth + 1 : 0,
        nixSeen: false,
        nixEnvSkipped: false,
        nixWhy: null,
      };
      pairs.push(p);
      byKey.set(k, p);
    }
    if (parent && !p.parents.includes(parent.id)) {
      p.parents.push(parent.id);
      parent.children.push(p.id);
    }
    return p;
  };

  const root = pairOf(oldRoot, newRoot, null);
  root.nixSeen = true;
  // Breadth first, so a pair's first parent is on a shortest chain from the top.
  for (let head = 0; head < pairs.length; head++) {
    const p = pairs[head]!;
    const { matches, removed, added } = matchInputs(p.old, p.new, store);
    p.removed = removed;
    p.added = added;
    for (const m of matches) {
      if (m.old.path !== m.new.path) m.pair = pairOf(m.old.path, m.new.path, p).id;
      p.matches.push(m);
    }
  }
  nixDiffView(pairs, byKey, store);
  return { pairs, root };
}

function matchInputs(a: LightDrv, b: LightDrv, store: Store): { matches: InputMatch[]; removed: OneSided[]; added: OneSided[] } {
  const matches: InputMatch[] = [];
  const newPaths = new Map(b.inputDrvs.map((i) => [i.path, i] as const));
  const oldPaths = new Set(a.inputDrvs.map((i) => i.path));
  let left: Cand[] = [];
  let right: Cand[] = [];
  a.inputDrvs.forEach((input, index) => {
    if (newPaths.has(input.path)) {
      const other = newPaths.get(input.path)!;
      matches.push({ old: input, new: other, pair: -1, rule: "name" });
    } else left.push({ input, drv: store.get(input.path), role: roleOf(a, index, store), index });
  });
  b.inputDrvs.forEach((input, index) => {
    if (!oldPaths.has(input.path)) right.push({ input, drv: store.get(input.path), role: roleOf(b, index, store), index });
  });

  const take = (l: Cand, r: Cand, rule: MatchRule): void => {
    matches.push({ old: l.input, new: r.input, pair: -1, rule });
  };

  // 2. exact names, then 3. package names.
  for (const [keyOf, rule] of [
    [(c: Cand): string => c.drv.name, "name"],
    [(c: Cand): string => parseDrvName(c.drv.name).pname, "package"],
  ] as const) {
    const groups = new Map<string, { l: Cand[]; r: Cand[] }>();
    for (const c of left) {
      const k = keyOf(c);
      const g = groups.get(k) ?? { l: [], r: [] };
      g.l.push(c);
      groups.set(k, g);
    }
    for (const c of right) {
      const g = groups.get(keyOf(c));
      if (g) g.r.push(c);
    }
    const used = new Set<Cand>();
    for (const g of groups.values()) {
      if (g.r.length === 0) continue;
      if (g.l.length === 1 && g.r.length === 1) {
        take(g.l[0]!, g.r[0]!, rule);
        used.add(g.l[0]!).add(g.r[0]!);
        continue;
      }
      for (const [l, r, how] of assign(g.l, g.r)) {
        take(l, r, how === "alike" ? rule === "name" ? "alike" : "package" : how);
        used.add(l).add(r);
      }
    }
    left = left.filter((c) => !used.has(c));
    right = right.filter((c) => !used.has(c));
  }

  // 4. renames: the only input on each side named by the same env keys.
  const roleCount = (list: Cand[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const c of list) if (c.role) m.set(c.role, (m.get(c.role) ?? 0) + 1);
    return m;
  };
  const lr = roleCount(left);
  const rr = roleCount(right);
  const renamed = new Set<Cand>();
  for (const l of left) {
    // The inputs that provide the builder are the builder's change, not a rename.
    if (!l.role || l.role === "builder" || lr.get(l.role) !== 1 || rr.get(l.role) !== 1) continue;
    const r = right.find((c) => c.role === l.role)!;
    take(l, r, "rename");
    renamed.add(l).add(r);
  }
  return {
    matches,
    removed: left.filter((c) => !renamed.has(c)).map((c) => ({ input: c.input, drv: c.drv })),
    added: right.filter((c) => !renamed.has(c)).map((c) => ({ input: c.input, drv: c.drv })),
  };
}

/**
 * Pair two groups of alike candidates: first those named by the same env
 * keys on both sides (each such role once per side), then greedily the most
 * alike (same download url, same fixed hash, same requested outputs, closest
 * name).
 */
function assign(l: Cand[], r: Cand[]): [Cand, Cand, "role" | "alike"][] {
  const out: [Cand, Cand, "role" | "alike"][] = [];
  const usedL = new Set<Cand>();
  const usedR = new Set<Cand>();
  const roles = (list: Cand[]): Map<string, Cand[]> => {
    const m = new Map<string, Cand[]>();
    for (const c of list) {
      if (!c.role) continue;
      const g = m.get(c.role);
      if (g) g.push(c);
      else m.set(c.role, [c]);
    }
    return m;
  };
  const lRoles = roles(l);
  const rRoles = roles(r);
  for (const a of l) {
    if (!a.role || lRoles.get(a.role)?.length !== 1 || rRoles.get(a.role)?.length !== 1) continue;
    const b = rRoles.get(a.role)![0]!;
    out.push([a, b, "role"]);
    usedL.add(a);
    usedR.add(b);
  }
  const scored: { a: Cand; b: Cand; s: number; order: number }[] = [];
  let order = 0;
  for (const a of l) {
    if (usedL.has(a)) continue;
    for (const b of r) {
      if (usedR.has(b)) continue;
      scored.push({ a, b, s: alike(a, b), order: order++ });
    }
  }
  scored.sort((x, y) => y.s - x.s || x.order - y.order);
  for (const { a, b } of scored) {
    if (usedL.has(a) || usedR.has(b)) continue;
    out.push([a, b, "alike"]);
    usedL.add(a);
    usedR.add(b);
  }
  return out;
}

function alike(a: Cand, b: Cand): number {
  let s = 0;
  if (a.role && a.role === b.role) s += 16;
  if (a.drv.fixed && b.drv.fixed && a.drv.outputs[0]?.hash === b.drv.outputs[0]?.hash) s += 8;
  if (a.drv.url && a.drv.url === b.drv.url) s += 8;
  else if (a.drv.url && b.drv.url) s += 4 * commonPrefix(a.drv.url, b.drv.url) / Math.max(a.drv.url.length, b.drv.url.length);
  if (a.input.outputs.join(",") === b.input.outputs.join(",")) s += 2;
  if (a.drv.name === b.drv.name) s += 1;
  s += commonPrefix(a.drv.name, b.drv.name) / Math.max(1, a.drv.name.length, b.drv.name.length);
  return s;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * nix-diff's own walk over the same pairs: it descends only into inputs of
 * one name with one differing path each side and the same requested outputs,
 * never below the top into a differently named pair, and skips a pair's
 * environment once it descended into any input.
 */
function nixDiffView(pairs: PairRec[], byKey: Map<string, PairRec>, store: Store): void {
  const why = new Map<number, string>();
  const queue = pairs.filter((p) => p.nixSeen);
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head]!;
    const group = (list: DrvInput[]): Map<string, DrvInput[]> => {
      const m = new Map<string, DrvInput[]>();
      for (const i of list) {
        const n = store.get(i.path).name;
        const g = m.get(n);
        if (g) g.push(i);
        else m.set(n, [i]);
      }
      return m;
    };
    const l = group(p.old.inputDrvs);
    const r = group(p.new.inputDrvs);
    for (const [name, lp] of l) {
      const rp = r.get(name);
      if (!rp) continue;
      const keyOf = (x: DrvInput): string => `${x.path}:${x.outputs.join(",")}`;
      const lk = new Set(lp.map(keyOf));
      const rk = new Set(rp.map(keyOf));
      const le = lp.filter((x) => !rk.has(keyOf(x)));
      const re = rp.filter((y) => !lk.has(keyOf(y)));
      if (le.length === 0 && re.length === 0) continue;
      if (le.length === 1 && re.length === 1 && sameOuts(le[0]!, re[0]!)) {
        p.nixEnvSkipped = true;
        const child = byKey.get(key(le[0]!.path, re[0]!.path));
        if (child && !child.nixSeen) {
          child.nixSeen = true;
          queue.push(child);
        }
      }
    }
  }
  // Why the others are not shown: the first step from a shown pair that nix-diff does not take.
  for (const p of pairs) {
    if (p.nixSeen) continue;
    let reason: string | null = null;
    for (const q of p.parents) {
      const parent = pairs[q]!;
      if (parent.nixSeen) {
        const m = parent.matches.find((x) => x.pair === p.id);
        if (p.old.name !== p.new.name) reason = `in ${p.old.name} → ${p.new.name}: nix-diff does not descend into an input whose name changed`;
        else if (m && m.old.outputs.join(",") !== m.new.outputs.join(",")) reason = `in ${p.old.name}, whose parent ${parent.old.name} requests other outputs of it: nix-diff does not descend`;
        else reason = `in one of several inputs named \`${p.old.name}\` of ${parent.old.name}: nix-diff does not pair them`;
      } else {
        const up = why.get(q);
        if (up === undefined) continue;
        reason = up.startsWith("in ") ? `under ${up.slice(3)}` : up;
      }
      break;
    }
    p.nixWhy = reason ?? "nix-diff does not reach it";
    why.set(p.id, p.nixWhy);
  }
}

function sameOuts(x: DrvInput, y: DrvInput): boolean {
  return x.outputs.join(",") === y.outputs.join(",");
}
