// flat(): the parser's copy of what it keeps of a line (paths, names). It
// copies ASCII through bytes (one byte a character) and anything else as a
// string; either way the copy must be the same text, whatever it was cut from.
import { describe, expect, it } from "vitest";
import { flat } from "../src/parse/parser.js";

// A two-byte parent, as split2's chunk is when it holds a `•`: its slices are two-byte too.
const parent = (s: string): string => `• ${"x".repeat(20)}\n${s}\n`;
const cut = (s: string): string => parent(s).slice(23, 23 + s.length);

describe("flat", () => {
  const cases: [string, string][] = [
    ["an ASCII store path", "/nix/store/abcdefghijklmnopqrstuvwxyz012345-hello-2.12.drv"],
    ["the empty string", ""],
    ["one character", "a"],
    ["Latin-1 but not ASCII", "café-1.0"],
    ["a character outside Latin-1", "•"],
    ["ASCII then a character outside Latin-1 at the end", `${"a".repeat(100)}→`],
    ["an astral character", "pkg-😀-1"],
    ["a lone surrogate", "pkg-\ud800-1"],
    ["ASCII of exactly 1024 characters (the byte copy's limit)", "b".repeat(1024)],
    ["ASCII of 1025 characters (copied as a string)", "c".repeat(1025)],
    ["non-ASCII longer than the byte copy's buffer in UTF-8", "é".repeat(1000)],
    ["control characters", "\u0001\u001b[31m\u007f"],
  ];
  for (const [what, s] of cases) {
    it(`keeps the text: ${what}`, () => {
      const sliced = cut(s);
      expect(sliced).toBe(s);
      expect(flat(sliced)).toBe(s);
      expect(flat(s)).toBe(s);
    });
  }

  it("gives each call its own copy (the byte buffer is reused, the strings are not)", () => {
    const a = flat(cut("first-name"));
    const b = flat(cut("other-name"));
    expect([a, b]).toEqual(["first-name", "other-name"]);
  });
});
