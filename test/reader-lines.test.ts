// What the reader hands the parser, pinned where a fast path stands in for the
// general one: CRLF line ends read as LF (split2's mapper drops the CR, as its
// default /\r?\n/ did), and the parser's shortcut for "already compared" names
// takes only the lines its general path would take as names.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/index.js";
import { readDiff } from "../src/input/read.js";
import { refsOf } from "../src/model.js";
import { DiffParser, parseText } from "../src/parse/parser.js";
import { samplesDir } from "./shipped.js";

async function report(bytes: Buffer): Promise<unknown> {
  const parser = new DiffParser();
  await readDiff(Readable.from([bytes]), parser);
  return analyse(parser.end(), { source: "-", version: "0" });
}

describe("the reader's lines", () => {
  it("an output with CRLF line ends reads exactly as with LF, no repair counted", async () => {
    for (const f of ["seed-tailscale/default.txt", "env-change/default.txt", "multi-cause/default.txt"]) {
      const lf = readFileSync(join(samplesDir, f), "utf8");
      const crlf = await report(Buffer.from(lf.replace(/\n/g, "\r\n")));
      expect(crlf, f).toEqual(await report(Buffer.from(lf)));
      expect((crlf as { input: { pasteRepairs: number } }).input.pasteRepairs, f).toBe(0);
    }
  });

  it("a name under `already compared` counts only at the list's column", () => {
    const head = "- /nix/store/ssfr95ll5ivkbckm4zw6hhbw57pbr1ci-a.drv:{out}\n+ /nix/store/0sbi7kjkinka3xavsccz4ncmgq0nlnp6-a.drv:{out}\n• Input derivations differ but have already been compared\n";
    const diff = parseText(`${head}    bash-5.2\n      zlib-1.3\n   xz-5.6\n    9base\n    -dash\n    - minus\n`);
    // `-dash` is a name to the general path too (no space after the dash); `- minus` is a list item, not a name.
    expect(refsOf(diff, diff.pairs[0]!).map((r) => r.name)).toEqual(["bash-5.2", "9base", "-dash"]);
    // The two at other columns are not nix-diff's, nor is `- minus` here.
    expect(diff.stats.unrecognized).toBe(3);
  });
});
