// A cut paste never yields a cause from its cut, and is always said to be cut
// (issue #9, item 1). The property, over every complete output in samples/:
// for a prefix ending at any line end or in the middle of any line, every
// root cause reported for the prefix is one the complete output reports too,
// and the prefix is reported as cut.
//
// One place where a cut cannot be seen: at a line end inside the top pair's
// own environment list, which is also where nix-diff ends an output printed
// with --environment. There the prefix must still invent nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/index.js";
import { parseText } from "../src/parse/parser.js";
import type { Cause, Report } from "../src/report.js";
import { runCli } from "./run.js";
import { completeOutputs, rng, samplesDir as dir } from "./shipped.js";



const run = (text: string): Report => analyse(parseText(text), { source: "test", version: "0.0.0" });

/** Does `full` report the change `c` (seen in no derivation it does not show it in)? */
function reportedBy(full: Cause[], c: Cause): boolean {
  return full.some(
    (f) =>
      f.kind === c.kind &&
      f.name === c.name &&
      f.from === c.from &&
      f.to === c.to &&
      f.input === c.input &&
      f.source === c.source &&
      (c.keys ?? []).every((k) => f.keys?.includes(k)) &&
      c.seenIn.every((d) => f.seenIn.includes(d)),
  );
}


/** Cut points: every line end of a short output, a spread of them in a long one, and cuts inside lines. */
function cutPoints(lines: string[], r: () => number): { at: number; col: number | null }[] {
  const n = lines.length;
  const points: { at: number; col: number | null }[] = [];
  const ends = n <= 250 ? n : 90;
  for (let k = 0; k < ends; k++) points.push({ at: n <= 250 ? k : Math.floor(r() * n), col: null });
  const mids = n <= 250 ? Math.min(n, 120) : 60;
  for (let k = 0; k < mids; k++) {
    const at = Math.floor(r() * n);
    const len = lines[at]!.length;
    if (len > 1) points.push({ at, col: 1 + Math.floor(r() * (len - 1)) });
  }
  return points;
}

/** Line indexes inside the top pair's final environment list, where an entry starts on the next line. */
function rootEnvEntryEnds(lines: string[]): Set<number> {
  const heading = lines.lastIndexOf("• The environments do not match:");
  const ok = new Set<number>();
  if (heading < 0) return ok;
  const entry = /^ {4}(?:[-+] )?[^\s=][^=]*=/;
  for (let i = heading + 1; i < lines.length; i++) {
    const next = lines[i + 1];
    if (next === undefined || entry.test(next)) ok.add(i);
  }
  return ok;
}

describe("a cut output invents no cause and says it is cut", () => {
  const files = completeOutputs();
  const refused: string[] = [];
  it("finds the complete outputs", () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files)("%s", (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const full = run(text);
    expect(full.input.truncated).toBe(false);
    const lines = text.replace(/\n$/, "").split("\n");
    const exempt = rootEnvEntryEnds(lines);
    const r = rng(file.length * 7919 + lines.length);
    const failures: string[] = [];
    for (const { at, col } of cutPoints(lines, r)) {
      if (col === null && at === lines.length - 1) continue; // the whole output
      const prefix = lines.slice(0, at).join("\n") + (at > 0 ? "\n" : "") + (col === null ? lines[at]! + "\n" : lines[at]!.slice(0, col));
      const rep = run(prefix);
      const where = col === null ? `after line ${at + 1}` : `line ${at + 1} at column ${col}`;
      // Only the start of the first line: no pair at all, which the CLI refuses (exit 2).
      if (rep.summary.pairsPrinted === 0) {
        refused.push(prefix);
        continue;
      }
      // A cut that leaves only white space of the last line is a cut at the end of the line before.
      const blankTail = col !== null && lines[at]!.slice(0, col).trim() === "";
      const atLineEnd = col === null || blankTail;
      const lineEnd = col === null ? at : at - 1;
      for (const c of rep.causes) {
        if (c.kind === "unexplained") failures.push(`${where}: unexplained ${c.drv}`);
        else if (!reportedBy(full.causes, c)) failures.push(`${where}: invented ${c.kind} ${c.drv} ${c.summary}`);
      }
      if (!rep.input.truncated && !(atLineEnd && exempt.has(lineEnd))) failures.push(`${where}: not reported as cut`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it("a prefix holding only the start of the first line is refused, not reported", async () => {
    expect(refused.length).toBeGreaterThan(0);
    for (const prefix of refused.slice(0, 20)) {
      const r = await runCli(["--format", "json"], { stdin: prefix });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    }
  });
});

describe("found by an attack on real pastes (issue #9)", () => {
  it("a cut inside the top pair's environment list, mid-line, is said to be cut (the line has no newline)", async () => {
    const text = readFileSync(join(dir, "env-change/env.txt"), "utf8");
    const lines = text.split("\n");
    const heading = lines.lastIndexOf("• The environments do not match:");
    // An entry that starts right after a '' value closed at column 0: between two entries, not inside a value.
    const entry = lines.findIndex((l, i) => i > heading + 2 && lines[i - 1] === "''" && /^ {4}[a-zA-Z]\w*=/.test(l));
    expect(entry).toBeGreaterThan(heading);
    const prefix = lines.slice(0, entry).join("\n") + "\n" + lines[entry]!.slice(0, 8);
    const r = await runCli(["--format", "json"], { stdin: prefix });
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.input.truncated).toBe(true);
    expect(rep.input.truncatedReason).toContain("has no newline");
    // The same text ending with its newline is a line nix-diff could print last: not claimed.
    expect(run(prefix + "\n").input.truncatedReason ?? "").not.toContain("has no newline");
  });
});
