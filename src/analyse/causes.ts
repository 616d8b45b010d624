// Separates cascade from cause, pair by pair.
//
// Cascade: a builder, argument or environment value that differs only where
// store paths differ in their hash, or where a path's name changed exactly as
// one of this pair's input names changed, or by the output suffix of an input
// whose requested outputs changed; "Skipping environment comparison"; an
// input that differs (its own cause is further down).
// Cause: everything else nix-diff shows, attributed to the change that
// explains it, and one change counted once however many parents show it.

import type { DrvPair, OldNew, ParsedDiff, RenderedText } from "../model.js";
import type { Cause, Evidence, Summary } from "../report.js";
import { firstStorePathName, outputNames, parseDrvName, storePathName } from "../values/names.js";
import { NO_PATH } from "../storePaths.js";
import { Substitution, type SubstitutionContext } from "../values/substitution.js";
import { hasMarkers, rebuild, type Rebuilt } from "../values/textDiff.js";
import { markedSame } from "../values/markedSame.js";
import { substitutionContext } from "../values/nameSet.js";
import { thousands } from "../thousands.js";

/** A cause before graph measures (reach, paths) are added, with the printed pairs that show it. */
export type CauseDraft = Omit<Cause, "path" | "via" | "affects"> & { pairIds: number[] };

const MAX_EVIDENCE = 40;
const MAX_LINES = 500;

/** Env keys that mean "this is a fixed-output download": a change there does not cascade into a rebuild. */
const DOWNLOAD_KEYS = new Set(["url", "urls", "mirrorsFile", "curlOpts", "curlOptsList", "netrcPhase", "postFetch", "showURLs"]);

class CauseSet {
  private readonly byKey = new Map<string, CauseDraft>();
  /** Calls to add(), so a pair whose change was already counted elsewhere still counts as explained. */
  adds = 0;

  /** What a cause already holds, so a change seen in thousands of parents is not a quadratic scan. */
  private readonly seen = new Map<CauseDraft, { ids: Set<number>; names: Set<string>; lines: Set<number> }>();

  add(key: string, pair: DrvPair, init: () => Omit<CauseDraft, "pairIds" | "seenIn" | "lines" | "evidence" | "drv">, evidence: Evidence[]): CauseDraft {
    this.adds++;
    let c = this.byKey.get(key);
    if (!c) {
      c = { ...init(), drv: pair.name, pairIds: [], seenIn: [], lines: [], evidence: [] };
      this.byKey.set(key, c);
      this.seen.set(c, { ids: new Set(), names: new Set(), lines: new Set() });
    }
    const seen = this.seen.get(c)!;
    if (!seen.ids.has(pair.id)) {
      seen.ids.add(pair.id);
      c.pairIds.push(pair.id);
    }
    if (!seen.names.has(pair.name)) {
      seen.names.add(pair.name);
      c.seenIn.push(pair.name);
    }
    for (const e of evidence) {
      if (c.lines.length < MAX_LINES && !seen.lines.has(e.line)) {
        seen.lines.add(e.line);
        c.lines.push(e.line);
      }
      if (c.evidence.length < MAX_EVIDENCE) c.evidence.push(e);
    }
    return c;
  }

  all(): CauseDraft[] {
    return [...this.byKey.values()];
  }
}

export interface CauseAnalysis {
  causes: CauseDraft[];
  counts: Pick<
    Summary,
    "builderChanges" | "skippedEnvironments" | "storePathOnly" | "repeatedNameChanges" | "foldedPairs" | "attributedValues" | "valuesNotJudged" | "sectionsNotJudged"
  >;
  /** Pairs whose difference lies in an input nix-diff did not descend into (a same-named group). */
  hiddenInputs: number;
  /** Pairs at column 0 that nix-diff stopped at because their names differ (`old → new`). */
  namesDifferAtTop: string[];
  /**
   * Values that differ only in store paths, kept for an excerpt (a fragment
   * or a cut input) where the changed input may be outside it (frontier.ts).
   */
  pathOnly: PathOnlyValue[];
  /** Path-only values whose text the parser did not keep (a big input), so their paths are not in pathOnly. */
  pathOnlyNotListed?: number;
}

/** A builder, the arguments or an env value that differs only in store paths. */
export interface PathOnlyValue {
  pair: number;
  as: "builder" | "argument" | "value";
  key?: string;
  line: number;
  old: string;
  new: string;
}

export function findCauses(diff: ParsedDiff): CauseAnalysis {
  const set = new CauseSet();
  const counts = {
    builderChanges: 0,
    skippedEnvironments: 0,
    storePathOnly: 0,
    repeatedNameChanges: 0,
    foldedPairs: 0,
    attributedValues: 0,
    valuesNotJudged: 0,
    sectionsNotJudged: 0,
  };
  let hiddenInputs = 0;
  const seenNameChange = new Set<string>();
  // In a complete output every changed input is compared in it: only an excerpt needs these.
  const pathOnly: PathOnlyValue[] = [];
  let pathOnlyNotListed = 0;
  const namesDifferAtTop: string[] = [];
  const keepPathOnly = diff.stats.fragment || diff.stats.truncated ? pathOnly : null;
  // Without renames or changed outputs, a builder's verdict depends on its two texts alone; a
  // system rebuild repeats the same two bash paths in tens of thousands of pairs.
  const builderVerdicts = new Map<string, Map<string, boolean>>();
  const sameBuilder = (sub: Substitution, ctx: SubstitutionContext, from: string, to: string): boolean => {
    if (ctx.renames.size > 0 || ctx.outputsChanged.size > 0) return sub.same(from, to, false);
    let byTo = builderVerdicts.get(from);
    if (!byTo) builderVerdicts.set(from, (byTo = new Map()));
    let same = byTo.get(to);
    if (same === undefined) byTo.set(to, (same = sub.same(from, to, false)));
    return same;
  };

  for (const pair of diff.pairs) {
    if (pair.envSkippedLine !== null) counts.skippedEnvironments++;
    if (pair.status === "onlyAlreadyComparedBelow") counts.foldedPairs++;
    const before = set.adds;
    // nix-diff skips the environment only after descending into an input: that input explains the pair.
    let explained =
      pair.children.length > 0 || pair.mentionCount > 0 || pair.status === "onlyAlreadyComparedBelow" || pair.envSkippedLine !== null;
    // One derivation, however often printed; two derivations that share a name stay apart.
    // Path ids are equal where the paths are (see StorePaths).
    const drvKey = pair.oldPath !== NO_PATH || pair.newPath !== NO_PATH ? `${pair.oldPath}|${pair.newPath}` : `#${pair.id}`;
    let cascadeOnly = false;

    if (pair.status === "namesDiffer") {
      // nix-diff stops at a pair whose names differ; at column 0 that is a fragment's first
      // pair, or nix-diff before 1.0.3, which stopped even at the two derivations it was given.
      const from = pair.oldPath !== NO_PATH ? storePathName(diff.paths.text(pair.oldPath)!) : pair.name;
      const to = pair.newPath !== NO_PATH ? storePathName(diff.paths.text(pair.newPath)!) : pair.name;
      const owner = pair.parent !== null ? diff.pairs[pair.parent]! : pair;
      addNameChange(set, owner, from, to, [{ line: pair.firstLine, text: "• The derivation names do not match" }], seenNameChange, counts);
      if (pair.parent === null) namesDifferAtTop.push(`${from} → ${to}`);
      continue;
    }
    if (pair.status === "outputsDiffer" && pair.parent !== null) {
      const parent = diff.pairs[pair.parent]!;
      set.add(`outputs-of|${pair.name}`, parent, () => ({
        kind: "outputs",
        input: pair.name,
        summary: `requests other outputs of ${pair.name}: ${pair.oldOutputs ?? "?"} → ${pair.newOutputs ?? "?"}`,
      }), [{ line: pair.firstLine, text: `• The requested outputs do not match (${pair.oldOutputs ?? "?"} → ${pair.newOutputs ?? "?"})` }]);
      continue;
    }

    const ctx = substitutionContext(diff.storeDir, pair.findings);
    ctx.sub.namesUnseen = pair.inferred;
    const sub = new Substitution(ctx.sub);
    const claimedByBuilder = new Set<string>();
    const outputsChangedHere = pair.findings.some((f) => f.kind === "outputSet");
    const changedOutputs = new Set<string>();
    for (const f of pair.findings) {
      if (f.kind === "outputSet") for (const i of [...f.items.old, ...f.items.new]) changedOutputs.add(i.text.replace(/^\{|\}$/g, ""));
    }

    // The builder first: an input added/removed under the builder's name is the builder's change.
    for (const f of pair.findings) {
      if (f.kind !== "builder") continue;
      const from = f.items.old[0]?.text ?? "";
      const to = f.items.new[0]?.text ?? "";
      // Equal paths stay equal whatever the pair prints later; a difference may be explained later.
      if (sameBuilder(sub, ctx.sub, from, to)) {
        counts.builderChanges++;
        cascadeOnly = true;
        keepPathOnly?.push({ pair: pair.id, as: "builder", line: f.line, old: from, new: to });
        continue;
      }
      if (f.incomplete) {
        counts.sectionsNotJudged++;
        continue;
      }
      for (const v of [from, to]) {
        const n = firstStorePathName(v, diff.storeDir);
        if (n) claimedByBuilder.add(n);
      }
      set.add(`builder|${sub.normalize(from, "old", false)}|${sub.normalize(to, "new", false)}`, pair, () => ({
        kind: "builder",
        from,
        to,
        summary: `builder ${from} → ${to}`,
      }), evidenceOf(f.line, "The builders do not match", f.items));
    }

    for (const f of pair.findings) {
      // The input ends inside this section (or before what explains it): what it shows is not judged.
      if (f.incomplete && f.kind !== "builder" && f.kind !== "arguments") {
        counts.sectionsNotJudged++;
        continue;
      }
      switch (f.kind) {
        case "builder":
          break;
        case "inputNameSet": {
          const { bumps, removed, added, kept } = ctx.names;
          if (kept.length > 0) {
            // Changed inputs nix-diff did not compare (their names were garbled): they explain the pair.
            hiddenInputs += kept.length;
            explained = true;
          }
          for (const b of bumps) {
            const ev = [b.oldItem, b.newItem].map((i) => ({ line: i.line, text: `${i === b.oldItem ? "-" : "+"} ${i.text}` }));
            addNameChange(set, pair, b.oldItem.text, b.newItem.text, ev, seenNameChange, counts);
          }
          for (const [kind, items] of [["removed", removed], ["added", added]] as const) {
            for (const i of items) {
              if (isClaimed(i.text, claimedByBuilder)) continue;
              addInputChange(set, pair, kind, i.text, [{ line: i.line, text: `${kind === "added" ? "+" : "-"} ${i.text}` }]);
            }
          }
          break;
        }
        case "inputGroup": {
          const oldOuts = f.items.old.map((i) => outputsOfItem(i.text)).sort();
          const newOuts = f.items.new.map((i) => outputsOfItem(i.text)).sort();
          if (oldOuts.length !== newOuts.length) {
            // Another derivation of the same name came or went (a second `source`).
            const kind = newOuts.length > oldOuts.length ? "added" : "removed";
            addInputChange(set, pair, kind, f.name, evidenceOf(f.line, `The set of input derivations named \`${f.name}\` do not match`, f.items), " (another of that name)");
          } else if (oldOuts.join(";") !== newOuts.join(";")) {
            // Parents asking for other outputs of one input: one change, seen in each parent.
            set.add(`outputs-of|${f.name}`, pair, () => ({
              kind: "outputs",
              input: f.name,
              summary: `requests other outputs of ${f.name}: ${oldOuts.join(" ")} → ${newOuts.join(" ")}`,
            }), evidenceOf(f.line, `The set of input derivations named \`${f.name}\` do not match`, f.items));
          } else {
            // Several same-named inputs differ; nix-diff does not say how.
            hiddenInputs++;
            explained = true;
          }
          break;
        }
        case "outputSet":
          set.add(`outputs|${drvKey}|`, pair, () => ({
            kind: "outputs",
            summary: `outputs ${listChange(f.items)}`,
          }), evidenceOf(f.line, "The set of outputs do not match:", f.items));
          break;
        case "hashAlgorithm":
          set.add(`outputs|${drvKey}|hash`, pair, () => ({
            kind: "outputs",
            summary: `hash algorithm of ${f.output} ${listChange(f.items)}`,
          }), evidenceOf(f.line, `{${f.output}}: Hash algorithm:`, f.items));
          break;
        case "platform":
          set.add(`platform|${drvKey}`, pair, () => ({
            kind: "platform",
            from: f.items.old[0]?.text ?? "",
            to: f.items.new[0]?.text ?? "",
            summary: `platform ${listChange(f.items)}`,
          }), evidenceOf(f.line, "The platforms do not match", f.items));
          break;
        case "arguments": {
          const oldArgs = f.args.filter((a) => a.op !== "+").map((a) => a.text).join("\n");
          const newArgs = f.args.filter((a) => a.op !== "-").map((a) => a.text).join("\n");
          if (sub.same(oldArgs, newArgs, false)) {
            counts.storePathOnly++;
            cascadeOnly = true;
            keepPathOnly?.push({ pair: pair.id, as: "argument", line: f.line, old: oldArgs, new: newArgs });
            break;
          }
          if (f.incomplete) {
            counts.sectionsNotJudged++;
            break;
          }
          const changed = f.args.filter((a) => a.op !== " ");
          set.add(`args|${drvKey}`, pair, () => ({
            kind: "args",
            summary: `arguments ${changed.map((a) => `${a.op} ${a.text}`).join(", ")}`,
          }), [{ line: f.line, text: "• The arguments do not match" }, ...changed.map((a) => ({ line: a.line, text: `${a.op} ${a.text}` }))]);
          break;
        }
        case "sourceNameSet": {
          // A name on both sides (names garbled by the store directory): a source whose content changed.
          const oldNames = new Set(f.items.old.map((i) => i.text));
          const bothSides = new Set(f.items.new.filter((i) => oldNames.has(i.text)).map((i) => i.text));
          for (const [side, items] of [["removed", f.items.old], ["added", f.items.new]] as const) {
            for (const i of items) {
              const what = bothSides.has(i.text) ? "changed" : side;
              set.add(`source|${drvKey}|${i.text}`, pair, () => ({
                kind: "source",
                source: i.text,
                summary: `${i.text} ${what}`,
              }), [{ line: f.line, text: "• The set of input source names do not match:" }, { line: i.line, text: `${side === "removed" ? "-" : "+"} ${i.text}` }]);
            }
          }
          break;
        }
        case "sourceContent":
          if (f.diff?.incomplete) {
            counts.sectionsNotJudged++;
            break;
          }
          set.add(`source|${drvKey}|${f.name}`, pair, () => ({
            kind: "source",
            source: f.name,
            summary: `${f.name} changed${f.diff ? ` (${describeTextChange(f.diff)})` : ""}`,
          }), [{ line: f.line, text: `• The input source named \`${f.name}\` differs` }, ...(f.diff ? changedLines(f.diff) : [])]);
          break;
        case "sourcePaths":
          set.add(`source|${drvKey}|${f.name}`, pair, () => ({
            kind: "source",
            source: f.name,
            summary: `${f.name} changed`,
          }), evidenceOf(f.line, `The input sources named \`${f.name}\` differ`, f.items));
          break;
        case "sourceSet": {
          // nix-diff < 1.0.11 lists source paths; a name on both sides with another hash is a changed file.
          const names = new Map<string, { old: Evidence[]; new: Evidence[] }>();
          for (const [side, items] of [["old", f.items.old], ["new", f.items.new]] as const) {
            for (const i of items) {
              const n = storePathName(i.text);
              const e = names.get(n) ?? { old: [], new: [] };
              e[side].push({ line: i.line, text: `${side === "old" ? "-" : "+"} ${i.text}` });
              names.set(n, e);
            }
          }
          for (const [n, e] of names) {
            set.add(`source|${drvKey}|${n}`, pair, () => ({
              kind: "source",
              source: n,
              summary: e.old.length && e.new.length ? `${n} changed` : `${n} ${e.old.length ? "removed" : "added"}`,
            }), [{ line: f.line, text: "• The set of input sources do not match:" }, ...e.old, ...e.new]);
          }
          break;
        }
        case "envEntry": {
          if (outputsChangedHere && (changedOutputs.has(f.key) || f.key === "outputs")) break; // the outputs cause
          if (f.value.incomplete) {
            counts.sectionsNotJudged++;
            break;
          }
          // Read once: a long value's text may be stored packed and decoded on each read (parser.ts: packText).
          const text = f.value.text;
          if (f.side !== "both") {
            // A key that appears or goes with the path of an input or source this pair adds or removes is that change.
            const mentioned = sub.mentionedInput(text, f.side);
            if (mentioned) {
              attributeValue(set, pair, drvKey, ctx.sourceNames, f.side === "new" ? "added" : "removed", mentioned, `${f.side === "old" ? "-" : "+"} ${f.key}`, f.line);
              counts.attributedValues++;
              break;
            }
            addEnv(set, pair, drvKey, f.key, `${f.side === "old" ? "-" : "+"} ${f.key}`, [{ line: f.line, text: `${f.side === "old" ? "-" : "+"} ${f.key}=${firstLine(text)}` }]);
            break;
          }
          if (diff.stats.cutWidth !== null && (f.value.widest ?? 0) >= diff.stats.cutWidth) {
            // A line of this value lost its end to the paste's fixed width: old and new cannot be compared.
            counts.valuesNotJudged++;
            break;
          }
          if (f.value.cut) {
            // Longer than the parser keeps: judged on the whole value as it streamed, never on its kept beginning.
            const verdict = f.value.whole?.verdict() ?? null;
            if (verdict === null) {
              counts.valuesNotJudged++;
              break;
            }
            if (verdict === "same") {
              counts.storePathOnly++;
              cascadeOnly = true;
              break;
            }
            addEnv(set, pair, drvKey, f.key, `${f.key}: ${describeLongValue(f.value, sub)}`, [
              { line: f.line, text: `${f.key}=${f.value.firstLine > f.line ? "''" : firstLine(text)}` },
            ]);
            break;
          }
          // Most values differ only in hashes: a quick test on the marked text, before building any reading.
          // Judged so already when the parser finished the pair (pairDone.ts), which may have dropped the text.
          if (f.value.sameByPaths || (hasMarkers(text) && markedSame(text, sub))) {
            counts.storePathOnly++;
            cascadeOnly = true;
            if (keepPathOnly && f.value.textDropped) {
              // Its paths are not known, so the pair may be explained outside the input: never called unexplained.
              pathOnlyNotListed++;
              explained = true;
            } else if (keepPathOnly) {
              const first = rebuild(text)[0]!;
              keepPathOnly.push({ pair: pair.id, as: "value", key: f.key, line: f.line, old: first.old, new: first.new });
            }
            break;
          }
          const readings = rebuild(text);
          const same = readings.find((r) => sub.same(r.old, r.new));
          if (same) {
            counts.storePathOnly++;
            cascadeOnly = true;
            keepPathOnly?.push({ pair: pair.id, as: "value", key: f.key, line: f.line, old: same.old, new: same.new });
            break;
          }
          const reading = bestReading(readings);
          // Text that inserts or drops the store path of an input this pair adds or removes is that input's change.
          const owner = attributeToInput(reading, sub);
          if (owner) {
            attributeValue(set, pair, drvKey, ctx.sourceNames, owner.kind, owner.input, f.key, f.line);
            counts.attributedValues++;
            break;
          }
          addEnv(set, pair, drvKey, f.key, `${f.key}: ${describeChunks(reading, sub)}`, [
            { line: f.line, text: `${f.key}=${f.value.firstLine > f.line ? "''" : firstLine(text)}` },
            ...(f.value.firstLine > f.line ? changedLines(f.value) : []),
          ]);
          break;
        }
      }
    }

    if (set.adds > before || explained) continue;
    // A pair the input ends inside is not unexplained: its reason may be in the lines that are missing.
    if (pair.inferred || pair.status !== "expanded" || pair.unfinished) continue;
    set.add(`unexplained|${drvKey}`, pair, () => ({
      kind: "unexplained",
      reason: unexplainedReason(diff, pair, cascadeOnly),
      summary: `${pair.name} differs, but the input shows no reason`,
    }), [{ line: pair.firstLine, text: pair.oldPath !== NO_PATH ? `- ${diff.paths.text(pair.oldPath)!}` : pair.name }]);
  }
  return { causes: foldOutputRequests(summariseVariants(foldDerivedNames(mergeVariants(set.all())))), counts, hiddenInputs, pathOnly, pathOnlyNotListed, namesDifferAtTop };
}

// ------------------------------------------------------------------ helpers

function addNameChange(
  set: CauseSet,
  pair: DrvPair,
  from: string,
  to: string,
  evidence: Evidence[],
  seen: Set<string>,
  counts: { repeatedNameChanges: number },
): void {
  const a = parseDrvName(from);
  const b = parseDrvName(to);
  const key = `${from}→${to}`;
  if (seen.has(key)) counts.repeatedNameChanges++;
  seen.add(key);
  if (a.pname === b.pname) {
    const [fromV, toV] = versionCore(a.version, b.version);
    set.add(`version|${a.pname}|${fromV}|${toV}`, pair, () => ({
      kind: "version",
      name: a.pname,
      from: fromV,
      to: toV,
      summary: `${a.pname} ${fromV} → ${toV}`,
      notDescended: true,
    }), evidence);
  } else {
    set.add(`renamed|${from}|${to}`, pair, () => ({ kind: "renamed", from, to, summary: `${from} → ${to}`, notDescended: true }), evidence);
  }
}

/**
 * The changing part of two versions: a suffix both share that starts a word
 * (`-modules`, `.tar.gz`, `-env`) is the derivation's kind, not its version, so
 * `linux-6.6.54-modules` and `linux-6.6.54` bumps are one change.
 */
export function versionCore(from: string, to: string): [string, string] {
  let common = 0;
  while (common < from.length && common < to.length && from[from.length - 1 - common] === to[to.length - 1 - common]) common++;
  for (let k = from.length - common; k < from.length; k++) {
    if ((from[k] === "-" || from[k] === ".") && /[A-Za-z]/.test(from[k + 1] ?? "")) {
      const f = from.slice(0, k);
      const t = to.slice(0, to.length - (from.length - k));
      if (f && t) return [f, t];
    }
  }
  return [from, to];
}

/**
 * Variants of one package bumped together (`systemd` and `systemd-minimal-libs`,
 * both 257.9 → 257.10) are one upstream change: fold each into the shortest
 * name it extends. Shortest first, so a name's base is the first of its
 * `-`-prefixes with the same versions: one lookup per `-`, not one per bump.
 */
export function mergeVariants(causes: CauseDraft[]): CauseDraft[] {
  const versions = causes.filter((c) => c.kind === "version").sort((x, y) => x.name!.length - y.name!.length);
  const bases = new Map<string, CauseDraft>();
  const baseLengths = new Set<number>();
  const key = (c: CauseDraft, name: string): string => `${c.from}\u0000${c.to}\u0000${name}`;
  const gone = new Set<CauseDraft>();
  for (const v of versions) {
    const name = v.name!;
    let base: CauseDraft | undefined;
    for (let k = name.indexOf("-"); k >= 0 && base === undefined; k = name.indexOf("-", k + 1)) {
      if (baseLengths.has(k)) base = bases.get(key(v, name.slice(0, k)));
    }
    if (base) {
      foldVariant(base, v, name);
      gone.add(v);
    } else if (!bases.has(key(v, name))) {
      bases.set(key(v, name), v);
      baseLengths.add(name.length);
    }
  }
  return causes.filter((c) => !gone.has(c));
}

/** Substring lookups foldDerivedNames may make; past it, it stops folding (no real input comes near). */
const FOLD_BUDGET = 20_000_000;

/**
 * Names that embed a bumped package's name and version change with it:
 * `initrd-linux-6.6.54` with `linux-6.6.54`, `perl5.40.0-Apache-Session-1.94`
 * with `perl-5.40.0`. Such a version change, or a removed/added pair, is the
 * bump seen again: fold it into the bump (listed in its `variants`).
 *
 * The bumps a name can embed are found by looking its substrings up, one per
 * position and bump-name length, not by trying every bump.
 */
export function foldDerivedNames(causes: CauseDraft[]): CauseDraft[] {
  const bumps = causes.filter((c) => c.kind === "version");
  if (bumps.length === 0) return causes;
  const gone = new Set<CauseDraft>();
  const order = new Map<CauseDraft, number>();
  const byName = new Map<string, CauseDraft[]>();
  bumps.forEach((b, i) => {
    order.set(b, i);
    const list = byName.get(b.name!);
    if (list) list.push(b);
    else byName.set(b.name!, [b]);
  });
  const lengths = [...new Set(bumps.map((b) => b.name!.length))].sort((x, y) => x - y);
  let budget = FOLD_BUDGET;
  /** Bumps whose name occurs in `name`, in bump order. */
  const embedded = (name: string): CauseDraft[] => {
    const found = new Set<CauseDraft>();
    for (const len of lengths) {
      if (len > name.length) break;
      budget -= name.length - len + 1;
      if (budget < 0) return [];
      for (let i = 0; i + len <= name.length; i++) {
        const list = byName.get(name.substr(i, len));
        if (list) for (const b of list) found.add(b);
      }
    }
    return [...found].sort((x, y) => order.get(x)! - order.get(y)!);
  };
  /** `oldName` with bump `b` applied, or null when it does not embed b. */
  const applied = (b: CauseDraft, oldName: string): string[] => {
    const out: string[] = [];
    for (const sep of ["-", ""]) {
      const from = `${b.name}${sep}${b.from}`;
      const at = oldName.indexOf(from);
      if (at >= 0) out.push(oldName.slice(0, at) + `${b.name}${sep}${b.to}` + oldName.slice(at + from.length));
    }
    return out;
  };
  const bumpFor = (oldName: string, newName: string, not?: CauseDraft): CauseDraft | null => {
    for (const b of embedded(oldName)) {
      if (b === not || gone.has(b)) continue;
      if (applied(b, oldName).includes(newName)) return b;
    }
    return null;
  };
  const fold = (b: CauseDraft, c: CauseDraft, name: string): void => {
    if (b === c) return;
    foldVariant(b, c, name);
    gone.add(c);
  };
  for (const c of causes) {
    if (c.kind === "version") {
      if (gone.has(c)) continue;
      const b = bumpFor(`${c.name}-${c.from}`, `${c.name}-${c.to}`, c);
      if (b) fold(b, c, c.name!);
    } else if (c.kind === "renamed") {
      const b = bumpFor(c.from!, c.to!);
      if (b) fold(b, c, c.from!);
    }
  }
  const addedList = causes.filter((c) => c.kind === "added" && !gone.has(c));
  const added = new Map(addedList.map((c) => [c.input!, c]));
  const addedOrder = new Map(addedList.map((c, i) => [c.input!, i]));
  for (const r of causes) {
    if (r.kind !== "removed" || gone.has(r)) continue;
    // The first added input (in their order) that some bump turns this one into.
    let name: string | null = null;
    for (const b of embedded(r.input!)) {
      if (gone.has(b)) continue;
      for (const n of applied(b, r.input!)) {
        if (added.has(n) && (name === null || addedOrder.get(n)! < addedOrder.get(name)!)) name = n;
      }
    }
    if (name === null) continue;
    const b = bumpFor(r.input!, name)!;
    const a = added.get(name)!;
    fold(b, r, parseDrvName(r.input!).pname);
    fold(b, a, parseDrvName(r.input!).pname);
    added.delete(name);
  }
  return causes.filter((c) => !gone.has(c));
}

/** `c` is the bump `b` seen under another name: b takes its places, lines and name. */
function foldVariant(b: CauseDraft, c: CauseDraft, name: string): void {
  union(b.pairIds, c.pairIds);
  union(b.seenIn, c.seenIn);
  absorbEvidence(b, c);
  b.variants ??= [];
  if (!setOf(b.variants).has(name)) {
    b.variants.push(name);
    setOf(b.variants).add(name);
  }
}

/** A bump's summary names the variants folded into it (written once, when all are folded). */
export function summariseVariants(causes: CauseDraft[]): CauseDraft[] {
  for (const b of causes) if (b.kind === "version" && b.variants) b.summary = `${b.name} ${b.from} → ${b.to} (also ${b.variants.join(", ")})`;
  return causes;
}

function absorbEvidence(into: CauseDraft, from: CauseDraft): void {
  union(into.lines, from.lines);
  into.evidence.push(...from.evidence.slice(0, Math.max(0, MAX_EVIDENCE - into.evidence.length)));
}

/** Append to `into` what it does not hold yet, in order. */
function union<T>(into: T[], more: T[]): void {
  const have = setOf(into);
  for (const x of more) {
    if (have.has(x)) continue;
    into.push(x);
    have.add(x);
  }
}

// A Set kept beside an array that folds grow again and again (one bump takes
// thousands of variants): rebuilt only when the array changed behind its back.
const sets = new WeakMap<unknown[], Set<unknown>>();
function setOf<T>(list: T[]): Set<T> {
  let s = sets.get(list) as Set<T> | undefined;
  if (!s || s.size !== list.length) {
    s = new Set(list);
    sets.set(list, s);
  }
  return s;
}

/**
 * When an input's own set of outputs changed, its parents asking for other
 * outputs of it follow from that: one cause, the input's own.
 */
export function foldOutputRequests(causes: CauseDraft[]): CauseDraft[] {
  const own = new Map<string, CauseDraft>();
  for (const c of causes) if (c.kind === "outputs" && c.input === undefined) own.set(c.drv, c);
  return causes.filter((c) => {
    if (c.kind !== "outputs" || c.input === undefined) return true;
    const target = own.get(c.input);
    if (!target) return true;
    absorbEvidence(target, c);
    return false;
  });
}

function addInputChange(set: CauseSet, pair: DrvPair, kind: "added" | "removed", input: string, evidence: Evidence[], note = ""): void {
  set.add(`${kind}|${input}`, pair, () => ({ kind, input, summary: `${kind === "added" ? "added input" : "removed input"} ${input}${note}` }), evidence);
}

/**
 * A value that inserts or drops the path of an input or source this pair adds
 * or removes: that change's evidence, not an env change of its own. A source's
 * name-set lines have made it a source cause already.
 */
function attributeValue(
  set: CauseSet,
  pair: DrvPair,
  drvKey: string,
  sourceNames: Set<string>,
  kind: "added" | "removed",
  name: string,
  key: string,
  line: number,
): void {
  const evidence = [{ line, text: `${key}=… (${kind === "added" ? "inserts" : "drops"} ${name})` }];
  if (sourceNames.has(name)) {
    set.add(`source|${drvKey}|${name}`, pair, () => ({ kind: "source", source: name, summary: `${name} ${kind}` }), evidence);
  } else {
    addInputChange(set, pair, kind, name, evidence);
  }
}

function addEnv(set: CauseSet, pair: DrvPair, drvKey: string, key: string, what: string, evidence: Evidence[]): void {
  const c = set.add(`env|${drvKey}`, pair, () => ({ kind: "env", keys: [], summary: "" }), evidence);
  if (!c.keys!.includes(key)) {
    c.keys!.push(key);
    c.summary = c.summary ? `${c.summary}; ${what}` : what;
  }
  if (c.keys!.every((k) => DOWNLOAD_KEYS.has(k))) c.kind = "fixed-output";
  else if (c.kind === "fixed-output") c.kind = "env";
}

function isClaimed(name: string, claimed: Set<string>): boolean {
  for (const c of claimed) if (c === name || c.startsWith(name + "-")) return true;
  return false;
}

function outputsOfItem(text: string): string {
  const m = /:\{([^}]*)\}$/.exec(text);
  return m ? outputNames(m[1] ?? "").join(",") : "";
}

function evidenceOf(line: number, heading: string, items: OldNew): Evidence[] {
  return [
    { line, text: `• ${heading}` },
    ...items.old.map((i) => ({ line: i.line, text: `- ${i.text}` })),
    ...items.new.map((i) => ({ line: i.line, text: `+ ${i.text}` })),
  ];
}

function listChange(items: OldNew): string {
  return `${items.old.map((i) => i.text).join(" ") || "∅"} → ${items.new.map((i) => i.text).join(" ") || "∅"}`;
}

function firstLine(s: string): string {
  const i = s.indexOf("\n");
  return i < 0 ? s : s.slice(0, i) + " …";
}

/** The lines of a rendered value that carry a change, with their input line numbers. */
function changedLines(v: RenderedText, max = 12): Evidence[] {
  const out: Evidence[] = [];
  const lines = v.text.split("\n");
  const marked = hasMarkers(v.text);
  for (let i = 0; i < lines.length && out.length < max; i++) {
    const l = lines[i]!;
    if (marked ? hasMarkers(l) : l.startsWith("- ") || l.startsWith("+ ")) out.push({ line: v.firstLine + i, text: l });
  }
  return out;
}

function describeTextChange(v: RenderedText): string {
  const changed = changedLines(v, Number.MAX_SAFE_INTEGER).length;
  return `${changed} ${changed === 1 ? "line differs" : "lines differ"}${v.cut ? ", value cut" : ""}`;
}

function attributeToInput(r: Rebuilt, sub: Substitution): { kind: "added" | "removed"; input: string } | null {
  // Whole values, not chunks: a character-level diff splits an inserted path into pieces.
  const added = sub.mentionedInput(r.new, "new");
  if (added) return { kind: "added", input: added };
  const removed = sub.mentionedInput(r.old, "old");
  return removed ? { kind: "removed", input: removed } : null;
}

function bestReading(readings: Rebuilt[]): Rebuilt {
  let best = readings[0]!;
  for (const r of readings) if (Math.abs(r.old.length - r.new.length) < Math.abs(best.old.length - best.new.length)) best = r;
  return best;
}

/** `--with-x → --without-x`, `+ --disable-silent-rules`: the changed chunks, store paths shortened. */
/** What a long value's kept beginning shows changed, or that the change lies past it. */
function describeLongValue(v: RenderedText, sub: Substitution): string {
  const readings = rebuild(v.text);
  const shown = readings.find((r) => !sub.same(r.old, r.new));
  const length = v.whole ? `${thousands(v.whole.seen)} characters` : "too long to keep";
  return shown ? `${describeChunks(shown, sub)} (value of ${length}, compared whole)` : `changed past its first ${thousands(v.text.length)} characters (value of ${length}, compared whole)`;
}

function describeChunks(r: Rebuilt, sub: Substitution): string {
  const show = (side: "old" | "new"): string =>
    r.changes
      .filter((c) => c.side === side)
      .map((c) => sub.normalize(c.text, side, false).replace(/@\//g, ""))
      .filter((s) => s.length > 0)
      .join(" ");
  const o = show("old");
  const n = show("new");
  if (o && n) return `${o} → ${n}`;
  if (n) return `+ ${n}`;
  if (o) return `- ${o}`;
  return "whitespace changed";
}

function unexplainedReason(diff: ParsedDiff, pair: DrvPair, cascadeOnly: boolean): string {
  const last = diff.stats.lines;
  if (diff.stats.truncated && pair.lastLine >= last - 1) return "the input ends before nix-diff said why it differs";
  if (cascadeOnly) return "only store paths differ, and no differing input is shown (lines may be missing)";
  return "nix-diff printed no difference for it (lines may be missing, or it is a fragment)";
}
