// Pastes that lost their decoration read through (issue #9, item 4): every
// complete output in samples/, with its bullets lost or replaced, its
// indentation shifted, rescaled or turned into tabs, or quoted the way mail
// and forums quote, must read exactly as the original does: the same causes,
// no unrecognised line (the mutation only removed decoration), one document.
//
// Mutations are applied to nix-diff's lines as a renderer would: to every
// line's leading white space, or to the `• ` that starts a line's text.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/index.js";
import { readDiff } from "../src/input/read.js";
import { DiffParser } from "../src/parse/parser.js";
import type { Cause, Report } from "../src/report.js";
import { samples } from "./run.js";

const dir = fileURLToPath(samples);

/** Every complete nix-diff text output shipped in samples/ (the fragment is not complete). */
function completeOutputs(): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir)) {
    const p = join(dir, d);
    if (!statSync(p).isDirectory()) continue;
    for (const f of readdirSync(p)) if (f.endsWith(".txt") || d === "upstream") out.push(`${d}/${f}`);
  }
  return out.sort();
}

async function read(text: string): Promise<{ report: Report; parser: DiffParser }> {
  const parser = new DiffParser();
  await readDiff(Readable.from([Buffer.from(text)]), parser);
  return { report: analyse(parser.end(), { source: "test", version: "0.0.0" }), parser };
}

/** What a cause says, without where it was seen (line numbers move when lines are added). */
function key(c: Cause): string {
  return JSON.stringify([c.kind, c.drv, c.name, c.from, c.to, c.input, c.source, c.keys]);
}

type Mutation = (lines: string[]) => string[];

const lead = (l: string): number => l.length - l.trimStart().length;
const onLead = (f: (n: number) => string): Mutation => (lines) => lines.map((l) => (l.trim() === "" ? l : f(lead(l)) + l.slice(lead(l))));
const bullet = (standIn: string): Mutation => (lines) => lines.map((l) => l.replace(/^( *)• /, `$1${standIn}`));
const quote = (prefix: (i: number, l: string) => string): Mutation => (lines) => lines.map((l, i) => prefix(i, l) + l);

const MUTATIONS: Record<string, Mutation> = {
  "bullets lost": bullet(""),
  "bullets as `* `": bullet("* "),
  "bullets as `- `": bullet("- "),
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

/**
 * Mutations that lose information a reading needs, and what an honest reading
 * of them is, checked below instead of the equal-causes property.
 */

describe("a paste that lost its decoration reads as the original", () => {
  const files = completeOutputs();
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
        truncated: false,
        fragment: false,
      });
    });
  });
});
