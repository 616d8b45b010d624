// Several nix-diff outputs in one input (several files, or outputs pasted one
// after another) are separate comparisons: an "already compared" mention
// refers to a pair printed earlier in its own output, never in another.

import type { ParsedDiff } from "../model.js";

/** Line → first line of the document holding it (the nearest top-level pair at or above it). */
export function documentStart(diff: ParsedDiff): (line: number) => number {
  const starts = diff.roots.map((r) => diff.pairs[r]!.firstLine).sort((a, b) => a - b);
  return (line) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= line) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? starts[lo - 1]! : 0;
  };
}
