// `--tree`: nix-diff's own tree, pruned to the pairs on a path to a cause,
// with "already compared" mentions collapsed into references to where the
// pair was shown, and each cause's own lines under the pair that shows it.

import { refsOf, type ParsedDiff } from "../model.js";
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
  a.report.causes.forEach((c, ci) => {
    for (const id of a.causePairs[ci]!) {
      const p = diff.pairs[id]!;
      const kids = p.children.map((k) => diff.pairs[k]!);
      for (const e of c.evidence) {
        if (e.line < p.firstLine || e.line > p.lastLine) continue;
        if (kids.some((k) => e.line >= k.firstLine && e.line <= k.lastLine)) continue;
        const list = evidenceAt.get(id) ?? [];
        if (!list.some((x) => x.line === e.line)) list.push({ ...e, cause: ci });
        evidenceAt.set(id, list);
      }
    }
  });
  const out: TreeLine[] = [];
  const visit = (id: number, depth: number): void => {
    if (!relevant[id] || depth > MAX_DEPTH) return;
    const p = diff.pairs[id]!;
    const text = p.parent === null ? (p.inferred ? "… (outside the pasted fragment)" : `- ${p.oldPath ?? p.name}`) : `• The input derivation named \`${p.name}\` differs`;
    out.push({ depth, line: p.firstLine, kind: "pair", text });
    // Evidence, references and child pairs, in the order nix-diff printed them.
    const items: { line: number; emit: () => void }[] = [];
    for (const e of evidenceAt.get(id) ?? []) {
      items.push({ line: e.line, emit: () => out.push({ depth: depth + 1, line: e.line, kind: "evidence", text: e.text, cause: e.cause }) });
    }
    // Linked targets by name, once per pair (a pair can mention hundreds of inputs).
    const children = new Set(p.children);
    const linked = new Map<string, number[]>();
    for (const t of a.graph.out[id]!) {
      if (children.has(t) || !relevant[t]) continue;
      const name = diff.pairs[t]!.name;
      const list = linked.get(name);
      if (list) list.push(t);
      else linked.set(name, [t]);
    }
    for (const ref of refsOf(p)) {
      const targets = linked.get(ref.name) ?? [];
      if (targets.length === 0) continue;
      const at = targets.map((t) => diff.pairs[t]!.firstLine);
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
