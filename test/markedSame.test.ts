// The quick test for marked environment values (analyse/markedSame.ts) must
// never say "same" where the full comparison (rebuild's first reading,
// normalised on both sides) says otherwise, and should decide the usual
// hash-only value by itself.
import { describe, expect, it } from "vitest";
import { markedSame } from "../src/values/markedSame.js";
import { Substitution, type SubstitutionContext } from "../src/values/substitution.js";
import { hasMarkers, rebuild } from "../src/values/textDiff.js";
import { rng } from "./shipped.js";

const ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";


function ctx(over: Partial<SubstitutionContext> = {}): SubstitutionContext {
  return { storeDir: "/nix/store", renames: new Map(), removed: new Set(), added: new Set(), outputsChanged: new Set(), ...over };
}

function fullSame(text: string, sub: Substitution): boolean {
  const r = rebuild(text)[0]!;
  return sub.same(r.old, r.new);
}

describe("markedSame", () => {
  const h = (c: string): string => c.repeat(32);
  const p = (c: string, name: string): string => `/nix/store/${h(c)}-${name}`;

  it("decides a value whose chunks are store paths with new hashes", () => {
    const text = `${p("a", "bash-5.2")} ←${p("b", "zlib-1.3")}←→${p("c", "zlib-1.3")}→ ${p("d", "xz-5.6")}`;
    const sub = new Substitution(ctx());
    expect(markedSame(text, sub)).toBe(true);
    expect(fullSame(text, sub)).toBe(true);
  });

  it("decides character mode, where only the hash is marked", () => {
    const text = `/nix/store/←${h("b")}←→${h("c")}→-zlib-1.3/lib x`;
    expect(markedSame(text, new Substitution(ctx()))).toBe(true);
  });

  it("leaves a real change, a rename seen in common text and whitespace-only changes to the full comparison", () => {
    const sub = new Substitution(ctx());
    expect(markedSame(`--with-x ←--a←→--b→`, sub)).toBeNull();
    const renamed = new Substitution(ctx({ renames: new Map([["zlib-1.3", "zlib-1.4"]]) }));
    expect(markedSame(`${p("a", "zlib-1.3")} ←${p("b", "xz")}←→${p("c", "xz")}→`, renamed)).toBeNull();
    expect(markedSame(`←${p("b", "xz")}←→${p("c", "xz")}→ ${p("a", "zlib-1.3")}`, renamed)).toBeNull();
    expect(markedSame(`←${p("b", "zlib-1.3")}←→${p("c", "zlib-1.4")}→`, renamed)).toBe(true);
    expect(fullSame(`←${p("b", "zlib-1.3")}←→${p("c", "zlib-1.4")}→`, renamed)).toBe(true);
    expect(markedSame(`a ← ←b`, sub)).toBeNull();
    expect(fullSame(`a ← ←b`, sub)).toBe(true);
  });

  it("never says same where the full comparison does not (random values)", () => {
    const r = rng(11);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const names = ["zlib-1.3", "zlib-1.4", "xz-5.6", "bash", "bash-dev", "a b", "x?=y"];
    const pieces = [" ", "\n", "\t", "  ", "←", "→", "-", "/", "/nix/store/", "--flag", "→x→", "←y←"];
    let decided = 0;
    for (let k = 0; k < 3000; k++) {
      let text = "";
      const parts = 1 + Math.floor(r() * 8);
      for (let j = 0; j < parts; j++) {
        const u = r();
        if (u < 0.4) text += p(pick([...ALPHABET]), pick(names));
        else if (u < 0.7) text += `←${p(pick([...ALPHABET]), pick(names))}←→${p(pick([...ALPHABET]), pick(names))}→`;
        else text += pick(pieces);
      }
      const sub = new Substitution(
        ctx(
          pick([
            {},
            { renames: new Map([["zlib-1.3", "zlib-1.4"]]) },
            { removed: new Set(["bash"]) },
            { added: new Set(["xz-5.6"]), outputsChanged: new Set(["bash"]) },
          ]),
        ),
      );
      if (!hasMarkers(text)) continue; // the caller asks only about marked text
      const quick = markedSame(text, sub);
      if (quick) {
        decided++;
        expect(fullSame(text, sub), text).toBe(true);
      }
    }
    expect(decided).toBeGreaterThan(100);
  });
});
