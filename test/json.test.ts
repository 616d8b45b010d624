// The JSON report is written in pieces (render/json.ts: writeJson); joined,
// the pieces are exactly what one JSON.stringify of the report gives.
import { describe, expect, it } from "vitest";
import { jsonText, renderJson, writeJson } from "../src/render/json.js";
import type { Report } from "../src/report.js";

function fake(pairLines: unknown[]): Report {
  return { tool: { name: "drvsquash", version: "0" }, notes: ["a\u2028b"], pairLines, ambiguities: [{ name: "x", candidates: [1, 2] }], frontier: [] } as unknown as Report;
}

describe("writeJson", () => {
  it("writes what jsonText writes, the per-pair list in pieces", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: i % 7 ? `pkg-${i}` : `odd\u009b\u202e"\n${i}`, firstLine: i, lines: i * 3, depth: i % 5 }));
    for (const list of [[], [{ name: "one", firstLine: 1, lines: 2, depth: 0 }], many]) {
      const r = fake(list);
      const parts: string[] = [];
      writeJson(r, (s) => parts.push(s));
      expect(parts.join("")).toBe(jsonText(r));
      expect(renderJson(r)).toBe(jsonText(r));
      if (list === many) expect(parts.length).toBeGreaterThan(3);
    }
  });
});
