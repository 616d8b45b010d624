// The reader skips the colour decoder while no byte of the input so far can
// start an escape sequence (DiffParser.escapesPossible). These inputs put the
// first escape far into the input, at a chunk's first byte, and in a second
// input read into the same parser: every coloured line must still be decoded.

import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readDiff } from "../src/input/read.js";
import { DiffParser } from "../src/parse/parser.js";
import { analyse } from "../src/analyse/index.js";

const sample = (name: string): Buffer => readFileSync(new URL(`../samples/env-change/${name}`, import.meta.url));
const plain = sample("default.txt");
const coloured = sample("color.txt");

async function read(parser: DiffParser, ...chunks: Buffer[]): Promise<void> {
  await readDiff(Readable.from(chunks, { objectMode: false }), parser);
}

function causes(parser: DiffParser): string[] {
  return analyse(parser.end(), { source: "test", version: "0" }).causes.map((c) => c.summary);
}

describe("escape sequences after a stretch of plain input", () => {
  it("a coloured document after 300 kB of plain ones, starting a chunk of its own: read as the plain one", async () => {
    const copies = Math.ceil(300_000 / plain.length);
    const parser = new DiffParser();
    await read(parser, Buffer.concat(Array.from({ length: copies }, () => plain)), coloured);
    expect(parser.stats.unrecognized).toBe(0);
    expect(parser.stats.documents).toBe(copies + 1);
    const reference = new DiffParser();
    await read(reference, Buffer.concat(Array.from({ length: copies + 1 }, () => plain)));
    expect(causes(parser)).toEqual(causes(reference));
  });

  it("a coloured input read after a plain one into the same parser", async () => {
    const parser = new DiffParser();
    await read(parser, plain);
    expect(parser.escapesPossible).toBe(false);
    await read(parser, coloured);
    expect(parser.escapesPossible).toBe(true);
    expect(parser.stats.unrecognized).toBe(0);
    expect(parser.stats.coloured).toBe(false); // set by end()
    const d = parser.end();
    expect(d.stats.coloured).toBe(true);
  });

  it("an 8-bit CSI (U+009B) late in the input is decoded too", async () => {
    const csi = Buffer.from(coloured.toString("utf8").replace(/\x1b\[/g, "\u009b"), "utf8");
    const parser = new DiffParser();
    await read(parser, plain, plain, csi);
    expect(parser.stats.unrecognized).toBe(0);
  });
});
