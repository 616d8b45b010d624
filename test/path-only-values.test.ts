// Environment values that differ only in store paths are judged when the
// parser finishes their pair (src/analyse/pairDone.ts), and past a budget their
// text is dropped. The report must not change for it: every shipped output is
// analysed with the default budget and with none, and must read the same;
// for excerpts (where such values' paths feed the frontier) dropping may only
// take frontier entries away, never add a cause, and is then said in a note.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseDiff } from "../src/analyse/index.js";
import { parseText } from "../src/parse/parser.js";
import type { ParsedDiff } from "../src/model.js";
import { completeOutputs, samplesDir } from "./shipped.js";
import { doc, envPaths, pairLines, sp } from "./fixtures.js";

const report = (diff: ParsedDiff) => analyseDiff(diff, { source: "test", version: "0" }).report;
const dropped = (diff: ParsedDiff): number =>
  diff.pairs.reduce((k, p) => k + p.findings.filter((f) => f.kind === "envEntry" && f.value.textDropped).length, 0);
const NOTE = /only in store paths (?:was|were) not kept/;

describe("path-only environment values judged when their pair is done", () => {
  const outputs = completeOutputs();

  it("every shipped output reads the same with their text dropped", () => {
    let droppedAll = 0;
    for (const name of outputs) {
      const text = readFileSync(join(samplesDir, name), "utf8");
      const kept = parseText(text);
      const none = parseText(text, { keepPathOnlyChars: 0 });
      expect(dropped(kept), name).toBe(0);
      droppedAll += dropped(none);
      // The reference: every value judged by findCauses itself, from its text.
      const unjudged = parseText(text);
      for (const p of unjudged.pairs) for (const f of p.findings) if (f.kind === "envEntry") delete f.value.sameByPaths;
      const reference = JSON.stringify(report(unjudged));
      expect(JSON.stringify(report(kept)), name).toBe(reference);
      expect(JSON.stringify(report(none)), name).toBe(reference);
    }
    // The property is only worth something if values were dropped.
    expect(droppedAll).toBeGreaterThan(0);
  });

  it("an excerpt whose path-only values were dropped gains no cause and says what it lost", () => {
    let noted = 0;
    for (const name of outputs.filter((n) => /env|skip|context|char|line|default/.test(n))) {
      const lines = readFileSync(join(samplesDir, name), "utf8").split("\n");
      for (let cut = 3; cut < lines.length; cut += Math.max(1, Math.floor(lines.length / 40))) {
        const text = lines.slice(0, cut).join("\n") + "\n";
        const kept = report(parseText(text));
        const noneDiff = parseText(text, { keepPathOnlyChars: 0 });
        const none = report(noneDiff);
        const keys = (r: typeof kept) => r.causes.map((c) => `${c.kind}|${c.summary}`);
        for (const k of keys(none)) expect(keys(kept), `${name} cut at ${cut}`).toContain(k);
        const note = none.notes.some((n) => NOTE.test(n));
        if (note) noted++;
        // Said exactly when an excerpt lost values it needed.
        if (!kept.notes.some((n) => NOTE.test(n)) && dropped(noneDiff) === 0) expect(note).toBe(false);
        if (JSON.stringify(none.frontier) !== JSON.stringify(kept.frontier)) expect(note, `${name} cut at ${cut}`).toBe(true);
      }
    }
    expect(noted).toBeGreaterThan(0);
  });

  it("a cut input: the pair whose only change is a dropped path-only value is not called unexplained", () => {
    const text = doc(
      pairLines(0, "top"),
      "• The input derivation named `x-1.0` differs",
      pairLines(2, "x-1.0"),
      envPaths(2, "script", sp("a", "bar-1.0"), sp("b", "bar-1.0")),
      "• The input derivation named `y-1.0` differs",
    );
    const kept = report(parseText(text));
    const none = report(parseText(text, { keepPathOnlyChars: 0 }));
    expect(kept.input.truncated).toBe(true);
    // Kept, its paths name bar-1.0 as changed outside the input, which explains x-1.0.
    expect(kept.frontier.map((f) => f.name)).toContain("bar-1.0");
    expect(kept.causes.filter((c) => c.kind === "unexplained")).toEqual([]);
    expect(kept.notes.some((n) => NOTE.test(n))).toBe(false);
    // Dropped, bar-1.0 is not known, and x-1.0 is not taken for unexplained: the note says why.
    expect(none.frontier.map((f) => f.name)).toEqual(kept.frontier.map((f) => f.name).filter((n) => n !== "bar-1.0"));
    expect(none.causes.filter((c) => c.kind === "unexplained")).toEqual([]);
    expect(none.notes.filter((n) => NOTE.test(n))).toEqual([
      "1 environment value that differs only in store paths was not kept (past the first 16 MiB of such values), so derivations whose paths changed only there may be missing from what changed outside the input, and the pairs holding them are not called unexplained.",
    ]);
  });

  it("judges with every input the pair printed, even one printed after its environment", () => {
    // A block value, then a heading at the pair's column: a damaged paste, but the parser
    // gives the pair the input name set, which explains the value's path.
    const text = doc(
      pairLines(0, "top"),
      "• The environments do not match:",
      "    script=''",
      `        run ←${sp("a", "foo-1.0")}←→${sp("b", "foo-1.1")}→`,
      "''",
      "• The set of input derivation names do not match:",
      "    - foo-1.0",
      "    + foo-1.1",
    );
    const kept = parseText(text);
    const none = parseText(text, { keepPathOnlyChars: 0 });
    expect(JSON.stringify(report(none))).toBe(JSON.stringify(report(kept)));
    expect(report(kept).causes.map((c) => c.kind)).toEqual(["version"]);
  });
});
