// Long values are judged whole, never guessed (issue #9, item 7). A value
// longer than the parser keeps (64 KiB) is compared on all of it as it
// streams: a real change past the kept beginning is a cause, store paths
// changed by the inputs are not, and a value that cannot be compared is
// counted as not judged. Rendered as nix-diff renders a `''` block in word,
// character and line modes (docs: nix-diff-format.md, "Text diffs").
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/index.js";
import { LongValue } from "../src/values/longValue.js";
import { Substitution } from "../src/values/substitution.js";
import { rebuild } from "../src/values/textDiff.js";
import { readDiff } from "../src/input/read.js";
import { DiffParser, parseText } from "../src/parse/parser.js";
import type { Report } from "../src/report.js";
import { rng } from "./shipped.js";

const ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
const CAP = 64 * 1024;


function hash(r: () => number): string {
  let h = "";
  for (let i = 0; i < 32; i++) h += ALPHABET[Math.floor(r() * 32)];
  return h;
}

/** A piece of a value: the same on both sides, or one text on each side. */
type Seg = string | { old: string; new: string };

/**
 * A buildEnv `pkgs` JSON of `entries` packages as segments: every store path
 * has another hash on each side (what a changed input does); `change`, if
 * given, is a real difference in the entry at that index.
 */
function pkgsJson(entries: number, seed: number, change?: { at: number; old: string; new: string }): Seg[] {
  const r = rng(seed);
  const segs: Seg[] = ["["];
  for (let i = 0; i < entries; i++) {
    segs.push(`${i ? "," : ""}{"paths":["/nix/store/`, { old: hash(r), new: hash(r) }, `-package-${i}-1.0","/nix/store/`, { old: hash(r), new: hash(r) }, `-package-${i}-1.0-man"],"priority":`);
    segs.push(change && change.at === i ? { old: change.old, new: change.new } : "5");
    segs.push("}");
  }
  segs.push("]");
  return segs;
}

const sideOf = (segs: Seg[], side: "old" | "new"): string => segs.map((s) => (typeof s === "string" ? s : s[side])).join("");

/** Character mode: each differing piece as `←old←→new→`, the rest as is. */
const charMode = (segs: Seg[]): string => segs.map((s) => (typeof s === "string" ? s : `←${s.old}←→${s.new}→`)).join("");
/** Word mode: a JSON without spaces is one word, old then new. */
const wordMode = (segs: Seg[]): string => `←${sideOf(segs, "old")}←→${sideOf(segs, "new")}→`;
/** Line mode of a one-line value: `- old+ new`. */
const lineMode = (segs: Seg[]): string => `- ${sideOf(segs, "old")}+ ${sideOf(segs, "new")}`;
/** Line mode of a value of one JSON entry per line. */
function lineModeLines(segs: Seg[]): string {
  const old = sideOf(segs, "old").split("},{");
  const neu = sideOf(segs, "new").split("},{");
  return old.map((o, i) => (o === neu[i] ? `  ${o}` : `- ${o}\n+ ${neu[i]}`)).join("\n");
}

const H = (n: number): string => ALPHABET[n]!.repeat(32);
/** A top pair whose input foo bumps, and whose `pkgs` value is the rendered text, in a `''` block. */
function output(rendered: string): string {
  return [
    `- /nix/store/${H(1)}-system-path.drv:{out}`,
    `+ /nix/store/${H(2)}-system-path.drv:{out}`,
    "• The set of input derivation names do not match:",
    "    - foo-1.0",
    "    + foo-1.1",
    "• The environments do not match:",
    "    pkgs=''",
    ...rendered.split("\n").map((l) => `    ${l}`),
    "''",
    "",
  ].join("\n");
}

function run(text: string): { report: Report; kept: number[]; held: number[] } {
  const diff = parseText(text);
  const kept: number[] = [];
  const held: number[] = [];
  for (const p of diff.pairs) {
    for (const f of p.findings) {
      if (f.kind !== "envEntry") continue;
      kept.push(f.value.text.length);
      held.push(f.value.whole?.held ?? 0);
    }
  }
  return { report: analyse(diff, { source: "test", version: "0.0.0" }), kept, held };
}

const MODES: Record<string, (segs: Seg[]) => string> = {
  "word mode": wordMode,
  "character mode": charMode,
  "line mode, one line (`- old+ new`)": lineMode,
  "line mode, a line per entry": lineModeLines,
};

describe("a 200k-character value is judged whole", () => {
  const entries = 1400; // about 200k characters
  for (const [mode, render] of Object.entries(MODES)) {
    describe(mode, () => {
      it("a real change past the kept part is a cause", () => {
        const segs = pkgsJson(entries, 7, { at: entries - 3, old: "5", new: "6" });
        const rendered = render(segs);
        expect(rendered.length).toBeGreaterThan(200_000);
        // The change is past what is kept.
        expect(rendered.indexOf('"priority":' + (mode === "character mode" ? "←5←" : "6"))).toBeGreaterThan(CAP);
        const { report, kept, held } = run(output(rendered));
        const env = report.causes.filter((c) => c.kind === "env");
        expect(env.map((c) => c.keys)).toEqual([["pkgs"]]);
        expect(env[0]!.summary).toMatch(/compared whole/);
        expect(report.summary.valuesNotJudged).toBe(0);
        expect(kept[0]).toBeLessThanOrEqual(CAP);
        expect(held[0]).toBeLessThan(CAP / 2);
      });

      it("store paths changed by the inputs alone are not a cause", () => {
        const segs = pkgsJson(entries, 11);
        const rendered = render(segs);
        expect(rendered.length).toBeGreaterThan(200_000);
        const { report, kept, held } = run(output(rendered));
        expect(report.causes.filter((c) => c.kind === "env")).toEqual([]);
        expect(report.summary.storePathOnly).toBe(1);
        expect(report.summary.valuesNotJudged).toBe(0);
        expect(kept[0]).toBeLessThanOrEqual(CAP);
        expect(held[0]).toBeLessThan(CAP / 2);
      });

      it("a renamed input's paths are explained by its bump, also past the kept part", () => {
        const segs = pkgsJson(entries, 13);
        // foo-1.0 → foo-1.1 (the pair's input-name change), far into the value.
        segs.splice(segs.length - 2, 0, ',{"paths":["/nix/store/', { old: hash(rng(3)), new: hash(rng(4)) }, "-", { old: "foo-1.0", new: "foo-1.1" }, '"],"priority":5}');
        const { report } = run(output(render(segs)));
        expect(report.causes.filter((c) => c.kind === "env")).toEqual([]);
        expect(report.summary.valuesNotJudged).toBe(0);
      });
    });
  }

  it("a value with a line the reader cut is not judged, and not a cause", async () => {
    const text = output(wordMode(pkgsJson(entries, 7, { at: entries - 3, old: "5", new: "6" })));
    const parser = new DiffParser();
    await readDiff(Readable.from([Buffer.from(text)]), parser, { maxLineBytes: 150_000 });
    const report = analyse(parser.end(), { source: "test", version: "0.0.0" });
    expect(report.causes.filter((c) => c.kind === "env")).toEqual([]);
    expect(report.summary.valuesNotJudged).toBe(1);
    expect(report.notes.some((n) => /1 environment value was not judged/.test(n))).toBe(true);
  });

  it("a long value that reads two ways (a lone arrow that may be text) is not judged", () => {
    const segs = pkgsJson(entries, 17);
    segs.splice(3, 0, " → ");
    const { report } = run(output(charMode(segs)));
    expect(report.causes.filter((c) => c.kind === "env")).toEqual([]);
    expect(report.summary.valuesNotJudged).toBe(1);
  });

  it("a short value is still judged on its text (no digest kept)", () => {
    const { report, held } = run(output(charMode(pkgsJson(3, 5, { at: 1, old: "5", new: "6" }))));
    expect(report.causes.filter((c) => c.kind === "env").map((c) => c.keys)).toEqual([["pkgs"]]);
    expect(held).toEqual([0]);
  });
});

describe("LongValue agrees with judging the whole text, however it is chunked", () => {
  const sub = new Substitution({ storeDir: "/nix/store", renames: new Map([["foo-1.0", "foo-1.1"]]), removed: new Set(["gone"]), added: new Set(["new"]), outputsChanged: new Set() });
  const truth = (text: string): "same" | "differs" => (rebuild(text).some((r) => sub.same(r.old, r.new)) ? "same" : "differs");
  const r = rng(99);
  const cases: string[] = [];
  for (const render of Object.values(MODES)) {
    for (let k = 0; k < 4; k++) {
      const segs = pkgsJson(20, 100 + k, k % 2 ? { at: 10 + k, old: "5", new: "5 " + "x".repeat(k) } : undefined);
      if (k === 2) segs.splice(5, 0, " a  b\t", { old: "/nix/store/" + hash(r) + "-gone-1", new: "" }, "  ");
      if (k === 3) segs.splice(5, 0, { old: "/nix/store/" + hash(r) + "-foo-1.0/bin", new: "/nix/store/" + hash(r) + "-foo-1.1/bin" });
      cases.push(render(segs));
    }
  }
  // Line mode: a `- ` line holding `+ ` that is not the last, blank lines after the last, `+ ` at a chunk end.
  cases.push("  a\n- x + y\n+ x + z\n\n", "- /nix/store/" + H(3) + "-p+ /nix/store/" + H(4) + "-p\n\n", "- a+ b+ a\n", "- a+ a+ b", "text\n- a+ a");

  it.each(cases.map((c, i) => [i, c] as const))("case %i", (_i, text) => {
    const expected = truth(text);
    for (let trial = 0; trial < 25; trial++) {
      const v = new LongValue(sub, "/nix/store");
      let at = 0;
      while (at < text.length) {
        const n = trial === 0 ? text.length : 1 + Math.floor(r() * (trial < 5 ? 3 : 200));
        v.push(text.slice(at, at + n));
        at += n;
      }
      expect({ trial, verdict: v.verdict() }).toEqual({ trial, verdict: expected });
    }
  });

  it("says both verdicts across the cases", () => {
    const verdicts = new Set(cases.map(truth));
    expect(verdicts).toEqual(new Set(["same", "differs"]));
  });
});
