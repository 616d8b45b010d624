// A quick test for the usual environment value of a `--environment` diff: a
// word- or character-mode text whose `←old←→new→` chunks are store paths that
// changed only in their hashes. It answers whether rebuild()'s first reading
// (textDiff's rebuildMarked) is the same on both sides under `sub`, without
// building the old, new and normalised copies of the whole value.
//
// Why it is exact: a store path never holds whitespace (the name after the
// hash is [A-Za-z0-9+._?=-]*, and the store directory is checked), so
// whitespace outside the markers, which both sides share, splits the value
// into pieces that `Substitution.rewrite` maps one by one as it maps them in
// the whole. Equal pieces give equal rewrites, hence equal normalisations.
// A piece that differs may still normalise alike (whitespace is collapsed
// afterwards): then the answer is null and the caller compares in full.

import { NEW_MARK, OLD_MARK } from "./markers.js";
import type { Substitution } from "./substitution.js";

const OLD_C = OLD_MARK.charCodeAt(0);
const NEW_C = NEW_MARK.charCodeAt(0);
const BOTH = 0;
const OLD = 1;
const NEW = 2;

/** The characters pieces are cut at (never inside a store path). */
function isCut(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09;
}

/** True when rebuild(text)[0] is certainly the same under `sub` (dropping added/removed inputs); null when not known. */
export function markedSame(text: string, sub: Substitution): true | null {
  const storeDir = sub.storeDir;
  if (/[\s←→]/.test(storeDir)) return null;
  const prefix = `${storeDir}/`;
  const symmetric = sub.symmetric;
  // Text both sides share: equal unless one of its store paths reduces differently on each side (a rename, say).
  const commonSame = (from: number, to: number): boolean => {
    if (symmetric) return true;
    for (let at = text.indexOf(prefix, from); at >= 0 && at < to; ) {
      const m = sub.pathAt(text, at);
      if (m) {
        if (sub.rewritePath(m.name, "old") !== sub.rewritePath(m.name, "new")) return false;
        at = text.indexOf(prefix, at + m.length);
      } else at = text.indexOf(prefix, at + 1);
    }
    return true;
  };

  // Usually a piece is one store path on each side with the same text after it: compare the two names, not two rewrites.
  const samePiece = (old: string, neu: string): boolean => {
    const a = sub.pathAt(old, 0);
    const b = a ? sub.pathAt(neu, 0) : null;
    if (a && b && old.slice(a.length) === neu.slice(b.length) && !old.includes(prefix, a.length)) {
      const x = a.name;
      const y = b.name;
      return (symmetric && x === y) || sub.rewritePath(x, "old") === sub.rewritePath(y, "new");
    }
    return sub.rewrite(old, "old") === sub.rewrite(neu, "new");
  };

  const n = text.length;
  let pos = 0;
  while (pos < n) {
    const o = text.indexOf(OLD_MARK, pos);
    const w = text.indexOf(NEW_MARK, pos);
    const mark = o < 0 ? w : w < 0 ? o : Math.min(o, w);
    if (mark < 0) return commonSame(pos, n) ? true : null;
    let start = mark;
    while (start > pos && !isCut(text.charCodeAt(start - 1))) start--;
    if (!commonSame(pos, start)) return null;
    // The piece, read as rebuildMarked reads it: an arrow inside the other side's chunk is text.
    let old = "";
    let neu = "";
    let mode = BOTH;
    let from = start;
    let i = mark; // [start, mark) holds neither whitespace nor an arrow: text of both sides
    const flush = (): void => {
      if (i === from) return;
      const s = text.slice(from, i);
      if (mode !== NEW) old += s;
      if (mode !== OLD) neu += s;
    };
    while (i < n) {
      if (mode === BOTH) {
        let c = text.charCodeAt(i);
        while (!isCut(c) && c !== OLD_C && c !== NEW_C && ++i < n) c = text.charCodeAt(i);
        if (i >= n || isCut(c)) break;
        flush();
        mode = c === OLD_C ? OLD : NEW;
        from = ++i;
      } else {
        // Inside a chunk only its own arrow closes it (the other is text).
        const close = text.indexOf(mode === OLD ? OLD_MARK : NEW_MARK, i);
        i = close < 0 ? n : close;
        if (close < 0) break;
        flush();
        mode = BOTH;
        from = ++i;
      }
    }
    flush();
    if ((old !== neu || !symmetric) && !samePiece(old, neu)) return null;
    pos = i;
  }
  return true;
}
