// `--format json`: the report object as it is (see src/report.ts and
// schema/report.schema.json). JSON.stringify escapes C0 controls but leaves
// DEL, the C1 controls (U+009B is CSI to many terminals), bidi controls and
// U+2028/U+2029 raw; those are written as \u escapes too, so the output can be
// shown on a terminal safely and still parses to the same values.

import type { Report } from "../report.js";

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`) + "\n";
}

export function renderJson(report: Report): string {
  return jsonText(report);
}
