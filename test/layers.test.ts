// The layout the README's Development section shows, kept true: readers
// (input + parse for nix-diff's text, closure for .drv files) → one model →
// analysis → renderers, with what a printed value means (values/) below both
// the parser and the analysis. Each rule lists the project directories a
// directory may import from; a new import across layers fails here.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "src");

/** Directory (or top-level module) → what it may import, besides itself and node:/npm modules. */
const MAY_IMPORT: Record<string, string[]> = {
  "model.ts": ["columns.ts", "storePaths.ts"],
  "columns.ts": [],
  "storePaths.ts": ["columns.ts"],
  // Counts in sentences: imports nothing, any layer may say a number.
  "thousands.ts": [],
  "report.ts": ["model.ts"],
  values: ["model.ts"],
  parse: ["model.ts", "columns.ts", "storePaths.ts", "values"],
  // render/sanitize.ts: an error message quoting the input is made safe for a terminal.
  input: ["model.ts", "parse", "render/sanitize.ts"],
  analyse: ["model.ts", "report.ts", "columns.ts", "storePaths.ts", "values"],
  closure: ["model.ts", "report.ts", "storePaths.ts", "values", "analyse"],
  render: ["model.ts", "report.ts", "analyse"],
  "cli.ts": ["model.ts", "input", "parse", "closure", "analyse", "render"],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

/** "analyse/graph.ts" → "analyse"; "model.ts" → "model.ts". */
function layerOf(rel: string): string {
  const slash = rel.indexOf("/");
  return slash < 0 ? rel : rel.slice(0, slash);
}

/** The project modules a source imports, as paths relative to src/ (static and dynamic imports, type-only ones too). */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  const re = /(?:from\s+|import\s*\(\s*)"(\.{1,2}\/[^"]+)"/g;
  for (const m of text.matchAll(re)) {
    const abs = join(file, "..", m[1]!.replace(/\.js$/, ".ts"));
    out.push(abs.slice(SRC.length + 1));
  }
  return out;
}

function allowed(from: string, to: string): boolean {
  const layer = layerOf(from);
  if (layerOf(to) === layer || to === "thousands.ts") return true;
  return (MAY_IMPORT[layer] ?? []).some((a) => to === a || layerOf(to) === a);
}

describe("layers", () => {
  const files = sources(SRC).map((f) => f.slice(SRC.length + 1));

  it("every source is in a layer the rules know", () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.filter((f) => !(layerOf(f) in MAY_IMPORT))).toEqual([]);
  });

  it("no module imports across the layers the README shows", () => {
    const crossing: string[] = [];
    for (const f of files) {
      for (const to of importsOf(join(SRC, f), readFileSync(join(SRC, f), "utf8"))) if (!allowed(f, to)) crossing.push(`${f} → ${to}`);
    }
    expect(crossing).toEqual([]);
  });

  it("finds a crossing (the rule can fail)", () => {
    const parser = join(SRC, "parse", "parser.ts");
    const to = importsOf(parser, 'import { findCauses } from "../analyse/causes.js";\nconst m = await import("../render/text.js");');
    expect(to).toEqual(["analyse/causes.ts", "render/text.ts"]);
    expect(to.map((t) => allowed("parse/parser.ts", t))).toEqual([false, false]);
    expect(allowed("parse/parser.ts", "values/nameSet.ts")).toBe(true);
  });

  it("the README's Development section lists every layer", () => {
    const readme = readFileSync(join(SRC, "..", "README.md"), "utf8");
    const listed = [...readme.matchAll(/^src\/([a-z]+)\/ /gm)].map((m) => m[1]);
    const dirs = [...new Set(files.filter((f) => f.includes("/")).map(layerOf))];
    expect(listed.sort()).toEqual(dirs.sort());
  });
});
