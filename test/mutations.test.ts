// Pastes that lost their decoration read through (issue #9, item 4): every
// complete output in samples/, with its bullets lost or replaced, its
// indentation shifted, rescaled or turned into tabs, or quoted the way mail
// and forums quote, must read exactly as the original does: the same causes,
// no unrecognised line (the mutation only removed decoration), one document.
//
// Mutations are applied to nix-diff's lines as a renderer would: to every
// line's leading white space, or to the `• ` that starts a line's text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/index.js";
import { readDiff } from "../src/input/read.js";
import { DiffParser } from "../src/parse/parser.js";
import type { Cause, Report } from "../src/report.js";
import { runCli } from "./run.js";
import { completeOutputs, samplesDir as dir } from "./shipped.js";


/** Every nix-diff text output shipped in samples/, the forum fragment included. */
const shippedOutputs = (): string[] => [...completeOutputs(), "forum-fragment.txt"];

async function read(text: string): Promise<{ report: Report; parser: DiffParser }> {
  const parser = new DiffParser();
  await readDiff(Readable.from([Buffer.from(text)]), parser);
  return { report: analyse(parser.end(), { source: "test", version: "0.0.0" }), parser };
}

/** What a cause says, without where it was seen (line numbers move when lines are added). */
function key(c: Cause): string {
  return JSON.stringify([c.kind, c.drv, c.name, c.from, c.to, c.input, c.source, c.keys, c.summary]);
}

type Mutation = (lines: string[]) => string[];

const lead = (l: string): number => l.length - l.trimStart().length;
const onLead = (f: (n: number) => string): Mutation => (lines) => lines.map((l) => (l.trim() === "" ? l : f(lead(l)) + l.slice(lead(l))));
const bullet = (standIn: string): Mutation => (lines) => lines.map((l) => l.replace(/^( *)• /, `$1${standIn}`));
const quote = (prefix: (i: number, l: string) => string): Mutation => (lines) => lines.map((l, i) => prefix(i, l) + l);

const MUTATIONS: Record<string, Mutation> = {
  "bullets lost": bullet(""),
  "bullets as `* `": bullet("* "),
  "bullets as `· `": bullet("· "),
  "bullets as `o `": bullet("o "),
  "bullets as `•` (no space)": bullet("•"),
  "every line shifted by 4": onLead((n) => " ".repeat(n + 4)),
  "every line shifted by 1": onLead((n) => " ".repeat(n + 1)),
  "indentation doubled": onLead((n) => " ".repeat(2 * n)),
  "indentation halved (1 per level)": onLead((n) => " ".repeat(Math.ceil(n / 2))),
  "indentation in tabs (tab stop 8)": onLead((n) => "\t".repeat(Math.floor(n / 8)) + " ".repeat(n % 8)),
  "quoted `> `": quote((_i, l) => (l === "" ? ">" : "> ")),
  "quoted `>> `": quote(() => ">> "),
  "quoted `> > `": quote(() => "> > "),
  "quoted `>` (mail, no space)": quote(() => ">"),
  "quoted, mixed `> ` and `>`": quote((i) => (i % 3 === 0 ? ">" : "> ")),
  "quoted `> ` and bullets lost": (lines) => MUTATIONS["quoted `> `"]!(bullet("")(lines)),
  "shifted by 4 and bullets as `* `": (lines) => onLead((n) => " ".repeat(n + 4))(bullet("* ")(lines)),
};

/** The unchanged arguments (`• arg` under `The arguments do not match`) of an output. */
function unchangedArguments(lines: string[]): number {
  let k = 0;
  let column: number | null = null;
  for (const l of lines) {
    const n = lead(l);
    if (column !== null && l.trim() !== "" && n <= column) column = null;
    if (l.slice(n) === "• The arguments do not match") column = n;
    else if (column !== null && l.slice(n).startsWith("• ")) k++;
  }
  return k;
}

/**
 * Mutations that lose information a reading needs, and what an honest
 * reading of them is, checked instead of the equal-causes property:
 *
 * - bullets replaced by `- `: an unchanged argument (`• arg`) becomes `- arg`,
 *   which is also how nix-diff prints a removed one. The arguments' change is
 *   read as printed and a note says that those lines are ambiguous; every
 *   other cause is the original's.
 * - indentation removed altogether: which pair a line belongs to cannot be
 *   known, so the input is refused (exit 2) with a message that says so,
 *   never read into causes.
 * - tabs are read at tab stop 8 (a terminal's, `expand`'s): a paste made with
 *   another tab stop is not recovered (not tested).
 */
const AMBIGUOUS_NOTE = /bullets were replaced by `- `, so \d+ argument lines? starting with `- ` may be an unchanged argument/;

describe("a paste that lost its decoration reads as the original", () => {
  const files = shippedOutputs();
  it("finds the complete outputs", () => {
    expect(files.length).toBeGreaterThan(30);
  });

  describe.each(Object.keys(MUTATIONS))("%s", (name) => {
    it.each(files)("%s", async (file) => {
      const text = readFileSync(join(dir, file), "utf8");
      const lines = text.replace(/\n$/, "").split("\n");
      const original = await read(text);
      const mutated = await read(MUTATIONS[name]!(lines).join("\n") + "\n");
      const got = mutated.report;
      expect({
        causes: got.causes.map(key).sort(),
        unrecognized: got.input.unrecognized,
        documents: mutated.parser.stats.documents,
        truncated: got.input.truncated,
        fragment: mutated.parser.stats.fragment,
      }).toEqual({
        causes: original.report.causes.map(key).sort(),
        unrecognized: 0,
        documents: 1,
        truncated: original.report.input.truncated,
        fragment: original.parser.stats.fragment,
      });
      expect(original.report.input.unrecognized).toBe(0);
    });
  });
});

describe("a paste that lost information is read honestly", () => {
  const files = shippedOutputs();
  it("found an output with unchanged arguments", () => {
    expect(files.some((f) => unchangedArguments(readFileSync(join(dir, f), "utf8").split("\n")) > 0)).toBe(true);
  });

  it.each(files)("bullets as `- `: %s", async (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const lines = text.replace(/\n$/, "").split("\n");
    const original = (await read(text)).report;
    const mutated = await read(bullet("- ")(lines).join("\n") + "\n");
    const got = mutated.report;
    const ambiguous = unchangedArguments(lines) > 0;
    // Only the arguments' own wording may differ, and only where the paste is ambiguous.
    const loose = (c: Cause): string => (ambiguous && c.kind === "args" ? key({ ...c, summary: "" }) : key(c));
    expect({
      causes: got.causes.map(loose).sort(),
      unrecognized: got.input.unrecognized,
      documents: mutated.parser.stats.documents,
      note: got.notes.some((n) => AMBIGUOUS_NOTE.test(n)),
    }).toEqual({ causes: original.causes.map(loose).sort(), unrecognized: 0, documents: 1, note: ambiguous });
  });

  it.each(files)("indentation removed: %s is refused", async (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const flat = text.replace(/^[ \t]+/gm, "");
    const r = await runCli(["--format", "json"], { stdin: flat });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/lost its indentation .* cannot be told/);
  });
});

describe("--show-unrecognized shows a repaired paste's lines as they were", () => {
  const FRAGMENT = readFileSync(join(dir, "forum-fragment.txt"), "utf8").replace(/\n$/, "").split("\n");
  // A stray line in the middle of the diff, then the paste damaged as a whole.
  const withStray = [...FRAGMENT.slice(0, 5), "* see the log below  ", ...FRAGMENT.slice(5)];
  const pastes: Record<string, string[]> = {
    "quoted, bullets as `* `": MUTATIONS["quoted `> ` and bullets lost"]!(bullet("* ")(withStray)),
    "indentation doubled": MUTATIONS["indentation doubled"]!(withStray),
    "indentation in tabs": MUTATIONS["indentation in tabs (tab stop 8)"]!(withStray.map((l, i) => (i === 5 ? `          ${l}` : l))),
  };
  it.each(Object.keys(pastes))("%s", async (name) => {
    const pasted = pastes[name]!;
    const r = await runCli(["--show-unrecognized", "--format", "json"], { stdin: pasted.join("\n") + "\n" });
    expect(r.code).toBe(0);
    const shown = r.stderr.split("\n").filter((l) => l.startsWith("unrecognized line "));
    expect(shown).toEqual([`unrecognized line 6: ${pasted[5]!}`]);
    expect(JSON.parse(r.stdout).input.unrecognizedSample).toEqual([{ line: 6, text: pasted[5] }]);
  });
});
