// The graph's numbering of distinct pairs and its search for a mention's
// candidates, on small handmade diffs (the corpus rarely has an old path
// that comes with two different new paths).

import { describe, expect, it } from "vitest";
import { parseText } from "../src/parse/parser.js";
import { buildGraph, printedBefore } from "../src/analyse/graph.js";

const h = (c: string): string => c.repeat(32);
const path = (sign: string, hash: string, name: string, outputs = "out"): string => `${sign} /nix/store/${hash}-${name}.drv:{${outputs}}`;

function input(indent: string, oldHash: string, newHash: string, outputs = "out"): string[] {
  return [
    `${indent}• The input derivation named \`x\` differs`,
    `${indent}  ${path("-", oldHash, "x", outputs)}`,
    `${indent}  ${path("+", newHash, "x", outputs)}`,
    `${indent}  • The builders do not match`,
    `${indent}      - /bin/a`,
    `${indent}      + /bin/b`,
  ];
}

describe("pair keys", () => {
  it("one key per distinct (old, new) pair: the same old path with another new path is another pair", () => {
    const text = [
      path("-", h("a"), "top"),
      path("+", h("b"), "top"),
      ...input("", h("c"), h("d")),
      ...input("", h("c"), h("f")), // same old path, another new one
      ...input("", h("c"), h("d"), "dev"), // the first pair again, for other outputs
      ...input("", h("c"), h("f"), "lib"), // the second again
      ...input("", h("g"), h("d")), // another old path with the first's new path
      ...input("", h("g"), h("d"), "man"), // and that one again
      "• Skipping environment comparison",
    ].join("\n");
    const diff = parseText(text);
    expect(diff.pairs.map((p) => p.name)).toEqual(["top", "x", "x", "x", "x", "x", "x"]);
    const g = buildGraph(diff);
    expect([...g.key]).toEqual([0, 1, 2, 1, 2, 3, 3]);
    expect(g.keys).toBe(4);
  });
});

describe("printedBefore", () => {
  it("counts the sorted first lines before a line, within a range", () => {
    const lines = [3, 7, 7, 12, 40];
    expect(printedBefore(lines, 1)).toBe(0);
    expect(printedBefore(lines, 7)).toBe(1);
    expect(printedBefore(lines, 8)).toBe(3);
    expect(printedBefore(lines, 100)).toBe(5);
    expect(printedBefore(lines, 13, 1, 4)).toBe(3);
    expect(printedBefore(lines, 7, 2, 4)).toBe(0);
  });
});
