// The frontier of an excerpt: what changed outside the pasted part. In a
// fragment (or a cut output), a derivation can be seen changing without its
// comparison being in the input: its output path comes back with another
// hash but the same name in a builder, the arguments or a value (every
// `The builders do not match` of the seed thread names a new bash-5.2p37),
// or nix-diff says it "has already been compared" where the comparison is
// not in the excerpt. Such a derivation is not a root cause (why it changed
// is not in the input), but it is what explains the pairs that show it, and
// the one thing a reader of the excerpt needs to look up next.
//
// In a complete output every such derivation is a pair nix-diff printed (its
// first comparison comes before every mention of it), so the frontier is
// empty.

import type { ParsedDiff } from "../model.js";
import type { FrontierEntry } from "../report.js";
import type { PathOnlyValue } from "./causes.js";
import type { PairGraph } from "./graph.js";

const MAX_NAMED_PAIRS = 20;
const MAX_LINES = 50;
/** `-dev`, `-man`, `-lib`: an output name after a derivation's name. */
const OUTPUT_SUFFIX = /^[a-z][a-z0-9]*$/;

interface Draft {
  name: string;
  seenAs: Set<FrontierEntry["seenAs"][number]>;
  old: string | null;
  new: string | null;
  pairs: Set<number>;
  asBuilder: Set<number>;
  lines: number[];
}

/** Store paths in `value` as name → the hashes it carries on that side. */
function pathsByName(value: string, storeDir: string, into: Map<string, { old: string[]; new: string[] }>, side: "old" | "new"): void {
  const prefix = storeDir + "/";
  for (let at = value.indexOf(prefix); at >= 0; at = value.indexOf(prefix, at + 1)) {
    const start = at + prefix.length;
    let end = start;
    while (end < value.length && /[0-9a-z]/.test(value[end]!)) end++;
    if (end - start !== 32 || value[end] !== "-") continue;
    let nameEnd = end + 1;
    while (nameEnd < value.length && /[A-Za-z0-9+._?=-]/.test(value[nameEnd]!)) nameEnd++;
    const name = value.slice(end + 1, nameEnd);
    if (name === "") continue;
    let e = into.get(name);
    if (!e) into.set(name, (e = { old: [], new: [] }));
    const path = value.slice(at, nameEnd);
    if (!e[side].includes(path)) e[side].push(path);
  }
}

/** Names (with an old and a new path) whose store hash differs between the two sides of a value. */
export function changedPathNames(v: { old: string; new: string }, storeDir: string): { name: string; old: string; new: string }[] {
  const byName = new Map<string, { old: string[]; new: string[] }>();
  pathsByName(v.old, storeDir, byName, "old");
  pathsByName(v.new, storeDir, byName, "new");
  const out: { name: string; old: string; new: string }[] = [];
  for (const [name, e] of byName) {
    const o = e.old.find((p) => !e.new.includes(p));
    const n = e.new.find((p) => !e.old.includes(p));
    if (o && n) out.push({ name, old: o, new: n });
  }
  return out;
}

export interface Frontier {
  entries: FrontierEntry[];
  /** Printed pairs that show a frontier derivation (their difference is explained by it). */
  pairs: Set<number>;
}

export function findFrontier(diff: ParsedDiff, g: PairGraph, pathOnly: PathOnlyValue[]): Frontier {
  const pairs = new Set<number>();
  // A store outside /nix/store garbles nix-diff's names (its issue #100): even a whole output hides inputs.
  const garbled = diff.storeDir.length !== "/nix/store".length;
  if (!diff.stats.fragment && !diff.stats.truncated && !garbled) return { entries: [], pairs };
  // Names compared in the input: their change is explained where they are printed.
  const compared = new Set<string>();
  for (const p of diff.pairs) {
    if (!p.inferred) compared.add(p.name);
    // Input sources shown as such: their change is in the input (and they have no deriver to look up).
    for (const f of p.findings) {
      if (f.kind === "sourceContent" || f.kind === "sourcePaths") compared.add(f.name);
      else if (f.kind === "sourceNameSet") for (const i of [...f.items.old, ...f.items.new]) compared.add(i.text);
    }
  }
  const inInput = (name: string): boolean => {
    if (compared.has(name)) return true;
    const dash = name.lastIndexOf("-");
    return dash > 0 && OUTPUT_SUFFIX.test(name.slice(dash + 1)) && compared.has(name.slice(0, dash));
  };
  const drafts = new Map<string, Draft>();
  const draft = (name: string): Draft => {
    let d = drafts.get(name);
    if (!d) drafts.set(name, (d = { name, seenAs: new Set(), old: null, new: null, pairs: new Set(), asBuilder: new Set(), lines: [] }));
    return d;
  };
  const note = (d: Draft, pair: number, line: number): void => {
    pairs.add(pair);
    if (!diff.pairs[pair]!.inferred) d.pairs.add(g.key[pair]!);
    if (d.lines.length < MAX_LINES && !d.lines.includes(line)) d.lines.push(line);
  };

  for (const r of g.unresolvedRefs) {
    const d = draft(r.name);
    d.seenAs.add("already compared");
    note(d, r.pair, r.line);
  }
  // On both sides of a name set: an input that kept its name and changed, which nix-diff never compared.
  for (const p of diff.pairs) {
    for (const f of p.findings) {
      if (f.kind !== "inputNameSet") continue;
      const old = new Set(f.items.old.map((i) => i.text));
      for (const i of f.items.new) {
        if (!old.has(i.text) || inInput(i.text)) continue;
        const d = draft(i.text);
        d.seenAs.add("name set");
        note(d, p.id, i.line);
      }
    }
  }
  for (const v of pathOnly) {
    for (const c of changedPathNames(v, diff.storeDir)) {
      if (inInput(c.name)) continue;
      // An output of a derivation already on the frontier (`bash-5.2p37-dev`) is that derivation.
      const dash = c.name.lastIndexOf("-");
      const base = dash > 0 && OUTPUT_SUFFIX.test(c.name.slice(dash + 1)) && drafts.has(c.name.slice(0, dash)) ? c.name.slice(0, dash) : c.name;
      const d = draft(base);
      d.seenAs.add(v.as);
      if (base === c.name && d.old === null) {
        d.old = c.old;
        d.new = c.new;
      }
      if (v.as === "builder") d.asBuilder.add(g.key[v.pair]!);
      note(d, v.pair, v.line);
    }
  }

  const entries = [...drafts.values()].map((d): FrontierEntry & { sortKey: number } => {
    const ids = [...d.pairs];
    const names: string[] = [];
    const seen = new Set<string>();
    for (const p of diff.pairs) {
      if (names.length >= MAX_NAMED_PAIRS) break;
      if (p.inferred || !d.pairs.has(g.key[p.id]!) || seen.has(p.name)) continue;
      seen.add(p.name);
      names.push(p.name);
    }
    return {
      name: d.name,
      seenAs: (["builder", "argument", "value", "already compared", "name set"] as const).filter((k) => d.seenAs.has(k)),
      old: d.old,
      new: d.new,
      pairs: ids.length,
      builderOf: d.asBuilder.size,
      explains: names,
      lines: d.lines.sort((a, b) => a - b),
      howToSee:
        d.old && d.new
          ? `nix-diff "$(nix-store --query --deriver ${d.old})" "$(nix-store --query --deriver ${d.new})"`
          : d.seenAs.has("name set")
            ? `drvsquash OLD.drv NEW.drv (or nix-diff run with its store at /nix/store): this nix-diff never compared ${d.name}`
            : `the part of nix-diff's output where ${d.name} is compared (it came before this excerpt)`,
      sortKey: d.asBuilder.size * 2 + ids.length,
    };
  });
  entries.sort((a, b) => b.sortKey - a.sortKey || (a.lines[0] ?? 0) - (b.lines[0] ?? 0));
  return { entries: entries.map(({ sortKey: _, ...e }) => e), pairs };
}
