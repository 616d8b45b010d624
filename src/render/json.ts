// `--format json`: the report object as it is (see src/report.ts and
// schema/report.schema.json). JSON.stringify escapes C0 controls but leaves
// DEL, the C1 controls (U+009B is CSI to many terminals), bidi controls and
// U+2028/U+2029 raw, and the characters that hide text (zero-width, U+FEFF,
// tag characters); those are written as \u escapes too, so the output can be
// shown on a terminal safely and still parses to the same values.

import type { Report } from "../report.js";

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]|\udb40[\udc00-\udc7f]/g;

export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (ch) => [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")) + "\n";
}

export function renderJson(report: Report): string {
  return jsonText(report);
}
