// An input name-set change read as renames, removals and additions, and what
// it says about which store paths may differ: the substitution under which a
// value that differs only in those paths counts as unchanged. Both the parser
// (judging values as each pair closes) and findCauses read it.

import type { Finding, Located, OldNew } from "../model.js";
import { parseDrvName } from "./names.js";
import type { SubstitutionContext } from "./substitution.js";

export interface NameChanges {
  bumps: { oldItem: { text: string; line: number }; newItem: { text: string; line: number } }[];
  removed: { text: string; line: number }[];
  added: { text: string; line: number }[];
  /**
   * A name on both sides: never in a set difference nix-diff computed from real
   * names, so an input that kept its name and changed, grouped by a garbled name.
   */
  kept: { text: string; line: number }[];
}

/** Split a name-set change into version bumps (same package name) and additions/removals. */
export function splitNameSet(items: OldNew): NameChanges {
  const byPname = new Map<string, { old: Located[]; new: Located[] }>();
  const oldNames = new Set(items.old.map((i) => i.text));
  const kept = items.new.filter((i) => oldNames.has(i.text));
  const keptNames = new Set(kept.map((i) => i.text));
  for (const [side, list] of [["old", items.old], ["new", items.new]] as const) {
    for (const i of list) {
      if (keptNames.has(i.text)) continue;
      const { pname } = parseDrvName(i.text);
      const e = byPname.get(pname) ?? { old: [], new: [] };
      e[side].push(i);
      byPname.set(pname, e);
    }
  }
  const out: NameChanges = { bumps: [], removed: [], added: [], kept };
  for (const e of byPname.values()) {
    const n = Math.min(e.old.length, e.new.length);
    for (let k = 0; k < n; k++) out.bumps.push({ oldItem: e.old[k]!, newItem: e.new[k]! });
    out.removed.push(...e.old.slice(n));
    out.added.push(...e.new.slice(n));
  }
  pairAcrossPlatforms(out);
  return out;
}

/**
 * The CPU that starts a platform triple, as nixpkgs prefixes a cross-built
 * package's name with the target's config (`aarch64-unknown-linux-gnu-gcc-14.2.1`).
 */
const TRIPLE_CPU = /^(?:x86_64|i[3-6]86|aarch64(?:_be)?|arm(?:v\d+[a-z]*)?|riscv(?:32|64)|powerpc(?:64)?(?:le)?|mips(?:64)?(?:el)?|s390x?|wasm(?:32|64)|loongarch64|m68k|avr|or1k|sparc(?:64)?|microblaze(?:el)?)-/;

/** `foo-1.0` for `aarch64-unknown-linux-gnu-foo-1.0`: the name without a 2- to 4-part triple before it, or null. */
function withoutTriple(name: string, others: Map<string, unknown>): string | null {
  const cpu = TRIPLE_CPU.exec(name);
  if (!cpu) return null;
  // The rest of the triple is 1 to 3 more parts; the right cut is the one that leaves a package name seen on the other side.
  let at = cpu[0].length;
  for (let parts = 1; parts <= 3; parts++) {
    const dash = name.indexOf("-", at);
    if (dash < 0) return null;
    at = dash + 1;
    const rest = name.slice(at);
    if (others.has(parseDrvName(rest).pname)) return rest;
  }
  return null;
}

/** A removed and an added input that are one package built for another platform are one rename. */
function pairAcrossPlatforms(out: NameChanges): void {
  if (out.removed.length === 0 || out.added.length === 0) return;
  for (const [from, to] of [["removed", "added"], ["added", "removed"]] as const) {
    const byPname = new Map<string, { text: string; line: number }[]>();
    for (const i of out[to]) {
      const p = parseDrvName(i.text).pname;
      const list = byPname.get(p);
      if (list) list.push(i);
      else byPname.set(p, [i]);
    }
    const left: { text: string; line: number }[] = [];
    const taken = new Set<{ text: string; line: number }>();
    const next = new Map<string, number>(); // per package name, the first candidate not yet taken
    for (const i of out[from]) {
      const rest = withoutTriple(i.text, byPname);
      const pname = rest === null ? "" : parseDrvName(rest).pname;
      const list = rest === null ? undefined : byPname.get(pname);
      const k = next.get(pname) ?? 0;
      const match = list?.[k];
      if (!match) {
        left.push(i);
        continue;
      }
      taken.add(match);
      next.set(pname, k + 1);
      out.bumps.push(from === "removed" ? { oldItem: i, newItem: match } : { oldItem: match, newItem: i });
    }
    out[from] = left;
    out[to] = out[to].filter((j) => !taken.has(j));
  }
}

export function substitutionContext(storeDir: string, findings: Finding[]): { sub: SubstitutionContext; names: NameChanges; sourceNames: Set<string> } {
  const sub: SubstitutionContext = { storeDir, renames: new Map(), removed: new Set(), added: new Set(), outputsChanged: new Set() };
  const sourceNames = new Set<string>();
  let names: NameChanges = { bumps: [], removed: [], added: [], kept: [] };
  for (const f of findings) {
    if (f.kind === "inputNameSet") {
      names = splitNameSet(f.items);
      for (const b of names.bumps) sub.renames.set(b.oldItem.text, b.newItem.text);
      for (const r of names.removed) sub.removed.add(r.text);
      for (const a of names.added) sub.added.add(a.text);
    } else if (f.kind === "sourceNameSet") {
      for (const i of [...f.items.old, ...f.items.new]) sourceNames.add(i.text);
      for (const r of f.items.old) sub.removed.add(r.text);
      for (const a of f.items.new) sub.added.add(a.text);
    } else if (f.kind === "inputGroup") {
      if (f.items.old.length !== f.items.new.length) {
        // Paths of that name come and go on both sides: none of them tells a real change.
        sub.removed.add(f.name);
        sub.added.add(f.name);
      } else sub.outputsChanged.add(f.name);
    }
  }
  return { sub, names, sourceNames };
}
