// One pair compared field by field, after every store path the pairing
// explains has been replaced by a token naming its role: the pair's own
// outputs (by output name), each paired input's `.drv` and outputs (by
// output name; all outputs as one when the input's output set changed), and
// sources paired by name. What still differs is a change of this pair, unless
// a version bump seen elsewhere in the walk accounts for it, or it only
// inserts or drops the path of an input or source this pair adds or removes.

import type { Derivation } from "./aterm.js";
import { HASH_LEN, type LightDrv, type Store } from "./store.js";
import type { PairRec } from "./walk.js";

export interface Bump {
  oldName: string;
  newName: string;
  from: string;
  to: string;
}

/** One difference of a pair that survives substitution. */
export type Difference =
  | { kind: "platform"; from: string; to: string }
  | { kind: "builder"; from: string; to: string; claims: string[] }
  | { kind: "args"; changed: string[] }
  | { kind: "outputs"; what: string; field: string }
  | { kind: "outputsOf"; input: string; from: string; to: string }
  | { kind: "env"; key: string; field: string; what: string }
  | { kind: "source"; name: string; what: string; field: string; change: string; excerpt: string | null }
  | { kind: "attributed"; side: "added" | "removed"; input: string; key: string; isSource: boolean };

export interface PairComparison {
  diffs: Difference[];
  /** Values that differ only by store paths of paired inputs. */
  pathOnly: number;
  /** The builder differs only by the store path of a paired input. */
  builderPathOnly: boolean;
  /** Values that differ only by a version bump seen in the walk. */
  versionOnly: number;
  /** A fixed-output derivation whose url changed only by a bumped version: the bump's new tarball. */
  downloadOfBump: boolean;
  /** A fixed-output derivation whose output (path and hash) did not change: nothing above it rebuilds. */
  sameFixedOutput: boolean;
}

const NAME_CHAR = /[A-Za-z0-9+\-._?=]/;

/** Replaces known store paths in a value by role tokens. */
class Tokens {
  private readonly byHash = new Map<string, string>();
  constructor(readonly storeDir: string) {}

  set(path: string, token: string): void {
    if (!path.startsWith(this.storeDir + "/")) return;
    this.byHash.set(path.slice(this.storeDir.length + 1, this.storeDir.length + 1 + HASH_LEN), token);
  }

  /** The value with each known store path (hash and name) replaced by its token. Linear in the value. */
  apply(value: string): string {
    const prefix = this.storeDir + "/";
    let at = value.indexOf(prefix);
    if (at < 0) return value;
    const parts: string[] = [];
    let from = 0;
    while (at >= 0) {
      const h = at + prefix.length;
      const hash = value.slice(h, h + HASH_LEN);
      const token = value.charCodeAt(h + HASH_LEN) === 0x2d ? this.byHash.get(hash) : undefined;
      if (token === undefined) {
        at = value.indexOf(prefix, h);
        continue;
      }
      let end = h + HASH_LEN + 1;
      while (end < value.length && NAME_CHAR.test(value.charAt(end))) end++;
      parts.push(value.slice(from, at), token);
      from = end;
      at = value.indexOf(prefix, end);
    }
    parts.push(value.slice(from));
    return parts.join("");
  }
}

/** Name of a store path (`/nix/store/<hash>-pgrp-pipe-5.patch` → `pgrp-pipe-5.patch`). */
export function baseName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dash = base.indexOf("-");
  return dash >= 0 ? base.slice(dash + 1) : base;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Applies the walk's version bumps to an old value: `257.9` → `257.10`, `systemd-257.9` → `systemd-257.10`. */
export class Versions {
  private readonly steps: { re: RegExp; to: string }[] = [];
  constructor(bumps: Bump[]) {
    const seen = new Set<string>();
    // Whole names first, longest first; then bare versions that look like versions.
    const names = [...bumps].sort((a, b) => b.oldName.length - a.oldName.length);
    for (const b of names) {
      const k = `n|${b.oldName}|${b.newName}`;
      if (seen.has(k)) continue;
      seen.add(k);
      this.steps.push({ re: new RegExp(escapeRe(b.oldName), "g"), to: b.newName });
    }
    const versions = [...bumps].sort((a, b) => b.from.length - a.from.length);
    for (const b of versions) {
      if (b.from.length < 3 || !/\d/.test(b.from) || !/[.\d]/.test(b.from.slice(1))) continue;
      const k = `v|${b.from}|${b.to}`;
      if (seen.has(k)) continue;
      seen.add(k);
      this.steps.push({ re: new RegExp(`(?<![0-9.])${escapeRe(b.from)}(?![0-9]|\\.[0-9])`, "g"), to: b.to });
      // Versions also appear with other separators (`1_9`, `1-9`) in tags and file names.
      const alt = b.from.replace(/\./g, "_");
      if (alt !== b.from) this.steps.push({ re: new RegExp(`(?<![0-9_])${escapeRe(alt)}(?![0-9]|_[0-9])`, "g"), to: b.to.replace(/\./g, "_") });
    }
  }

  get empty(): boolean {
    return this.steps.length === 0;
  }

  apply(oldValue: string): string {
    let v = oldValue;
    for (const s of this.steps) v = v.replace(s.re, s.to);
    return v;
  }
}

/** Keys whose change in a fixed-output derivation follows from a new download (its hash). */
const HASH_KEYS = new Set(["outputHash", "outputHashAlgo", "outputHashMode"]);
/** Keys that say where a download comes from. */
const URL_KEYS = new Set(["url", "urls"]);

interface Sides {
  old: Tokens;
  new: Tokens;
  /** Tokens of inputs whose requested outputs changed (`\0I3:` prefix), folded to the input alone. */
  outputsChanged: { index: number; name: string; from: string; to: string }[];
  /** Tokens of inputs and sources this pair adds or removes, with their names. */
  oneSided: Map<string, { side: "added" | "removed"; name: string; isSource: boolean }>;
}

function tokens(p: PairRec, store: Store, pairs: PairRec[]): Sides {
  const old = new Tokens(store.storeDir);
  const nu = new Tokens(store.storeDir);
  // The pair's own outputs, by output name.
  for (const o of p.old.outputs) if (o.path) old.set(o.path, `\0self:${o.name}\0`);
  for (const o of p.new.outputs) if (o.path) nu.set(o.path, `\0self:${o.name}\0`);
  const outputsChanged: Sides["outputsChanged"] = [];
  p.matches.forEach((m, i) => {
    if (m.pair < 0) return;
    const q = pairs[m.pair]!;
    old.set(q.old.path, `\0I${i}.drv\0`);
    nu.set(q.new.path, `\0I${i}.drv\0`);
    const sameSet = q.old.outputs.map((o) => o.name).join(",") === q.new.outputs.map((o) => o.name).join(",");
    for (const o of q.old.outputs) if (o.path) old.set(o.path, sameSet ? `\0I${i}:${o.name}\0` : `\0I${i}\0`);
    for (const o of q.new.outputs) if (o.path) nu.set(o.path, sameSet ? `\0I${i}:${o.name}\0` : `\0I${i}\0`);
    if (m.old.outputs.join(",") !== m.new.outputs.join(",")) outputsChanged.push({ index: i, name: q.new.name, from: m.old.outputs.join(","), to: m.new.outputs.join(",") });
  });
  const oneSided: Sides["oneSided"] = new Map();
  const mark = (t: Tokens, d: LightDrv, side: "added" | "removed", n: number): void => {
    const token = `\0${side === "added" ? "A" : "R"}${n}\0`;
    t.set(d.path, token);
    for (const o of d.outputs) if (o.path) t.set(o.path, token);
    oneSided.set(token, { side, name: d.name, isSource: false });
  };
  p.removed.forEach((x, n) => mark(old, x.drv, "removed", n));
  p.added.forEach((x, n) => mark(nu, x.drv, "added", n));
  return { old, new: nu, outputsChanged, oneSided };
}

/** Sources by name: paired ones share a token; one-sided ones are marked. */
function pairSources(a: Derivation, b: Derivation, sides: Sides): { name: string; old: string[]; new: string[] }[] {
  const byName = new Map<string, { name: string; old: string[]; new: string[] }>();
  for (const [side, list] of [["old", a.inputSrcs], ["new", b.inputSrcs]] as const) {
    for (const s of list) {
      const n = baseName(s);
      const e = byName.get(n) ?? { name: n, old: [], new: [] };
      e[side].push(s);
      byName.set(n, e);
    }
  }
  let k = 0;
  for (const e of byName.values()) {
    if (e.old.length > 0 && e.new.length > 0) {
      // Same name on both sides: the same role, whatever its content.
      for (const s of e.old) sides.old.set(s, `\0S:${e.name}\0`);
      for (const s of e.new) sides.new.set(s, `\0S:${e.name}\0`);
    } else {
      const side = e.old.length > 0 ? "removed" : "added";
      const token = `\0X${k++}\0`;
      for (const s of [...e.old, ...e.new]) (side === "removed" ? sides.old : sides.new).set(s, token);
      sides.oneSided.set(token, { side, name: e.name, isSource: true });
    }
  }
  return [...byName.values()];
}

export function comparePair(p: PairRec, store: Store, pairs: PairRec[], versions: Versions): PairComparison {
  const a = store.readDrv(p.old.path);
  const b = store.readDrv(p.new.path);
  const sides = tokens(p, store, pairs);
  const sources = pairSources(a, b, sides);
  const diffs: Difference[] = [];
  const result: PairComparison = { diffs, pathOnly: 0, builderPathOnly: false, versionOnly: 0, downloadOfBump: false, sameFixedOutput: false };
  const nameChanged = p.old.name !== p.new.name;

  const oldOutNames = a.outputs.map((o) => o.name).join(",");
  const newOutNames = b.outputs.map((o) => o.name).join(",");
  const outputSetChanged = oldOutNames !== newOutNames;
  if (p.old.fixed && p.new.fixed && a.outputs.map((o) => o.path).join(" ") === b.outputs.map((o) => o.path).join(" ")) result.sameFixedOutput = true;

  /** Are two values the same once paths, then versions, then output requests are accounted for? */
  const judge = (ov: string, nv: string): "same" | "path" | "version" | "outputs" | "differs" => {
    if (ov === nv) return "same";
    const o = sides.old.apply(ov);
    const n = sides.new.apply(nv);
    if (o === n) return "path";
    if (!versions.empty && versions.apply(o) === n) return "version";
    // A renamed input keeps its role: its own name in its values is the rename.
    if (nameChanged && o.split(p.old.name).join(p.new.name) === n) return "version";
    if (sides.outputsChanged.length > 0) {
      const fold = (s: string): string => s.replace(/\0I(\d+):[^\0]*\0/g, (m, i: string) => (sides.outputsChanged.some((c) => c.index === Number(i)) ? `\0I${i}\0` : m));
      if (fold(versions.apply(o)) === fold(n)) return "outputs";
    }
    return "differs";
  };
  const count = (j: ReturnType<typeof judge>): boolean => {
    if (j === "path") result.pathOnly++;
    else if (j === "version") result.versionOnly++;
    return j !== "differs";
  };

  // Outputs: the set, and each output's hash algorithm.
  if (outputSetChanged) diffs.push({ kind: "outputs", what: `outputs ${oldOutNames || "∅"} → ${newOutNames || "∅"}`, field: "outputs" });
  for (const o of a.outputs) {
    const n = b.outputs.find((x) => x.name === o.name);
    if (n && n.hashAlgo !== o.hashAlgo) diffs.push({ kind: "outputs", what: `hash algorithm of ${o.name} ${o.hashAlgo || "∅"} → ${n.hashAlgo || "∅"}`, field: `outputs.${o.name}.hashAlgo` });
  }
  if (a.system !== b.system) diffs.push({ kind: "platform", from: a.system, to: b.system });

  const claims: string[] = [];
  const builderJudged = judge(a.builder, b.builder);
  if (builderJudged === "path") result.builderPathOnly = true;
  if (!count(builderJudged)) {
    for (const [token, who] of sides.oneSided) {
      if (sides.old.apply(a.builder).includes(token) || sides.new.apply(b.builder).includes(token)) claims.push(who.name);
    }
    diffs.push({ kind: "builder", from: a.builder, to: b.builder, claims });
  }
  if (!count(judge(a.args.join("\n"), b.args.join("\n")))) {
    const os = a.args.map((x) => versions.apply(sides.old.apply(x)));
    const ns = new Set(b.args.map((x) => sides.new.apply(x)));
    const osSet = new Set(os);
    const changed = [...a.args.filter((_, i) => !ns.has(os[i]!)).map((x) => `- ${x}`), ...b.args.filter((x) => !osSet.has(sides.new.apply(x))).map((x) => `+ ${x}`)];
    diffs.push({ kind: "args", changed });
  }

  // A download whose url differs only by a version bumped in the walk is that bump's new tarball.
  const oldEnv = new Map(a.env);
  const newEnv = new Map(b.env);
  if (p.old.fixed && p.new.fixed) {
    let urlsDiffer = false;
    let urlsByBump = true;
    for (const k of URL_KEYS) {
      const j = judge(oldEnv.get(k) ?? "", newEnv.get(k) ?? "");
      if (j === "same" || j === "path") continue;
      urlsDiffer = true;
      if (j !== "version") urlsByBump = false;
    }
    result.downloadOfBump = (urlsDiffer && urlsByBump) || nameChanged;
  }

  const outputKeys = new Set([...a.outputs.map((o) => o.name), ...b.outputs.map((o) => o.name)]);
  const compareEnv = (ov: string | undefined, nv: string | undefined, key: string, field: string): void => {
    if (ov === nv) return;
    if (outputSetChanged && (key === "outputs" || outputKeys.has(key))) return; // the outputs change
    if (result.downloadOfBump && (HASH_KEYS.has(key) || URL_KEYS.has(key))) return;
    if (nameChanged && key === "name") return; // the version or rename cause
    if (ov !== undefined && nv !== undefined) {
      const j = judge(ov, nv);
      if (count(j)) {
        return;
      }
    }
    if (key === "builder" && diffs.some((d) => d.kind === "builder")) return;
    if (key === "system" && diffs.some((d) => d.kind === "platform")) return;
    const who = attribute(ov === undefined ? "" : versions.apply(sides.old.apply(ov)), nv === undefined ? "" : sides.new.apply(nv), sides);
    if (who.length > 0) {
      for (const w of who) diffs.push({ kind: "attributed", side: w.side, input: w.name, key: field, isSource: w.isSource });
      return;
    }
    diffs.push({ kind: "env", key, field, what: describeValue(field, ov, nv) });
  };

  const keys = new Set([...oldEnv.keys(), ...newEnv.keys()]);
  for (const k of keys) {
    const ov = oldEnv.get(k);
    const nv = newEnv.get(k);
    if (k === "__json" && ov !== undefined && nv !== undefined && ov !== nv) {
      const oj = parseJsonObject(ov);
      const nj = parseJsonObject(nv);
      if (oj && nj) {
        for (const jk of new Set([...Object.keys(oj), ...Object.keys(nj)])) {
          const x = oj[jk] === undefined ? undefined : typeof oj[jk] === "string" ? (oj[jk] as string) : JSON.stringify(oj[jk]);
          const y = nj[jk] === undefined ? undefined : typeof nj[jk] === "string" ? (nj[jk] as string) : JSON.stringify(nj[jk]);
          compareEnv(x, y, jk, `__json.${jk}`);
        }
        continue;
      }
    }
    compareEnv(ov, nv, k, `env.${k}`);
  }

  // Sources: names on one side only, and same-named files whose text changed.
  for (const s of sources) {
    if (s.old.length === 0 || s.new.length === 0) {
      const change = s.old.length === 0 ? "added" : "removed";
      diffs.push({ kind: "source", name: s.name, what: `${s.name} ${change}`, field: `inputSrcs ${s.name}`, change, excerpt: null });
      continue;
    }
    const o = [...s.old].sort();
    const n = [...s.new].sort();
    if (o.join(" ") === n.join(" ")) continue;
    if (o.length === 1 && n.length === 1) {
      const ot = store.readSource(o[0]!);
      const nt = store.readSource(n[0]!);
      if (ot !== null && nt !== null) {
        if (ot === nt) continue; // same text under another path: nothing to rebuild for
        const d = lineDiff(ot, nt);
        diffs.push({ kind: "source", name: s.name, what: `${s.name} changed (${d.count} ${d.count === 1 ? "line differs" : "lines differ"})`, field: `inputSrcs ${s.name}`, change: "changed", excerpt: d.first });
        continue;
      }
    }
    diffs.push({ kind: "source", name: s.name, what: `${s.name} changed`, field: `inputSrcs ${s.name}`, change: "changed", excerpt: null });
  }

  // Inputs asking for other outputs, unless a changed value that names the new output explains it.
  for (const c of sides.outputsChanged) {
    diffs.push({ kind: "outputsOf", input: c.name, from: c.from, to: c.to });
  }
  return result;
}

function parseJsonObject(s: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The inputs or sources a value change consists of: each changed line (or,
 * for a one-line value, each changed word) names the path of one this pair
 * adds or removes. Empty when anything else changed.
 */
function attribute(o: string, n: string, sides: Sides): { side: "added" | "removed"; name: string; isSource: boolean }[] {
  if (sides.oneSided.size === 0) return [];
  for (const split of [(s: string) => s.split("\n"), (s: string) => s.split(/\s+/)]) {
    const changed = multisetDiff(split(o), split(n));
    if (changed.length === 0) continue;
    const found = new Map<string, { side: "added" | "removed"; name: string; isSource: boolean }>();
    let all = true;
    for (const unit of changed) {
      let hit = false;
      for (const m of unit.matchAll(/\0[ARX]\d+\0/g)) {
        const who = sides.oneSided.get(m[0]);
        if (who) {
          found.set(m[0], who);
          hit = true;
        }
      }
      if (!hit && unit.trim() !== "") {
        all = false;
        break;
      }
    }
    if (all && found.size > 0) return [...found.values()];
  }
  // What lies between the common beginning and end names one: an inserted
  // entry in a one-line list (JSON), or a unit and the lines that enable it.
  let pre = 0;
  while (pre < o.length && pre < n.length && o.charCodeAt(pre) === n.charCodeAt(pre)) pre++;
  let suf = 0;
  while (suf < o.length - pre && suf < n.length - pre && o.charCodeAt(o.length - 1 - suf) === n.charCodeAt(n.length - 1 - suf)) suf++;
  const found = new Map<string, { side: "added" | "removed"; name: string; isSource: boolean }>();
  for (const [side, mid] of [["removed", o.slice(pre, o.length - suf)], ["added", n.slice(pre, n.length - suf)]] as const) {
    for (const m of mid.matchAll(/\0[ARX]\d+\0/g)) {
      const who = sides.oneSided.get(m[0]);
      if (who && who.side === side) found.set(m[0], who);
    }
  }
  return [...found.values()];
}

/** Items of a and b not matched one for one on the other side. */
function multisetDiff(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  const extra: string[] = [];
  for (const y of b) {
    const c = counts.get(y) ?? 0;
    if (c > 0) counts.set(y, c - 1);
    else extra.push(y);
  }
  for (const [x, c] of counts) for (let i = 0; i < c; i++) extra.push(x);
  return extra;
}

/** How many lines differ between two texts (lines not matched one for one), and the first changed new line. */
export function lineDiff(a: string, b: string): { count: number; first: string | null } {
  const al = a.split("\n");
  const bl = b.split("\n");
  const changed = multisetDiff(al, bl);
  const inA = new Set(al);
  const inB = new Set(bl);
  const first = bl.find((l) => !inA.has(l)) ?? al.find((l) => !inB.has(l)) ?? null;
  return { count: changed.length, first: first === null ? null : first.slice(0, 200) };
}

function describeValue(field: string, ov: string | undefined, nv: string | undefined): string {
  const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}…` : s).replace(/\n/g, "⏎");
  if (ov === undefined) return `+ ${field}`;
  if (nv === undefined) return `- ${field}`;
  // The changed words, when the value is a list of words.
  const ow = ov.split(/\s+/).filter(Boolean);
  const nw = nv.split(/\s+/).filter(Boolean);
  const oSet = new Set(ow);
  const nSet = new Set(nw);
  const gone = ow.filter((w) => !nSet.has(w));
  const come = nw.filter((w) => !oSet.has(w));
  if (gone.length + come.length > 0 && gone.length + come.length <= 6 && !gone.concat(come).some((w) => w.includes("/nix/store/") || w.length > 80)) {
    return `${field}: ${[...gone.map((w) => `- ${w}`), ...come.map((w) => `+ ${w}`)].join(" ")}`;
  }
  // Otherwise the stretch that differs, with a little of what precedes it.
  let pre = 0;
  while (pre < ov.length && pre < nv.length && ov.charCodeAt(pre) === nv.charCodeAt(pre)) pre++;
  let suf = 0;
  while (suf < ov.length - pre && suf < nv.length - pre && ov.charCodeAt(ov.length - 1 - suf) === nv.charCodeAt(nv.length - 1 - suf)) suf++;
  const ctx = Math.max(0, pre - 20);
  const part = (s: string): string => `${ctx > 0 ? "…" : ""}${short(s.slice(ctx, s.length - suf))}${suf > 0 ? "…" : ""}`;
  return `${field}: ${part(ov)} → ${part(nv)}`;
}
