// `--format json`: the report object as it is (see src/report.ts and
// schema/report.schema.json). JSON.stringify escapes C0 controls but leaves
// DEL, the C1 controls (U+009B is CSI to many terminals), bidi controls and
// U+2028/U+2029 raw, and the characters that hide text (zero-width, U+FEFF,
// tag characters); those are written as \u escapes too, so the output can be
// shown on a terminal safely and still parses to the same values.

import { pairLinesSource, type PairLines, type Report } from "../report.js";

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]|\udb40[\udc00-\udc7f]/g;

function safe(json: string): string {
  // A tag character is two UTF-16 units: each is escaped.
  return json.replace(UNSAFE_IN_JSON, (ch) => [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""));
}

export function jsonText(value: unknown): string {
  return safe(JSON.stringify(value, null, 2)) + "\n";
}

/** Roughly how much of the per-pair list is written at once. */
const CHUNK = 64 * 1024;

/**
 * The report exactly as `jsonText(report)` writes it, handed to `emit` in
 * pieces: `pairLines` (one entry per printed pair, tens of thousands on a
 * system rebuild) is written entry by entry instead of inside one string.
 */
export function writeJson(report: Report, emit: (chunk: string) => void): void {
  // Entries straight from their source while the report has not built the list (report.ts).
  const source = pairLinesSource(report);
  const count = source ? source.count : report.pairLines.length;
  const entry = source ? (i: number): PairLines => source.at(i) : (i: number): PairLines => report.pairLines[i]!;
  // The rest of the report, with an empty list where pairLines goes, in the report's key
  // order (Object.keys reads no getter: the list is not built for this).
  const shape: Record<string, unknown> = {};
  for (const key of Object.keys(report)) shape[key] = key === "pairLines" ? [] : report[key as keyof Report];
  const rest = safe(JSON.stringify(shape, null, 2)) + "\n";
  // A real newline is never inside a JSON string: this is the top-level key.
  const slot = '\n  "pairLines": [';
  const at = rest.indexOf(slot);
  if (at < 0 || count === 0) {
    emit(at < 0 ? jsonText(report) : rest);
    return;
  }
  const afterList = at + slot.length + 1; // past the `]` of the empty list
  emit(rest.slice(0, at + slot.length));
  // JSON.stringify's nesting only indents: an entry at depth 2 is its own text, every line 4 spaces in.
  let chunk = "";
  for (let i = 0; i < count; i++) {
    chunk += (i === 0 ? "\n    " : ",\n    ") + entryText(entry(i));
    if (chunk.length >= CHUNK) {
      emit(safe(chunk));
      chunk = "";
    }
  }
  emit(safe(chunk + "\n  ]"));
  emit(rest.slice(afterList));
}

/** `\n      "key": ` per key: the entries of a list share their few keys. */
const keyPrefix = new Map<string, string>();

/**
 * One entry of a list at depth 2, as JSON.stringify(entry, null, 2) nests it: an
 * object of scalars written directly (tens of thousands of them), anything else by stringify.
 */
function entryText(entry: object): string {
  let out = "{";
  let first = true;
  const values = entry as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    const value = values[key];
    let text: string;
    // JSON.stringify's own output for each scalar; a finite number is its String().
    if (typeof value === "number") text = Number.isFinite(value) ? String(value) : "null";
    else if (typeof value === "string") text = JSON.stringify(value);
    else if (typeof value === "boolean") text = value ? "true" : "false";
    else if (value === null) text = "null";
    else if (value === undefined) continue;
    else return JSON.stringify(entry, null, 2).replace(/\n/g, "\n    ");
    let prefix = keyPrefix.get(key);
    if (prefix === undefined) keyPrefix.set(key, (prefix = `\n      ${JSON.stringify(key)}: `));
    out += (first ? "" : ",") + prefix + text;
    first = false;
  }
  return first ? "{}" : out + "\n    }";
}

export function renderJson(report: Report): string {
  const parts: string[] = [];
  writeJson(report, (s) => parts.push(s));
  return parts.join("");
}
