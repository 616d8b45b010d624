// The reader searches lines for U+FFFD only once a chunk's bytes say one can be
// there (input/read.ts, Utf8Watch). Whatever the bytes and however they are
// chunked, the count must be what searching every line gives: the lines of the
// whole input, decoded at once, that hold a U+FFFD.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readDiff, Utf8Watch } from "../src/input/read.js";
import { DiffParser } from "../src/parse/parser.js";
import { rng, samplesDir } from "./shipped.js";

// Copied from the corpus's seed scenario (see samples/README.md): 178 KB, so
// that past the reader's first 64 KiB (read whole, to sniff) it gets many chunks.
const TEXT = readFileSync(join(samplesDir, "seed-tailscale/default.txt"));
const SNIFFED = 64 * 1024;

/** Byte runs that decode to U+FFFD, or come close to it: cut, stray, overlong, surrogate, the character itself, and valid ones. */
const PIECES: number[][] = [
  [0xef, 0xbf, 0xbd], // U+FFFD itself
  [0xe2, 0x86], // `←` cut short
  [0x80], // a stray continuation byte
  [0xc0, 0xaf], // overlong `/`
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xe2, 0x86, 0x90], // `←`, valid
  [0xf0, 0x9f, 0x98, 0x80], // an emoji, valid
  [0xc3, 0xa9], // `é`, valid
];

/** What searching every line finds. */
function expected(bytes: Buffer): number {
  const lines = new TextDecoder().decode(bytes).replace(/\r(?!\n)/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.filter((l) => l.includes("\uFFFD")).length;
}

/** TEXT with a few pieces put in past `from`, and chunk boundaries inside or right after some of them. */
function damaged(next: () => number, from: number): { bytes: Buffer; cuts: number[] } {
  const at = Array.from({ length: 1 + Math.floor(next() * 3) }, () => from + Math.floor(next() * (TEXT.length - from))).sort((a, b) => a - b);
  const parts: Buffer[] = [TEXT.subarray(0, from)];
  const cuts: number[] = [];
  let offset = from;
  for (const a of at) {
    const piece = PIECES[Math.floor(next() * PIECES.length)]!;
    parts.push(TEXT.subarray(from, a), Buffer.from(piece));
    offset += a - from;
    if (next() < 0.6) cuts.push(offset + 1 + Math.floor(next() * piece.length));
    offset += piece.length;
    from = a;
  }
  parts.push(TEXT.subarray(from));
  if (next() < 0.1) parts.push(Buffer.from([0xe2])); // an unfinished character at the very end
  return { bytes: Buffer.concat(parts), cuts };
}

/** `bytes` in chunks: random ones of up to 16 KiB, and a boundary at each of `cuts`. */
function chunked(bytes: Buffer, next: () => number, cuts: number[] = []): Buffer[] {
  const bounds = new Set(cuts.filter((c) => c > 0 && c < bytes.length));
  for (let at = 1 + Math.floor(next() * 16384); at < bytes.length; at += 1 + Math.floor(next() * 16384)) bounds.add(at);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of [...[...bounds].sort((a, b) => a - b), bytes.length]) {
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  return chunks;
}

function watched(chunks: Buffer[]): boolean {
  const watch = new Utf8Watch();
  for (const c of chunks) watch.see(c);
  watch.end();
  return watch.doubt;
}

async function counted(chunks: Buffer[]): Promise<number> {
  const parser = new DiffParser();
  await readDiff(Readable.from(chunks), parser);
  return parser.end().stats.invalidUtf8;
}

describe("lines holding U+FFFD are counted whatever the chunks", () => {
  it("clean text split anywhere raises no doubt (no line is searched), and has none", async () => {
    const multibyte = Buffer.from("• ←old← →new→ é 😀 ".repeat(40));
    for (let size = 1; size <= 7; size++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < multibyte.length; at += size) chunks.push(multibyte.subarray(at, at + size));
      expect(watched(chunks), `chunks of ${size}`).toBe(false);
    }
    expect(watched(chunked(TEXT, rng(1)))).toBe(false);
    expect(await counted(chunked(TEXT, rng(1)))).toBe(0);
  });

  it("2,000 damaged byte strings, chunked at random: whenever decoding gives a U+FFFD, the watch doubts", () => {
    const next = rng(20261203);
    let bad = 0;
    for (let c = 0; c < 2000; c++) {
      // A short stretch around the damage keeps this fast; tiny chunks split characters everywhere.
      const { bytes, cuts } = damaged(next, TEXT.length - 400);
      const tail = bytes.subarray(TEXT.length - 400);
      const shifted = cuts.map((x) => x - (TEXT.length - 400));
      const chunks = next() < 0.5 ? chunked(tail, next, shifted) : [...tail].map((b) => Buffer.from([b]));
      const has = new TextDecoder().decode(tail).includes("\uFFFD");
      if (has) bad++;
      if (has) expect(watched(chunks), `case ${c}`).toBe(true);
    }
    expect(bad).toBeGreaterThan(1000);
  });

  it("a line cut at the cap inside a character split between chunks gains no U+FFFD (found by a differential attack)", async () => {
    // Past the sniffed head, so that the chunks below reach the line guard as they are.
    const head = Buffer.from(`- /nix/store/ssfr95ll5ivkbckm4zw6hhbw57pbr1ci-a.drv:{out}\n${`${"p".repeat(90)}\n`.repeat(SNIFFED / 90)}`);
    const cap = 100;
    for (const char of ["é", "←", "😀"]) {
      const c = Buffer.from(char);
      // The cap falls before, inside and after the character; the chunk boundary inside it.
      for (let before = 0; before <= c.length; before++) {
        for (let split = 1; split < c.length; split++) {
          const line = Buffer.concat([Buffer.from("x".repeat(cap - before)), c, Buffer.from("\n")]);
          const at = cap - before + split;
          for (const bad of [false, true]) {
            const first = bad ? Buffer.concat([head, Buffer.from([0xff, 0x0a])]) : head;
            const parser = new DiffParser();
            await readDiff(Readable.from([first, line.subarray(0, at), line.subarray(at)]), parser, { maxLineBytes: cap });
            const stats = parser.end().stats;
            const where = `${char}, cap ${before} bytes before it, split after byte ${split}${bad ? ", after a real bad byte" : ""}`;
            expect(stats.invalidUtf8, where).toBe(bad ? 1 : 0);
            expect(stats.unrecognizedSample.some((u) => u.text.includes("\uFFFD") && u.text.startsWith("x")), where).toBe(false);
          }
        }
      }
    }
  });

  it("bytes that are not UTF-8 at the cap read the same however the reads split the line (found in review)", async () => {
    const head = Buffer.from(`- /nix/store/ssfr95ll5ivkbckm4zw6hhbw57pbr1ci-a.drv:{out}\n${`${"p".repeat(90)}\n`.repeat(SNIFFED / 90)}`);
    const cap = 100;
    const tails = [[0xe2, 0x86, 0xf0, 0x9f, 0x98, 0x80], [0xf5, 0xf0, 0x9f, 0x98, 0x80], [0xc1, 0xe2, 0x86, 0x90], [0xe2, 0x86, 0x90], [0x80, 0x80, 0xc3, 0xa9]];
    const read = async (chunks: Buffer[]): Promise<string> => {
      const parser = new DiffParser();
      await readDiff(Readable.from([head, ...chunks]), parser, { maxLineBytes: cap });
      const { stats } = parser.end();
      return JSON.stringify([stats.invalidUtf8, stats.unrecognizedSample.filter((u) => u.text.startsWith("x"))]);
    };
    for (const tail of tails) {
      for (let before = 0; before <= tail.length; before++) {
        const line = Buffer.concat([Buffer.from("x".repeat(cap - before)), Buffer.from(tail), Buffer.from("x\n")]);
        const whole = await read([line]);
        // Splits around the tail (the rest of the line is plain x).
        for (let at = cap - before - 2; at < line.length; at++) {
          expect(await read([line.subarray(0, at), line.subarray(at)]), `${Buffer.from(tail).toString("hex")}, cap ${before} bytes into it, split at ${at}`).toBe(whole);
        }
      }
    }
  });

  it("60 damaged copies past the sniffed head, read in chunks: the count is every line's", async () => {
    const next = rng(3);
    let bad = 0;
    for (let c = 0; c < 60; c++) {
      const { bytes, cuts } = damaged(next, SNIFFED + 1024);
      const want = expected(bytes);
      if (want > 0) bad++;
      expect(await counted(chunked(bytes, next, cuts)), `case ${c}`).toBe(want);
    }
    expect(bad).toBeGreaterThan(30);
  });
});
