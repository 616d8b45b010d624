// Sentences the text and Markdown reports share: how much of the input is
// nix-diff, names of pairs that are not in the input, lists that say how many
// they leave out. Plain text: each renderer makes the names it gets safe.

import { INFERRED_NAME } from "../model.js";
import type { Cause, Report } from "../report.js";
import { num, plural } from "./context.js";

/** A pair's name in a sentence: the pair inferred above a fragment has none. */
export function displayName(name: string): string {
  return name === INFERRED_NAME ? "a derivation above the pasted part" : name;
}

/** `76 lines of nix-diff (input lines 9–84 of 187)`: prose around the output is not counted. */
export function extent(report: Report): string {
  const i = report.input;
  const lines = `${plural(i.nixDiffLines, "line")} of nix-diff`;
  if (i.nixDiffLines === i.lines) return lines;
  const r = i.nixDiffRanges;
  if (r.length === 1) return `${lines} (input lines ${num(r[0]![0])}–${num(r[0]![1])} of ${num(i.lines)})`;
  return `${lines} (of ${num(i.lines)} input lines; the rest is not nix-diff output)`;
}

/** `a, b and 3 more` (at most `max` names shown, `total` when more exist than are given). */
export function someOf(names: string[], max: number, total = names.length): string {
  const shown = names.slice(0, max);
  const more = total - shown.length;
  if (more > 0) return `${shown.join(", ")} and ${num(more)} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/** Said when no cause is shown: nothing differs, nothing is visible, or what was cut off was not judged. */
export function noCauseSentence(report: Report): string {
  const s = report.summary;
  if (s.pairsPrinted === 0) return "No differing derivations in the input.";
  if (report.input.truncated && s.sectionsNotJudged + s.valuesNotJudged > 0) {
    return "No root cause is visible in the part that was read; what the input's end cut off was not judged.";
  }
  return "No root cause is visible in the input.";
}

/** What the report counts as root causes: every cause but the pairs nothing explains. */
export function rootCauses(report: Report): Cause[] {
  return report.causes.filter((c) => c.kind !== "unexplained");
}

/**
 * Causes the reports show as one entry: the same change to a source file of
 * the same name in several derivations (a setup script shared by bootstrap
 * stages). The JSON keeps one cause per derivation, as the contract says.
 */
export function sameChangeGroups(causes: Cause[]): Cause[][] {
  const groups: Cause[][] = [];
  const byChange = new Map<string, Cause[]>();
  for (const c of causes) {
    if (c.kind !== "source") {
      groups.push([c]);
      continue;
    }
    // The same lines of difference (a pair printed twice shows them twice).
    // From closures, evidence names its derivation: the change is the rest.
    const what = (e: Cause["evidence"][number]): string => (e.drv && e.text.startsWith(`${e.drv}: `) ? e.text.slice(e.drv.length + 2) : e.text);
    const lines = [...new Set(c.evidence.filter((e) => !e.text.startsWith("• ")).map(what))];
    const change = `${c.source}\u0000${c.summary}\u0000${lines.join("\n")}`;
    const g = byChange.get(change);
    if (g) g.push(c);
    else {
      const fresh = [c];
      byChange.set(change, fresh);
      groups.push(fresh);
    }
  }
  return groups;
}

/** `1 builder change`, `3 "already compared"`: the noise the report folded. */
export function collapsedParts(report: Report): string[] {
  const s = report.summary;
  const parts: string[] = [];
  // Only what there was: "0 skipped environments" is noise about noise.
  if (s.alreadyComparedMentions > 0) parts.push(`${num(s.alreadyComparedMentions)} "already compared"`);
  if (s.builderChanges > 0) parts.push(plural(s.builderChanges, "builder change"));
  if (s.storePathOnly > 0) parts.push(plural(s.storePathOnly, "path-only value"));
  if (s.skippedEnvironments > 0) parts.push(plural(s.skippedEnvironments, "skipped environment"));
  if (s.repeatedNameChanges > 0) parts.push(plural(s.repeatedNameChanges, "repeated bump"));
  if (s.foldedPairs > 0) parts.push(plural(s.foldedPairs, "folded pair"));
  return parts;
}
