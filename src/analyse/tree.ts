// `--tree`: nix-diff's own tree, pruned to the pairs on a path to a cause,
// with "already compared" mentions collapsed into references to where the
// pair was shown, and each cause's own lines under the pair that shows it.

import { refsOf, type DrvPair, type ParsedDiff } from "../model.js";
import { mentionCandidates } from "./mentions.js";
import type { Analysis } from "./index.js";
import { ancestors } from "./graph.js";

export interface TreeLine {
  depth: number;
  /** Input line it stands for. */
  line: number;
  kind: "pair" | "reference" | "evidence";
  text: string;
  /** reference: the line where that pair was expanded. */
  target?: number;
  /** evidence: index into report.causes. */
  cause?: number;
}

export function prunedTree(a: Analysis, diff: ParsedDiff): TreeLine[] {
  const allCausePairs = a.causePairs.flat();
  const relevant = ancestors(a.graph, allCausePairs);
  // Evidence lines per pair: a cause's line belongs to the deepest printed pair whose range holds it.
  const evidenceAt = new Map<number, { line: number; text: string; cause: number }[]>();
  const evidenceLines = new Map<number, Set<number>>();
  /** Whether `line` is inside one of `p`'s children (they are in input order: a binary search). */
  const inChild = (p: DrvPair, line: number): boolean => {
    const kids = p.children;
    let lo = 0;
    let hi = kids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (diff.pairs[kids[mid]!]!.firstLine <= line) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && line <= diff.pairs[kids[lo - 1]!]!.lastLine;
  };
  a.report.causes.forEach((c, ci) => {
    for (const id of a.causePairs[ci]!) {
      const p = diff.pairs[id]!;
      for (const e of c.evidence) {
        if (e.line < p.firstLine || e.line > p.lastLine || inChild(p, e.line)) continue;
        let lines = evidenceLines.get(id);
        if (!lines) evidenceLines.set(id, (lines = new Set()));
        if (lines.has(e.line)) continue;
        lines.add(e.line);
        const list = evidenceAt.get(id);
        if (list) list.push({ ...e, cause: ci });
        else evidenceAt.set(id, [{ ...e, cause: ci }]);
      }
    }
  });
  const candidates = mentionCandidates(diff, a.graph);
  const out: TreeLine[] = [];
  const visit = (id: number, depth: number): void => {
    if (!relevant[id] || depth > MAX_DEPTH) return;
    const p = diff.pairs[id]!;
    const text = p.parent === null ? (p.inferred ? "… (outside the pasted fragment)" : `- ${diff.paths.text(p.oldPath) ?? p.name}`) : `• The input derivation named \`${p.name}\` differs`;
    out.push({ depth, line: p.firstLine, kind: "pair", text });
    // Evidence, references and child pairs, in the order nix-diff printed them.
    const items: { line: number; emit: () => void }[] = [];
    for (const e of evidenceAt.get(id) ?? []) {
      items.push({ line: e.line, emit: () => out.push({ depth: depth + 1, line: e.line, kind: "evidence", text: e.text, cause: e.cause }) });
    }
    // Each mention's own targets, as the graph linked them (at most MAX_LINKS), that lead to a cause.
    const children = p.mentionCount > 0 ? new Set(p.children) : null;
    for (const ref of refsOf(diff, p)) {
      const at = candidates(ref.name, ref.line)
        .filter((t) => t !== id && relevant[t] && !children?.has(t))
        .map((t) => diff.pairs[t]!.firstLine);
      if (at.length === 0) continue;
      items.push({
        line: ref.line,
        emit: () =>
          out.push({ depth: depth + 1, line: ref.line, kind: "reference", text: `↪ ${ref.name}: already compared, shown at line ${at.join(" or ")}`, target: at[0]! }),
      });
    }
    for (const c of p.children) items.push({ line: diff.pairs[c]!.firstLine, emit: () => visit(c, depth + 1) });
    items.sort((x, y) => x.line - y.line);
    for (const item of items) item.emit();
  };
  for (const r of diff.roots) visit(r, 0);
  return out;
}

const MAX_DEPTH = 2000;
