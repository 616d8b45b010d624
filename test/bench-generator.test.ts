// The benchmark generator (bench/generate.mjs) must write text the parser reads
// completely, shaped like a real whole-system rebuild, and drvsquash must find
// in it exactly the causes the generator planted: otherwise the benchmark times
// the error path or the wrong work. No timing here (bench/run.mjs does that).

import { describe, expect, it } from "vitest";
import { generate, generateWithTruth, type PlantedCause, type Truth } from "../bench/generate.mjs";
import { parseText } from "../src/parse/parser.js";
import type { Cause } from "../src/report.js";
import { runCli } from "./run.js";

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

// ---------------------------------------------------------------- planted causes

/** Does reported cause r account for planted cause t? (as ../shared/tools/score.mjs matches) */
function accounts(t: PlantedCause, r: Cause): boolean {
  const at = (drv?: string): boolean => drv === undefined || r.drv === drv || (r.seenIn ?? []).includes(drv);
  switch (t.kind) {
    case "version":
      return r.kind === "version" && r.name === t.name && r.from === t.from && r.to === t.to;
    case "env":
      return r.kind === "env" && at(t.drv) && (t.keys ?? []).every((k) => (r.keys ?? []).includes(k));
    case "source":
      return r.kind === "source" && at(t.drv) && r.source === t.source;
  }
}

/** What is wrong between a report and the planted truth: causes not found, and causes reported that were not planted. */
function compare(causes: Cause[], truth: Truth, environment: boolean): { missed: PlantedCause[]; extra: string[] } {
  const hidden = new Set(environment ? [] : truth.hidden.map((h) => h.cause));
  const expected = truth.causes.filter((_, i) => !hidden.has(i));
  const left = [...causes];
  const missed: PlantedCause[] = [];
  for (const t of expected) {
    const i = left.findIndex((r) => accounts(t, r));
    if (i < 0) missed.push(t);
    else left.splice(i, 1);
  }
  return { missed, extra: left.map((r) => `${r.kind}: ${r.summary}`) };
}

async function reportOf(text: string): Promise<{ causes: Cause[]; summary: Record<string, number> }> {
  const { code, stdout, stderr } = await runCli(["--format", "json"], { stdin: text });
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(stdout) as { causes: Cause[]; summary: Record<string, number> };
}

describe("bench generator: the causes it plants are the causes drvsquash finds", () => {
  for (const variant of [
    { name: "default form", environment: false, color: false, legacy: false },
    { name: "--environment form", environment: true, color: false, legacy: false },
    { name: "coloured --environment form", environment: true, color: true, legacy: false },
    { name: "1.0.20 default form", environment: false, color: false, legacy: true },
  ]) {
    it(`${variant.name}, 10k lines: every line read, exactly the planted causes, nothing unexplained`, { timeout: 30_000 }, async () => {
      const { text, truth } = generateWithTruth({ lines: 10_000, seed: 5, ...variant });
      expect(parseText(text).stats.unrecognizedSample).toEqual([]);
      // A one-sided key (`+ separateDebugInfo=1`) is in there: nix-diff prints those first.
      if (!variant.color) expect(text).toMatch(/^ +\+ separateDebugInfo=1$/m);
      // Every kind is planted, and bash's builder cascade is there.
      expect(new Set(truth.causes.map((c) => c.kind))).toEqual(new Set(["source", "version", "env"]));
      expect(truth.hidden.length).toBeGreaterThan(0);
      const report = await reportOf(text);
      expect(compare(report.causes, truth, variant.environment)).toEqual({ missed: [], extra: [] });
      expect(report.summary.builderChanges).toBeGreaterThan((report.summary.pairs ?? Infinity) * 0.7);
    });
  }

  it("the check fails when the text shows a cause that was not planted", async () => {
    const { text, truth } = generateWithTruth({ lines: 10_000, seed: 5 });
    // One parent's builder becomes another bash: a builder change that is not just a new hash.
    const at = text.indexOf("• The builders do not match\n", text.indexOf("• The builders do not match\n") + 1);
    const plus = text.indexOf("+ /nix/store/", at);
    const eol = text.indexOf("\n", plus);
    const tampered = text.slice(0, plus) + text.slice(plus, eol).replace("bash-5.2p37", "bash-5.3p3") + text.slice(eol);
    expect(tampered).not.toBe(text);
    const { extra } = compare((await reportOf(tampered)).causes, truth, false);
    expect(extra.length).toBeGreaterThan(0);
    // And when a planted cause is missing from the report.
    const { missed } = compare([], truth, false);
    expect(missed.length).toBe(truth.causes.length - truth.hidden.length);
  });

  it("looks like a whole-system rebuild: few causes, shared already-compared names, long environment values", () => {
    const { text, truth } = generateWithTruth({ lines: 100_000, seed: 1 });
    const pairs = (text.match(/^ *• The input derivation named `/gm) ?? []).length;
    // A handful of causes per 10,000 pairs, not one per 26 lines.
    expect(truth.causes.length).toBeLessThanOrEqual(Math.max(5, (pairs / 10_000) * 10));
    // Already compared: most lines; about 40% of the mentions name something several printed pairs share.
    const printed = new Map<string, number>();
    for (const m of text.matchAll(/^ *• The input derivation named `([^`]+)` differs$/gm)) printed.set(m[1]!, (printed.get(m[1]!) ?? 0) + 1);
    const mentions: string[] = [];
    for (const m of text.matchAll(/^( *)• Input derivations differ but have already been compared\n((?:\1 {4}\S.*\n)+)/gm)) {
      for (const l of m[2]!.trimEnd().split("\n")) mentions.push(l.trim());
    }
    expect(mentions.length / pairs).toBeGreaterThan(3);
    const shared = mentions.filter((n) => (printed.get(n) ?? 0) > 1).length / mentions.length;
    expect(shared).toBeGreaterThan(0.3);
    expect(shared).toBeLessThan(0.55);
    // Version bumps repeated in several parents.
    expect((text.match(/• The set of input derivation names do not match:/g) ?? []).length).toBeGreaterThan(truth.causes.filter((c) => c.kind === "version").length);

    const env = generate({ lines: 100_000, seed: 1, environment: true });
    const lines = env.split("\n");
    expect(lines.some((l) => l.length > 2000 && l.includes("←/nix/store/") && l.includes("→/nix/store/"))).toBe(true);
    expect(env).toMatch(/^( *) {4}(installPhase|postInstall|postFixup|buildCommand)=''\n(?:\1 {4}.*\n){3,}\1''$/m);
    expect(env).not.toContain("Skipping environment comparison");
    // The same system: the same pairs in both forms.
    expect((env.match(/^ *• The input derivation named `/gm) ?? []).length).toBe(pairs);
  });
});
