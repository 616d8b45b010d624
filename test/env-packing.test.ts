// Long environment values are kept as UTF-8 bytes once their pair is judged
// (the parser's packText), and a path-only value past the keep budget is
// dropped and holds no text at all. Packing is invisible in the text; these
// tests read the property itself to see which form a value is in.

import { describe, expect, it } from "vitest";
import { parseText } from "../src/parse/parser.js";
import type { Finding, RenderedText } from "../src/model.js";

const h = (c: string): string => c.repeat(32);
const filler = "x".repeat(300);
const pathOnly = `${filler} ←/nix/store/${h("e")}-dep-1.0←→/nix/store/${h("f")}-dep-1.0→`;
const changed = `${filler} ←--old←→--new→`;
const text = [
  `- /nix/store/${h("a")}-top.drv:{out}`,
  `+ /nix/store/${h("b")}-top.drv:{out}`,
  "• The input derivation named `dep-1.0` differs",
  `  - /nix/store/${h("c")}-dep-1.0.drv:{out}`,
  `  + /nix/store/${h("d")}-dep-1.0.drv:{out}`,
  "  • The builders do not match",
  "      - /bin/a",
  "      + /bin/b",
  "  • Skipping environment comparison",
  "• The environments do not match:",
  `    flags=${changed}`,
  `    paths=${pathOnly}`,
  `    short=a←b←→c→`,
].join("\n");

function values(keep?: number): Map<string, RenderedText> {
  const diff = parseText(text, keep === undefined ? {} : { keepPathOnlyChars: keep });
  const top = diff.pairs[diff.roots[0]!]!;
  const out = new Map<string, RenderedText>();
  for (const f of top.findings as Finding[]) if (f.kind === "envEntry") out.set(f.key, f.value);
  return out;
}

const packed = (v: RenderedText): boolean => typeof Object.getOwnPropertyDescriptor(v, "text")?.get === "function";

describe("environment values after their pair closes", () => {
  it("a long changed value and a kept path-only one are packed, and read back whole", () => {
    const v = values();
    expect(v.get("flags")!.text).toBe(changed);
    expect(packed(v.get("flags")!)).toBe(true);
    expect(v.get("paths")!.sameByPaths).toBe(true);
    expect(v.get("paths")!.text).toBe(pathOnly);
    expect(packed(v.get("paths")!)).toBe(true);
    // Short values stay strings.
    expect(v.get("short")!.text).toBe("a←b←→c→");
    expect(packed(v.get("short")!)).toBe(false);
  });

  it("a path-only value past the budget is dropped and holds no bytes; the changed one is kept, packed", () => {
    const v = values(0);
    expect(v.get("paths")!.sameByPaths).toBe(true);
    expect(v.get("paths")!.textDropped).toBe(true);
    expect(v.get("paths")!.text).toBe("");
    expect(packed(v.get("paths")!)).toBe(false);
    expect(v.get("flags")!.text).toBe(changed);
    expect(packed(v.get("flags")!)).toBe(true);
  });
});
