// The text parser's pairs (PrintedPair) keep DrvPair's fields in fewer
// slots; each must read back exactly what was set, as a plain DrvPair would,
// and a parsed diff must read the same through them.
import { describe, expect, it } from "vitest";
import type { DrvPair, Finding, PairStatus } from "../src/model.js";
import { parseText } from "../src/parse/parser.js";
import { PrintedPair } from "../src/parse/printedPair.js";
import { NO_PATH } from "../src/storePaths.js";
import { doc, pairLines, sp } from "./fixtures.js";

const builder = (line: number): Finding => ({ kind: "builder", line, items: { old: [{ text: "a", line: line + 1 }], new: [{ text: "b", line: line + 2 }] } });

describe("PrintedPair", () => {
  it("starts as a new pair does: expanded, no path, nothing below it", () => {
    const p: DrvPair = new PrintedPair(7, "hello-2.12", 3, 40);
    expect([p.id, p.name, p.parent, p.firstLine, p.lastLine, p.depth]).toEqual([7, "hello-2.12", 3, 40, 40, 0]);
    expect([p.oldPath, p.newPath]).toEqual([NO_PATH, NO_PATH]);
    expect([p.status, p.inferred, p.unfinished, p.mentionCount]).toEqual(["expanded", false, undefined, 0]);
    expect([p.oldOutputs, p.newOutputs, p.envSkippedLine, p.envShownLine, p.links]).toEqual([null, null, null, null, undefined]);
    expect(p.children).toEqual([]);
    expect(p.findings).toEqual([]);
    expect(new PrintedPair(0, "top", null, 1).parent).toBeNull();
  });

  it("reads back every status and flag, each independent of the others and of depth", () => {
    const p = new PrintedPair(0, "x", null, 1);
    for (const status of ["onlyAlreadyComparedBelow", "namesDiffer", "outputsDiffer", "expanded"] as PairStatus[]) {
      for (const depth of [0, 1, 300, (1 << 26) - 2]) {
        for (const inferred of [true, false]) {
          for (const unfinished of [true, undefined]) {
            p.status = status;
            p.depth = depth;
            p.inferred = inferred;
            p.unfinished = unfinished;
            expect([p.status, p.depth, p.inferred, p.unfinished]).toEqual([status, depth, inferred, unfinished]);
          }
        }
      }
    }
  });

  it("keeps a depth past what it packs", () => {
    const p = new PrintedPair(0, "x", null, 1);
    for (const depth of [(1 << 26) - 1, 1 << 26, 2 ** 31, 5]) {
      p.depth = depth;
      p.status = "namesDiffer";
      p.inferred = true;
      expect([p.depth, p.status, p.inferred]).toEqual([depth, "namesDiffer", true]);
    }
  });

  it("reads back a parent and environment lines, null included", () => {
    const p = new PrintedPair(0, "x", 4, 1);
    p.parent = null;
    p.envSkippedLine = 9;
    expect([p.parent, p.envSkippedLine, p.envShownLine]).toEqual([null, 9, null]);
    p.parent = 0;
    p.envSkippedLine = null;
    p.envShownLine = 12;
    expect([p.parent, p.envSkippedLine, p.envShownLine]).toEqual([0, null, 12]);
  });

  it("gives its findings as a list whether it has none, one or several", () => {
    const p = new PrintedPair(0, "x", null, 1);
    const [a, b, c] = [builder(2), builder(5), builder(8)];
    p.findings = [a];
    expect(p.findings).toEqual([a]);
    expect(p.findings[0]).toBe(a);
    const two = [a, b];
    p.findings = two;
    expect(p.findings).toBe(two);
    two.push(c);
    expect(p.findings.map((f) => f.line)).toEqual([2, 5, 8]);
    p.findings = [];
    expect(p.findings).toEqual([]);
  });

  it("refuses a push to the list it starts with (lists are replaced, never grown in place from empty)", () => {
    const p = new PrintedPair(0, "x", null, 1);
    expect(() => p.children.push(1)).toThrow();
    expect(() => p.findings.push(builder(1))).toThrow();
  });

  it("parses a tree to the same fields as before: paths, parent, depth, findings, environment line", () => {
    const bash = "bash-5.2p37";
    const text = doc([
      ...pairLines(0, "top-1"),
      "• The input derivation named `mid-2` differs",
      ...pairLines(2, "mid-2"),
      "  • The builders do not match",
      `      - ${sp("a", bash)}/bin/bash`,
      `      + ${sp("b", bash)}/bin/bash`,
      "  • Skipping environment comparison",
    ]);
    const d = parseText(text);
    const [top, mid] = d.pairs;
    expect(top).toBeInstanceOf(PrintedPair);
    expect([top!.parent, top!.depth, top!.children, top!.findings.length]).toEqual([null, 0, [1], 0]);
    expect([mid!.name, mid!.parent, mid!.depth, mid!.status, mid!.envSkippedLine]).toEqual(["mid-2", 0, 1, "expanded", text.split("\n").indexOf("  • Skipping environment comparison") + 1]);
    expect(mid!.findings.map((f) => f.kind)).toEqual(["builder"]);
    expect(d.paths.text(mid!.oldPath)).toMatch(/-mid-2\.drv$/);
  });
});
