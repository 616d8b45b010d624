// `--format json`: the report object as it is (see src/report.ts and
// schema/report.schema.json). Input-derived strings are JSON-escaped by
// JSON.stringify, so control characters cannot reach a terminal raw.

import type { Report } from "../report.js";

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
