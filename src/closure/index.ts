// The closure front end: two root derivations → walk (walk.ts) → each pair
// compared (compare.ts) → the same model the text parser produces (pairs in a
// tree, for reach, paths and funnels) plus the causes, of the same kinds and
// fields as from text, each with derivation-and-field evidence and whether
// nix-diff would have shown it.

import { analyseDiff, type AnalyseOptions, type Analysis } from "../analyse/index.js";
import { parseDrvName } from "../values/names.js";
import { foldDerivedNames, mergeVariants, foldOutputRequests, summariseVariants, versionCore, type CauseAnalysis, type CauseDraft } from "../analyse/causes.js";
import { emptyInputStats, noMentions, type DrvPair, type InputStats, type ParsedDiff } from "../model.js";
import type { Evidence } from "../report.js";
import { comparePair, Versions, type Bump, type PairComparison } from "./compare.js";
import type { ClosureRoots } from "./resolve.js";
import { Store } from "./store.js";
import { walkClosures, type PairRec, type Walk } from "./walk.js";
import { StorePaths } from "../storePaths.js";
import { thousands } from "../thousands.js";

export interface ClosureOptions {
  storeDir: string;
  /** Read `/nix/store/X` from `dir/X` (`--store`), or null for the paths themselves. */
  dir: string | null;
  files?: Map<string, string>;
}

export interface ClosureResult {
  diff: ParsedDiff;
  causes: CauseAnalysis;
  /** Per pair id: nothing it holds rebuilds (a fixed output whose hash did not change, and what only it changed). */
  sameOutputs: boolean[];
  walk: Walk;
  store: Store;
}

/** Keys that say where a fixed-output derivation downloads from. */
const DOWNLOAD_KEYS = new Set(["url", "urls", "mirrorsFile", "curlOpts", "curlOptsList", "netrcPhase", "postFetch", "showURLs"]);

export function readClosures(oldRoot: string, newRoot: string, options: ClosureOptions): ClosureResult {
  const store = new Store(options.storeDir, options.dir, options.files);
  const walk = walkClosures(store, oldRoot, newRoot);
  const { pairs } = walk;

  // Version bumps first: a value that changed only by a version seen anywhere in the walk is that bump.
  const bumps: Bump[] = [];
  for (const p of pairs) {
    if (p.old.name === p.new.name) continue;
    const a = parseDrvName(p.old.name);
    const b = parseDrvName(p.new.name);
    if (a.pname !== b.pname || !a.version || !b.version) continue;
    bumps.push({ oldName: p.old.name, newName: p.new.name, from: a.version, to: b.version });
    const [f, t] = versionCore(a.version, b.version);
    if (f !== a.version) bumps.push({ oldName: p.old.name, newName: p.new.name, from: f, to: t });
  }
  const versions = new Versions(bumps);

  const compared: PairComparison[] = pairs.map((p) => comparePair(p, store, pairs, versions));
  const diff = toModel(walk, store);
  const causes = buildCauses(walk, compared, diff);
  // A fixed output whose hash did not change rebuilds nothing: neither do pairs that differ only through such outputs.
  const sameOutputs = pairs.map((p) => p.old.outputs.length > 0 && p.old.outputs.map((o) => o.path).join(" ") === p.new.outputs.map((o) => o.path).join(" "));
  return { diff, causes, sameOutputs, walk, store };
}

/** The walk as the text parser's model: one printed pair per compared pair, in a breadth-first tree. */
function toModel(walk: Walk, store: Store): ParsedDiff {
  const { pairs } = walk;
  const paths = new StorePaths();
  const drvPairs: DrvPair[] = pairs.map((p) => ({
    id: p.id,
    name: p.old.name,
    oldPath: paths.add(p.old.path),
    newPath: paths.add(p.new.path),
    oldOutputs: null,
    newOutputs: null,
    parent: p.parents[0] ?? null,
    depth: p.depth,
    firstLine: 0,
    lastLine: 0,
    status: p.old.name !== p.new.name && p.parents.length > 0 ? "namesDiffer" : "expanded",
    inferred: false,
    children: [],
    links: [],
    mentionCount: 0,
    findings: [],
    envSkippedLine: null,
    envShownLine: null,
  }));
  for (const p of pairs) {
    for (const c of p.children) {
      if (pairs[c]!.parents[0] === p.id) drvPairs[p.id]!.children.push(c);
      else drvPairs[p.id]!.links!.push(c);
    }
  }
  // Positions in the tree's preorder stand in for input lines (ranges nest like nix-diff's text).
  let next = 0;
  const stack: { id: number; kid: number }[] = [{ id: walk.root.id, kid: -1 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const dp = drvPairs[top.id]!;
    if (top.kid < 0) {
      dp.firstLine = ++next;
      top.kid = 0;
    }
    if (top.kid < dp.children.length) stack.push({ id: dp.children[top.kid++]!, kid: -1 });
    else {
      dp.lastLine = next;
      stack.pop();
    }
  }
  const stats: InputStats = {
    ...emptyInputStats(),
    lines: next,
    wording: "closure",
    documents: 1,
    // No text: every "line" is a pair of the walk, all of them the comparison's own.
    nixDiffLines: next,
    closure: { derivations: store.derivations(), files: store.filesRead, bytes: store.bytesRead, pairs: pairs.length },
  };
  return { pairs: drvPairs, paths, mentions: noMentions(drvPairs.length), names: [], roots: [walk.root.id], storeDir: store.storeDir, stats, foreign: { runs: [], before: [] } };
}

interface Draft extends CauseDraft {
  shownBy: Set<number>;
  hiddenWhy: string | null;
}

function buildCauses(walk: Walk, compared: PairComparison[], diff: ParsedDiff): CauseAnalysis {
  const { pairs } = walk;
  const byKey = new Map<string, Draft>();
  const counts = { builderChanges: 0, skippedEnvironments: 0, storePathOnly: 0, repeatedNameChanges: 0, foldedPairs: 0, attributedValues: 0, valuesNotJudged: 0, sectionsNotJudged: 0 };
  const file = (p: PairRec): string => `${p.new.name}.drv`;
  const ev = (p: PairRec, field: string, what?: string): Evidence => ({
    line: diff.pairs[p.id]!.firstLine,
    text: `${file(p)}: ${field}${what ? ` (${what})` : ""}`,
    drv: file(p),
    field,
  });
  /** One cause per change: `key` says what is the same change; `p` shows it (nix-diff shows it when `shown`). */
  const add = (
    key: string,
    p: PairRec,
    shown: boolean,
    hiddenWhy: string | null,
    init: () => Omit<CauseDraft, "pairIds" | "seenIn" | "lines" | "evidence" | "drv">,
    evidence: Evidence[],
    seenIn = p.old.name,
  ): Draft => {
    let c = byKey.get(key);
    if (!c) {
      c = { ...init(), drv: seenIn, pairIds: [], seenIn: [], lines: [], evidence: [], shownBy: new Set(), hiddenWhy: null };
      byKey.set(key, c);
    }
    if (!c.pairIds.includes(p.id)) c.pairIds.push(p.id);
    if (!c.seenIn.includes(seenIn)) c.seenIn.push(seenIn);
    if (shown) c.shownBy.add(p.id);
    else if (c.hiddenWhy === null) c.hiddenWhy = hiddenWhy;
    for (const e of evidence) if (c.evidence.length < 40) c.evidence.push(e);
    return c;
  };

  for (const p of pairs) {
    const cmp = compared[p.id]!;
    counts.storePathOnly += cmp.pathOnly;
    if (cmp.builderPathOnly) counts.builderChanges++;
    const seen = p.nixSeen;
    const why = p.nixWhy;
    const envWhy = seen && p.nixEnvSkipped ? "nix-diff skips the environment of a derivation once an input differs (shown with --environment)" : why;
    let explained = p.children.length > 0;

    // A download below bumped packages only is their new source: the bump explains it.
    const tarballOfBumps = p.old.fixed && p.new.fixed && p.parents.length > 0 && p.parents.every((q) => pairs[q]!.old.name !== pairs[q]!.new.name);
    if (tarballOfBumps) continue;
    // The pair's own name: a version bump or a rename, shown by nix-diff in each parent it compares.
    if (p.old.name !== p.new.name && p.parents.length > 0) {
      explained = true;
      const a = parseDrvName(p.old.name);
      const b = parseDrvName(p.new.name);
      for (const q of p.parents) {
        const parent = pairs[q]!;
        const e = ev(parent, `inputDrvs ${p.old.name} → ${p.new.name}`);
        if (a.pname === b.pname) {
          const [from, to] = versionCore(a.version, b.version);
          const c = add(`version|${a.pname}|${from}|${to}`, parent, parent.nixSeen, parent.nixWhy, () => ({ kind: "version", name: a.pname, from, to, summary: `${a.pname} ${from} → ${to}` }), [e], parent.old.name);
          if (!c.pairIds.includes(p.id)) c.pairIds.push(p.id);
        } else {
          const c = add(`renamed|${p.old.name}|${p.new.name}`, parent, parent.nixSeen, parent.nixWhy, () => ({ kind: "renamed", from: p.old.name, to: p.new.name, summary: `${p.old.name} → ${p.new.name}` }), [e], parent.old.name);
          if (!c.pairIds.includes(p.id)) c.pairIds.push(p.id);
        }
      }
    }

    // A download whose output did not change: one fixed-output cause, whatever changed in it.
    const local = cmp.diffs.filter((d) => d.kind !== "attributed");
    if (cmp.sameFixedOutput) {
      if (local.length > 0) {
        explained = true;
        const keys = [...new Set(local.map((d) => (d.kind === "env" ? d.key : d.kind === "source" ? d.name : d.kind)))];
        add(`fixed|${p.id}`, p, seen, why, () => ({
          kind: "fixed-output",
          keys,
          summary: `${p.new.name}: ${keys.join(", ")} changed, same output hash: nothing above it rebuilds`,
        }), local.map((d) => ev(p, d.kind === "env" || d.kind === "source" ? d.field : d.kind)));
      }
      continue;
    }
    if (cmp.downloadOfBump) explained = true;

    const claimed = new Set<string>();
    for (const d of cmp.diffs) if (d.kind === "builder") for (const n of d.claims) claimed.add(n);
    const envKeys: string[] = [];
    const envWhat: string[] = [];
    const envEv: Evidence[] = [];
    for (const d of cmp.diffs) {
      explained = true;
      switch (d.kind) {
        case "platform":
          add(`platform|${p.id}`, p, seen, why, () => ({ kind: "platform", from: d.from, to: d.to, summary: `platform ${d.from} → ${d.to}` }), [ev(p, "system", `${d.from} → ${d.to}`)]);
          break;
        case "builder": {
          const strip = (s: string): string => s.replace(/\/[0-9a-z]{32}-/g, "/");
          add(`builder|${strip(d.from)}|${strip(d.to)}`, p, seen, why, () => ({ kind: "builder", from: d.from, to: d.to, summary: `builder ${d.from} → ${d.to}` }), [ev(p, "builder")]);
          break;
        }
        case "args":
          add(`args|${p.id}`, p, seen, why, () => ({ kind: "args", summary: `arguments ${d.changed.slice(0, 4).join(", ")}` }), [ev(p, "args")]);
          break;
        case "outputs":
          add(`outputs|${p.id}|${d.field}`, p, seen, why, () => ({ kind: "outputs", summary: d.what }), [ev(p, d.field)]);
          break;
        case "outputsOf":
          add(`outputs-of|${d.input}`, p, seen, why, () => ({ kind: "outputs", input: d.input, summary: `requests other outputs of ${d.input}: ${d.from} → ${d.to}` }), [ev(p, `inputDrvs ${d.input}`, `${d.from} → ${d.to}`)]);
          break;
        case "source":
          add(`source|${p.new.name}|${d.name}|${d.what}|${d.excerpt ?? ""}`, p, seen, why, () => ({ kind: "source", source: d.name, summary: d.what }), [
            ev(p, d.field, d.change),
            ...(d.excerpt !== null ? [{ line: diff.pairs[p.id]!.firstLine, text: d.excerpt, drv: file(p), field: d.field }] : []),
          ]);
          break;
        case "attributed":
          counts.attributedValues++;
          if (d.isSource) {
            // Its name-set change is the source cause already.
          } else if (!claimed.has(d.input)) {
            add(`${d.side}|${d.input}`, p, seen, why, () => ({ kind: d.side, input: d.input, summary: `${d.side === "added" ? "added input" : "removed input"} ${d.input}` }), [ev(p, d.key, `${d.side === "added" ? "inserts" : "drops"} ${d.input}`)]);
          }
          break;
        case "env":
          envKeys.push(d.key);
          envWhat.push(d.what);
          envEv.push(ev(p, d.field));
          break;
      }
    }
    if (envKeys.length > 0) {
      const kind = p.old.fixed && envKeys.every((k) => DOWNLOAD_KEYS.has(k)) ? "fixed-output" : "env";
      add(`env|${p.new.name}|${envKeys.join(",")}|${envWhat.join(";")}`, p, seen && !p.nixEnvSkipped, envWhy, () => ({ kind, keys: envKeys, summary: envWhat.join("; ") }), envEv);
    }
    for (const [side, list] of [["removed", p.removed], ["added", p.added]] as const) {
      for (const x of list) {
        explained = true;
        if (claimed.has(x.drv.name)) continue;
        add(`${side}|${x.drv.name}`, p, seen, why, () => ({ kind: side, input: x.drv.name, summary: `${side === "added" ? "added input" : "removed input"} ${x.drv.name}` }), [ev(p, `inputDrvs ${x.drv.name}`, side)]);
      }
    }
    if (!explained) {
      add(`unexplained|${p.id}`, p, seen, why, () => ({
        kind: "unexplained",
        reason: "only store paths of unchanged-looking inputs differ",
        summary: `${p.old.name} differs, but no field shows why`,
      }), [ev(p, "(no field)")]);
    }
  }

  const drafts: CauseDraft[] = [...byKey.values()].map((c) => {
    const { shownBy, hiddenWhy, ...rest } = c;
    const shown = shownBy.size > 0;
    return { ...rest, nixDiffShows: shown, ...(shown ? {} : { nixDiffHides: hiddenWhy ?? "nix-diff does not reach it" }) };
  });
  return { causes: foldOutputRequests(summariseVariants(foldDerivedNames(mergeVariants(drafts)))), counts, hiddenInputs: 0, pathOnly: [], namesDifferAtTop: [] };
}

/**
 * Two closures → the report and what --why and --tree need, as the text
 * front end gives them. Afterwards: a download whose output did not change
 * explains no rebuild above it, and the notes say what nix-diff would hide.
 */
export function analyseClosures(roots: ClosureRoots, options: AnalyseOptions): { analysis: Analysis; diff: ParsedDiff } {
  const r = readClosures(roots.old, roots.new, { storeDir: roots.storeDir, dir: roots.dir, files: roots.files });
  const analysis = analyseDiff(r.diff, options, r.causes);
  const report = analysis.report;
  let same = 0;
  report.causes.forEach((c, i) => {
    const ids = analysis.causePairs[i]!;
    if (ids.length > 0 && ids.every((id) => r.sameOutputs[id])) {
      c.affects = ids.length;
      same++;
    }
  });
  const hidden = report.causes.filter((c) => c.nixDiffShows === false && c.kind !== "unexplained").length;
  const n = (k: number, one: string, many: string): string => `${thousands(k)} ${k === 1 ? one : many}`;
  report.notes = report.notes.filter((s) => !s.startsWith("nix-diff skipped"));
  if (hidden > 0) report.notes.unshift(`${n(hidden, "cause is", "causes are")} not in nix-diff's default output (\`--format json\`: nixDiffHides says why).`);
  if (same > 0) report.notes.push(`${n(same, "download changed", "downloads changed")} without a new output hash: nothing above ${same === 1 ? "it" : "them"} rebuilds.`);
  return { analysis, diff: r.diff };
}
