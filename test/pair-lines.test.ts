// A report's `pairLines` (one entry per printed pair, used by the JSON report
// only) is built only when something reads it (issue 11, item 4): the text and
// Markdown reports build nothing, the JSON writer writes the entries one at a
// time from their source, and either way the JSON is what JSON.stringify of
// the whole report gives.

import { describe, expect, it } from "vitest";
import { parseText } from "../src/parse/parser.js";
import { analyseDiff } from "../src/analyse/index.js";
import { pairLinesSource } from "../src/report.js";
import { jsonText, renderJson } from "../src/render/json.js";
import { renderText } from "../src/render/text.js";
import { renderMarkdown } from "../src/render/markdown.js";
import { makeContext } from "../src/render/context.js";
import { generate } from "../bench/generate.mjs";

const fresh = (): ReturnType<typeof analyseDiff> => analyseDiff(parseText(generate({ lines: 3000, seed: 2 })), { source: "test", version: "0" });

describe("pairLines built on demand", () => {
  it("the text and Markdown reports leave the list unbuilt", () => {
    const { report } = fresh();
    renderText(report, makeContext(false, 0));
    renderMarkdown(report);
    expect(pairLinesSource(report)).not.toBeNull();
  });

  it("the JSON writer writes every entry without building the list, as JSON.stringify writes the whole report", () => {
    const { report } = fresh();
    const written = renderJson(report);
    expect(pairLinesSource(report)).not.toBeNull();
    // jsonText stringifies the report: that reads pairLines, which builds it.
    const whole = jsonText(report);
    expect(pairLinesSource(report)).toBeNull();
    expect(written).toBe(whole);
    const parsed = JSON.parse(written) as { pairLines: unknown[] };
    expect(parsed.pairLines).toHaveLength(report.pairLines.length);
    expect(report.pairLines.length).toBeGreaterThan(100);
    // And from the built list, the same again.
    expect(renderJson(report)).toBe(whole);
  });

  it("reading the list gives one entry per printed pair, in input order, and keeps its key's place", () => {
    const { report } = fresh();
    const keys = Object.keys(report);
    expect(keys.slice(keys.indexOf("heaviest"), keys.indexOf("heaviest") + 3)).toEqual(["heaviest", "pairLines", "ambiguities"]);
    const list = report.pairLines;
    expect(report.pairLines).toBe(list); // built once
    expect(Object.keys(report)).toEqual(keys);
    const firstLines = list.map((e) => e.firstLine);
    expect(firstLines).toEqual([...firstLines].sort((a, b) => a - b));
    expect(list[0]).toEqual({ name: report.top!.name, firstLine: 1, lines: report.input.nixDiffLines, depth: 0 });
  });
});
