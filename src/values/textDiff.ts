// Rebuild the old and new values from a text diff as nix-diff renders it.
//
// Word and character modes mark old-only chunks `←x←` and new-only `→x→`
// (the parser has already turned colour into the same markers). Line mode
// prefixes every line `- `, `+ ` or two spaces, and joins the last old and
// new lines of a value without a final newline as `- old+ new`.

import { NEW_MARK, OLD_MARK } from "./markers.js";

export interface Rebuilt {
  old: string;
  new: string;
  /** The chunks that only one side has, in order (for showing what changed). */
  changes: { side: "old" | "new"; text: string }[];
}

export function hasMarkers(text: string): boolean {
  return text.includes(OLD_MARK) || text.includes(NEW_MARK);
}

/**
 * All readings of a rendered diff. Usually one; a line-mode `- a+ b` line
 * can be split at several `+ `, and each split is returned (up to
 * MAX_SPLITS of them, see likelySplits).
 */
export function rebuild(text: string): Rebuilt[] {
  if (!hasMarkers(text)) return rebuildLines(text);
  const readings = [rebuildMarked(text)];
  // A value may hold a literal ← or →. When every line also fits line mode, that reading is
  // offered too; and an arrow standing alone between spaces (`a → b`) can be read as text.
  if (looksLineOriented(text)) readings.push(...rebuildLines(text));
  const literal = withLiteralArrows(text);
  if (literal !== null) readings.push(literal);
  return readings;
}

const LONE_ARROW = /(?<= )([←→])(?= (?!\1))/g;

function withLiteralArrows(text: string): Rebuilt | null {
  if (!LONE_ARROW.test(text)) return null;
  LONE_ARROW.lastIndex = 0;
  const hidden = text.replace(LONE_ARROW, (a) => (a === OLD_MARK ? "\u0001" : "\u0002"));
  const r = rebuildMarked(hidden);
  const show = (s: string): string => s.replace(/\u0001/g, OLD_MARK).replace(/\u0002/g, NEW_MARK);
  return { old: show(r.old), new: show(r.new), changes: r.changes.map((c) => ({ side: c.side, text: show(c.text) })) };
}

function looksLineOriented(text: string): boolean {
  return text.split("\n").every((l) => l === "" || l.startsWith("- ") || l.startsWith("+ ") || l.startsWith("  "));
}

function rebuildMarked(text: string): Rebuilt {
  let old = "";
  let neu = "";
  const changes: Rebuilt["changes"] = [];
  let mode: "both" | "old" | "new" = "both";
  let chunk = "";
  for (const ch of text) {
    if (ch === OLD_MARK && mode !== "new") {
      if (mode === "old") changes.push({ side: "old", text: chunk });
      mode = mode === "old" ? "both" : "old";
      chunk = "";
      continue;
    }
    if (ch === NEW_MARK && mode !== "old") {
      if (mode === "new") changes.push({ side: "new", text: chunk });
      mode = mode === "new" ? "both" : "new";
      chunk = "";
      continue;
    }
    if (mode !== "new") old += ch;
    if (mode !== "old") neu += ch;
    if (mode !== "both") chunk += ch;
  }
  if (mode !== "both" && chunk) changes.push({ side: mode, text: chunk });
  return { old, new: neu, changes };
}

/**
 * Splits of a `- old+ new` line tried, at most: each reading is a copy of the
 * value, so a line of thousands of `+ ` must not make thousands of them.
 */
export const MAX_SPLITS = 8;

/**
 * Where a `- old+ new` line may split: at a `+ `. When there are more than
 * MAX_SPLITS, the ones nearest the split that makes the two sides equally long
 * (counting what came before, `oldBefore` and `newBefore` characters): a
 * value that changed only in store paths is about as long on both sides, and
 * that split is also the one `bestReading` prefers. In input order.
 */
function likelySplits(line: string, oldBefore: number, newBefore: number): number[] {
  const all: number[] = [];
  for (let at = line.indexOf("+ ", 2); at >= 0; at = line.indexOf("+ ", at + 1)) all.push(at);
  if (all.length <= MAX_SPLITS) return all;
  // Old side: oldBefore + at - 2; new side: newBefore + line.length - at - 2.
  const balanced = (line.length + newBefore - oldBefore) / 2;
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid]! < balanced) lo = mid + 1;
    else hi = mid;
  }
  let left = lo - 1;
  let right = lo;
  const picked: number[] = [];
  while (picked.length < MAX_SPLITS) {
    const takeLeft = left >= 0 && (right >= all.length || balanced - all[left]! <= all[right]! - balanced);
    picked.push(all[takeLeft ? left-- : right++]!);
  }
  return picked.sort((a, b) => a - b);
}

function rebuildLines(text: string): Rebuilt[] {
  const lines = text.split("\n");
  let old = "";
  let neu = "";
  const changes: Rebuilt["changes"] = [];
  let side: "old" | "new" | "both" = "both";
  const add = (s: string, to: "old" | "new" | "both"): void => {
    if (to !== "new") old += s;
    if (to !== "old") neu += s;
  };
  let lastIndex = lines.length - 1;
  while (lastIndex > 0 && lines[lastIndex] === "") lastIndex--;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const sep = i < lines.length - 1 ? "\n" : "";
    if (line.startsWith("- ") && i === lastIndex && line.includes("+ ", 2)) {
      // `- old+ new`: the last lines of both sides, joined. Every `+ ` is a candidate split,
      // and so is none: a removed line may itself hold `+ ` (`- echo $((a + b))`).
      const whole = line.slice(2);
      const results: Rebuilt[] = [{ old: old + whole + sep, new: neu, changes: [...changes, { side: "old", text: whole }] }];
      for (const at of likelySplits(line, old.length, neu.length)) {
        const o = line.slice(2, at);
        const nw = line.slice(at + 2);
        results.push({
          old: old + o + sep,
          new: neu + nw + sep,
          changes: [...changes, { side: "old", text: o }, { side: "new", text: nw }],
        });
      }
      return results;
    }
    if (line.startsWith("- ")) side = "old";
    else if (line.startsWith("+ ")) side = "new";
    else if (line.startsWith("  ")) side = "both";
    else {
      // A blank line belongs to the chunk before it.
      add(line + sep, side);
      continue;
    }
    const body = line.slice(2);
    add(body + sep, side);
    if (side !== "both") changes.push({ side, text: body });
  }
  return [{ old, new: neu, changes }];
}
