// StorePaths keeps a `.drv` path as its hash's bits, its directory and its
// name: every path must come back as it went in, and equal paths (only those)
// must get equal ids, since pairs are keyed by them.

import { describe, expect, it } from "vitest";
import { NO_PATH, StorePaths } from "../src/storePaths.js";

const DIGITS = "0123456789abcdfghijklmnpqrsvwxyz";

/** A pseudo-random 32-digit store hash (xorshift: the same hashes on every run). */
function hashes(n: number, seed = 1): string[] {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let h = "";
    for (let c = 0; c < 32; c++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      h += DIGITS[(x >>> 0) % 32];
    }
    out.push(h);
  }
  return out;
}

describe("StorePaths", () => {
  it("gives back every path as it was added, whatever its digits, directory or name", () => {
    const paths = new StorePaths();
    const given = [
      "/nix/store/00000000000000000000000000000000-a.drv",
      "/nix/store/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-a.drv",
      "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-bash-5.2p37.drv",
      "/gnu/store/0123456789abcdfghijklmnpqrsvwxyz-bash-5.2p37.drv",
      "/x/0123456789abcdfghijklmnpqrsvwxyz-name with spaces ü.drv",
      // Not the `<hash>-<name>.drv` form: kept whole.
      "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-bash.tar.gz",
      "/nix/store/0123456789abcdefghijklmnpqrsvwxyz-e-is-no-digit.drv",
      "/nix/store/short-x.drv",
      "relative/0123456789abcdfghijklmnpqrsvwxyz-x.drv",
      "0123456789abcdfghijklmnpqrsvwxyz-no-dir.drv",
      "",
    ];
    const ids = given.map((p) => paths.add(p));
    expect(new Set(ids).size).toBe(given.length);
    expect(ids.map((id) => paths.text(id))).toEqual(given);
    expect(paths.text(NO_PATH)).toBeNull();
  });

  it("gives equal ids to equal paths only, across thousands (the table grows) and two directories", () => {
    const paths = new StorePaths();
    const hs = hashes(5000);
    const all = hs.flatMap((h, i) => [`/nix/store/${h}-pkg-${i % 7}.drv`, `/gnu/store/${h}-pkg-${i % 7}.drv`, `/nix/store/${h}-other.drv`]);
    const ids = all.map((p) => paths.add(p));
    expect(paths.size).toBe(all.length);
    expect(new Set(ids).size).toBe(all.length);
    // Added again, in another order: the same ids.
    const again = [...all.keys()].reverse().map((i) => [i, paths.add(all[i]!)] as const);
    for (const [i, id] of again) expect(id).toBe(ids[i]);
    expect(paths.size).toBe(all.length);
    for (let i = 0; i < all.length; i += 97) expect(paths.text(ids[i]!)).toBe(all[i]);
  });

  it("takes the name it is given only where it is the path's own", () => {
    const paths = new StorePaths();
    const p = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12.drv";
    const id = paths.add(p, "hello-2.12");
    expect(paths.add(p)).toBe(id);
    expect(paths.text(id)).toBe(p);
    // A wrong name would turn the path into another one: the path's own is taken.
    expect(paths.add(p, "hello-2.13")).toBe(id);
    expect(paths.add(p.replace("2.12", "2.13"), "hello-2.13")).not.toBe(id);
    expect(paths.text(paths.add(p.replace("2.12", "2.13"), "hello-2.13"))).toBe(p.replace("2.12", "2.13"));
  });

  it("after seal() (its table dropped) still finds every path and adds new ones", () => {
    const paths = new StorePaths();
    const all = hashes(3000, 9).map((h, i) => (i % 10 === 0 ? `/weird/${h}.tar.gz` : `/nix/store/${h}-p.drv`));
    const ids = all.map((p) => paths.add(p));
    paths.seal();
    expect(all.map((p) => paths.add(p))).toEqual(ids);
    const more = hashes(3000, 10).map((h) => `/nix/store/${h}-q.drv`);
    const moreIds = more.map((p) => paths.add(p));
    expect(new Set([...ids, ...moreIds]).size).toBe(6000);
    paths.seal();
    expect(more.map((p) => paths.add(p))).toEqual(moreIds);
    expect(moreIds.map((id) => paths.text(id))).toEqual(more);
  });

  it("looks at about one slot a path even when the hashes share all but their last digits (made-up hashes)", () => {
    // As test/generators.ts and hostile inputs make them: zero-padded counters.
    const digits = (i: number): string => i.toString(32).replace(/[a-v]/g, (c) => DIGITS[parseInt(c, 32)]!).padStart(32, "0");
    for (const make of [(i: number) => `/nix/store/${digits(i)}-p.drv`, (i: number) => `/nix/store/${digits(i)}.tar.gz`]) {
      const paths = new StorePaths();
      const n = 20_000;
      for (let i = 0; i < n; i++) paths.add(make(i));
      // Linear probing at half load: ~1.5 slots a path on average; a clustered start would be ~n/2.
      expect(paths.probes).toBeLessThan(3 * n);
      expect(paths.text(paths.add(make(12_345)))).toBe(make(12_345));
      expect(paths.size).toBe(n);
    }
  });
});

describe("pairs keyed by path ids", () => {
  it("keeps apart two derivations whose paths, joined with `|`, read the same (the old string key merged them)", async () => {
    const { parseText } = await import("../src/parse/parser.js");
    const { analyse } = await import("../src/analyse/index.js");
    const h = (c: string): string => c.repeat(32);
    const text = [
      `- /nix/store/${h("0")}-t.drv:{out}`,
      `+ /nix/store/${h("1")}-t.drv:{out}`,
      "• The input derivation named `b` differs",
      `  - /nix/store/${h("a")}-a.drv|/nix/store/${h("b")}-b.drv:{out}`,
      `  + /nix/store/${h("c")}-c.drv:{out}`,
      "• The input derivation named `c` differs",
      `  - /nix/store/${h("a")}-a.drv:{out}`,
      `  + /nix/store/${h("b")}-b.drv|/nix/store/${h("c")}-c.drv:{out}`,
      "• The input derivation named `z` differs",
      "",
    ].join("\n");
    const report = analyse(parseText(text), { source: "t", version: "0" });
    expect(report.causes.filter((c) => c.kind === "unexplained").map((c) => c.lines)).toEqual([[3], [6]]);
  });
});
