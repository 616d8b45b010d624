// What the parser judges when a pair is done, so that a big
// `--environment` diff need not keep every value: most of its values differ
// only in store paths its inputs explain, and those are judged here with the
// pair's final inputs, exactly as findCauses would judge them (the same
// markedSame test under the same substitution), and marked. findCauses then
// takes the mark instead of the text; the text itself is needed later only to
// list the paths of a fragment's or cut input's frontier, so the parser drops
// it past a budget and the report says so when that could matter.

import type { DrvPair } from "../model.js";
import { substitutionContext } from "./nameSet.js";
import { markedSame } from "./markedSame.js";
import { Substitution } from "./substitution.js";
import { hasMarkers } from "./textDiff.js";

/**
 * Mark the pair's environment values that findCauses would find equal but for
 * store paths; `keep(length)` says whether to keep such a value's text.
 */
export function judgePathOnlyValues(pair: DrvPair, storeDir: string, keep: (length: number) => boolean, dropText: (value: DrvPair["findings"][number] & { kind: "envEntry" }) => void): void {
  let sub: Substitution | null = null;
  for (const f of pair.findings) {
    if (f.kind !== "envEntry" || f.side !== "both" || f.value.cut || f.value.incomplete) continue;
    const text = f.value.text;
    if (!hasMarkers(text)) continue;
    if (!sub) {
      const ctx = substitutionContext(storeDir, pair.findings).sub;
      ctx.namesUnseen = pair.inferred;
      sub = new Substitution(ctx);
    }
    if (markedSame(text, sub) !== true) continue;
    f.value.sameByPaths = true;
    if (!keep(text.length)) dropText(f);
  }
}
