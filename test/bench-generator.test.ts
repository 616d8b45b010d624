// The benchmark generator (bench/generate.mjs) must write text the parser reads
// completely, or the benchmark would time the error path. No timing here.

import { describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { parseText } from "../src/parse/parser.js";

const LINES = 5000;
const lineCount = (text: string): number => text.split("\n").length - 1;

describe("bench generator", () => {
  for (const variant of [
    { name: "plain 1.0.21", color: false, legacy: false },
    { name: "coloured 1.0.21", color: true, legacy: false },
    { name: "plain 1.0.20 (per-input already compared)", color: false, legacy: true },
  ]) {
    it(`writes ${variant.name} text that parses with no unrecognized line`, () => {
      const text = generate({ lines: LINES, seed: 7, color: variant.color, legacy: variant.legacy });
      const parsed = parseText(text);
      expect(parsed.stats.unrecognized).toBe(0);
      expect(parsed.stats.unrecognizedSample).toEqual([]);
      expect(parsed.stats.truncated).toBe(false);
      expect(parsed.roots).toHaveLength(1);
      expect(parsed.pairs.length).toBeGreaterThan(100);
      expect(parsed.stats.coloured).toBe(variant.color);
      expect(text.includes("\x1b[")).toBe(variant.color);
    });
  }

  it("writes about the number of lines asked for", () => {
    for (const lines of [1000, LINES, 20000]) {
      const n = lineCount(generate({ lines, seed: 3 }));
      expect(Math.abs(n - lines)).toBeLessThanOrEqual(lines * 0.01);
    }
  });

  it("is deterministic: the same seed gives the same text, another seed another", () => {
    const a = generate({ lines: LINES, seed: 42, color: true });
    expect(generate({ lines: LINES, seed: 42, color: true })).toBe(a);
    expect(generate({ lines: LINES, seed: 43, color: true })).not.toBe(a);
  });

  it("uses real-looking store paths and the line forms a benchmark should exercise", () => {
    const text = generate({ lines: 20000, seed: 1 });
    const paths = text.match(/^ *[-+] \/nix\/store\/\S+\.drv:\{[^}]*\}$/gm) ?? [];
    expect(paths.length).toBeGreaterThan(100);
    for (const p of paths) expect(p).toMatch(/\/nix\/store\/[0123456789abcdfghijklmnpqrsvwxyz]{32}-[^/\s]+\.drv:\{[a-z,]+\}$/);
    expect(text).toMatch(/^- \/nix\/store\/\S+-nixos-system-\S+\.drv:\{out\}$/m);
    for (const form of [
      "• The builders do not match",
      "• Input derivations differ but have already been compared",
      "• The set of input derivation names do not match:",
      "• The environments do not match:",
      "• Skipping environment comparison",
    ]) {
      expect(text).toContain(form);
    }
    expect(text).toMatch(/^( *)• The input source named `[^`]+\.patch` differs\n\1 {4}''\n/m);
    expect(text).toMatch(/^( *) {4}\w+=''\n(?:\1 {4}.*\n)+\1''$/m);
  });
});
