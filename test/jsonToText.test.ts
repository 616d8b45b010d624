import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { JsonDepthError, JsonShapeError, jsonToLines, MAX_JSON_DEPTH } from "../src/parse/jsonToText.js";

const render = (doc: unknown): string => [...jsonToLines(doc)].join("\n") + "\n";

const A = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

function pair(name: string, outputs: string[] = ["out"]) {
  return {
    before: { derivationOutputs: outputs, derivationPath: `${A}-${name}.drv` },
    now: { derivationOutputs: outputs, derivationPath: `${B}-${name}.drv` },
  };
}

/** A DerivationDiff with nothing changed but the paths; `envDiff: null` (skipped) unless overridden. */
function drv(name: string, fields: Record<string, unknown> = {}) {
  return {
    tag: "DerivationDiff",
    outputStructure: pair(name),
    outputsDiff: { extraOutputs: null, outputHashDiff: [] },
    platformDiff: null,
    builderDiff: null,
    argumentsDiff: null,
    sourcesDiff: { extraSrcNames: null, srcFilesDiff: [] },
    inputsDiff: { inputExtraNames: null, inputDerivationDiffs: [] },
    envDiff: null,
    ...fields,
  };
}

const one = (drvName: string, drvDiff: unknown) => ({ tag: "OneDerivationDiff", drvName, drvDiff });
const inputs = (...diffs: unknown[]) => ({ inputExtraNames: null, inputDerivationDiffs: diffs });
const equalEnv = { tag: "EnvironmentsAreEqual" };

describe("jsonToLines on nix-diff's own output", () => {
  it("reproduces `nix-diff --color never` byte for byte (env-change)", () => {
    const dir = new URL("../samples/env-change/", import.meta.url);
    const doc: unknown = JSON.parse(readFileSync(new URL("diff.json", dir), "utf8"));
    const text = readFileSync(new URL("default.txt", dir), "utf8");
    expect(render(doc)).toBe(text);
  });
});

describe("jsonToLines on hand-written documents", () => {
  it("prints nothing for identical derivations", () => {
    expect([...jsonToLines({ tag: "DerivationsAreTheSame" })]).toEqual([]);
  });

  it("renders a source content diff as a '' block and a missing-file source as a bare heading", () => {
    const doc = drv("src", {
      sourcesDiff: {
        extraSrcNames: { before: ["old-file"], now: ["b-file", "a-file"] },
        srcFilesDiff: [
          {
            tag: "OneSourceFileDiff",
            srcName: "script.sh",
            srcContentDiff: [
              { type: "Both", content: "#!/bin/sh\necho this line is long enough to push the whole file over eighty columns\necho " },
              { type: "Old", content: "old" },
              { type: "New", content: "new" },
              { type: "Both", content: "\n" },
            ],
          },
          { tag: "OneSourceFileDiff", srcName: "gone", srcContentDiff: null },
          { tag: "SomeSourceFileDiff", srcName: "twice", srcFileDiff: { before: [`${A}-twice`], now: [`${B}-twice`, `${A}-twice`] } },
        ],
      },
      envDiff: equalEnv,
    });
    expect(render(doc)).toBe(
      [
        `- ${A}-src.drv:{out}`,
        `+ ${B}-src.drv:{out}`,
        "• The set of input source names do not match:",
        "    - old-file",
        "    + a-file",
        "    + b-file",
        "• The input source named `script.sh` differs",
        "    ''",
        "    #!/bin/sh",
        "    echo this line is long enough to push the whole file over eighty columns",
        "    echo ←old←→new→",
        "''",
        "• The input source named `gone` differs",
        "• The input sources named `twice` differ",
        `    - ${A}-twice`,
        `    + ${B}-twice`,
        `    + ${A}-twice`,
        "",
      ].join("\n"),
    );
  });

  it("wraps a long env value in a '' block at an indented pair, keeps a short one inline", () => {
    const inner = drv("inner", {
      envDiff: {
        tag: "EnvironmentDiff",
        // JSON objects put integer-like keys first; nix-diff prints Data.Map order.
        extraEnvDiff: { before: { b: "1", "10": "x" }, now: { a: "two\nlines" } },
        envContentDiff: [
          // 2 (indent) + 72 + 6 = 80: a block.
          { envKey: "long", envValueDiff: [{ type: "Both", content: "a".repeat(72) }, { type: "Old", content: "x" }, { type: "New", content: "y" }] },
          // 2 + 71 + 6 = 79: inline.
          { envKey: "short", envValueDiff: [{ type: "Both", content: "a".repeat(71) }, { type: "Old", content: "x" }, { type: "New", content: "y" }] },
          // Length counts code points: 2 + 70 + 1 (one astral character) + 6 = 79: inline.
          { envKey: "astral", envValueDiff: [{ type: "Both", content: "a".repeat(70) + "😀" }, { type: "Old", content: "x" }, { type: "New", content: "y" }] },
          // A short multi-line value: later lines are not indented.
          { envKey: "multi", envValueDiff: [{ type: "Both", content: "one\n" }, { type: "New", content: "two" }] },
        ],
      },
    });
    const doc = drv("top", { inputsDiff: inputs(one("inner", inner)) });
    expect(render(doc)).toBe(
      [
        `- ${A}-top.drv:{out}`,
        `+ ${B}-top.drv:{out}`,
        "• The input derivation named `inner` differs",
        `  - ${A}-inner.drv:{out}`,
        `  + ${B}-inner.drv:{out}`,
        "  • The environments do not match:",
        "      - 10=x",
        "      - b=1",
        "      + a=two",
        "lines",
        "      long=''",
        "      " + "a".repeat(72) + "←x←→y→",
        "  ''",
        "      short=" + "a".repeat(71) + "←x←→y→",
        "      astral=" + "a".repeat(70) + "😀←x←→y→",
        "      multi=one",
        "→two→",
        "• Skipping environment comparison",
        "",
      ].join("\n"),
    );
  });

  it("renders SomeDerivationsDiff, input name sets and already-compared groups", () => {
    const doc = drv("top", {
      inputsDiff: {
        inputExtraNames: { before: ["zlib-1.3"], now: [] },
        inputDerivationDiffs: [
          {
            tag: "SomeDerivationsDiff",
            drvName: "hello",
            extraPartsDiff: { before: { [`${A}-hello.drv`]: ["out", "man"] }, now: { [`${B}-hello.drv`]: ["out"] } },
          },
          { tag: "ManyDerivationsAlreadyComparedDiff", drvNames: ["libb", "liba"] },
        ],
      },
    });
    expect(render(doc)).toBe(
      [
        `- ${A}-top.drv:{out}`,
        `+ ${B}-top.drv:{out}`,
        "• The set of input derivation names do not match:",
        "    - zlib-1.3",
        "• The set of input derivations named `hello` do not match",
        `    - ${A}-hello.drv:{man,out}`,
        `    + ${B}-hello.drv:{out}`,
        "• Input derivations differ but have already been compared",
        "    liba",
        "    libb",
        "• Skipping environment comparison",
        "",
      ].join("\n"),
    );
  });

  it("renders output set, hash, platform, builder and argument differences", () => {
    const doc = drv("fod", {
      outputStructure: pair("fod", ["dev", "out"]),
      outputsDiff: {
        extraOutputs: {
          before: { doc: { path: `${A}-fod-doc`, hashAlgo: "", hash: "" } },
          now: { man: { path: `${B}-fod-man`, hashAlgo: "", hash: "" } },
        },
        outputHashDiff: [{ outputName: "out", hashDifference: { before: "sha256", now: "r:sha256" } }],
      },
      platformDiff: { before: "x86_64-linux", now: "aarch64-linux" },
      builderDiff: { before: "/bin/sh", now: `${B}-bash/bin/bash` },
      argumentsDiff: [
        { type: "Both", content: "-e" },
        { type: "Old", content: "old-builder.sh" },
        { type: "New", content: "new-builder.sh" },
      ],
      envDiff: equalEnv,
    });
    expect(render(doc)).toBe(
      [
        `- ${A}-fod.drv:{dev,out}`,
        `+ ${B}-fod.drv:{dev,out}`,
        "• The set of outputs do not match:",
        "    - {doc}",
        "    + {man}",
        "• {out}:",
        "•     Hash algorithm:",
        "        - sha256",
        "        + r:sha256",
        "• The platforms do not match",
        "    - x86_64-linux",
        "    + aarch64-linux",
        "• The builders do not match",
        "    - /bin/sh",
        `    + ${B}-bash/bin/bash`,
        "• The arguments do not match",
        "    • -e",
        "    - old-builder.sh",
        "    + new-builder.sh",
        "",
      ].join("\n"),
    );
  });

  it("renders AlreadyCompared, OnlyAlreadyComparedBelow, NamesDontMatch and OutputsDontMatch", () => {
    const doc = drv("top", {
      inputsDiff: inputs(
        one("seen", { tag: "AlreadyCompared" }),
        one("below", { tag: "OnlyAlreadyComparedBelow", outputStructure: pair("below") }),
        one("renamed", { tag: "NamesDontMatch", outputStructure: { before: pair("old").before, now: pair("new").now } }),
        one("outs", { tag: "OutputsDontMatch", outputStructure: { before: pair("outs", ["out"]).before, now: pair("outs", ["lib"]).now } }),
      ),
    });
    expect(render(doc)).toBe(
      [
        `- ${A}-top.drv:{out}`,
        `+ ${B}-top.drv:{out}`,
        "• The input derivation named `seen` differs",
        "  • These two derivations have already been compared",
        "• The input derivation named `below` differs",
        `  - ${A}-below.drv:{out}`,
        `  + ${B}-below.drv:{out}`,
        "  • Skipping because only derivations that have already been compared and shown in the diff are below",
        "• The input derivation named `renamed` differs",
        `  - ${A}-old.drv:{out}`,
        `  + ${B}-new.drv:{out}`,
        "  • The derivation names do not match",
        "• The input derivation named `outs` differs",
        `  - ${A}-outs.drv:{out}`,
        `  + ${B}-outs.drv:{lib}`,
        "  • The requested outputs do not match",
        "• Skipping environment comparison",
        "",
      ].join("\n"),
    );
  });

  it("does not grow the call stack with nesting depth (up to MAX_JSON_DEPTH, which bounds the text's indentation)", () => {
    const depth = MAX_JSON_DEPTH;
    let doc: unknown = drv("leaf");
    for (let i = 0; i < depth; i++) doc = drv(`d${i}`, { inputsDiff: inputs(one(`d${i - 1}`, doc)) });
    let count = 0;
    for (const _ of jsonToLines(doc)) count++;
    expect(count).toBe((depth + 1) * 3 + depth);
    const deeper = drv("top", { inputsDiff: inputs(one("d", doc)) });
    expect(() => [...jsonToLines(deeper)]).toThrow(JsonDepthError);
  });
});

describe("jsonToLines on documents that are not nix-diff JSON", () => {
  const shapeError = (doc: unknown): JsonShapeError => {
    try {
      [...jsonToLines(doc)];
    } catch (e) {
      expect(e).toBeInstanceOf(JsonShapeError);
      return e as JsonShapeError;
    }
    throw new Error("no error thrown");
  };

  it("rejects a non-object", () => {
    for (const doc of [null, 42, "text", [drv("x")]]) {
      expect(shapeError(doc).message).toMatch(/^not nix-diff --json output: \$: expected an object, found /);
    }
  });

  it("rejects an object without the fields, naming the JSON path", () => {
    expect(shapeError({}).message).toBe("not nix-diff --json output: $.tag: expected a string, found nothing (field missing)");
    expect(shapeError({ tag: "Nope" }).message).toMatch(/^not nix-diff --json output: \$\.tag: unknown derivation diff "Nope"/);
    expect(shapeError({ tag: "DerivationDiff" }).jsonPath).toBe("$.outputStructure");
  });

  it("names the path of a bad field deep in the tree", () => {
    const bad = drv("bad", { envDiff: { tag: "EnvironmentDiff", extraEnvDiff: { before: {}, now: {} }, envContentDiff: [{ envKey: "k", envValueDiff: [{ type: "Changed", content: "x" }] }] } });
    const doc = drv("top", { inputsDiff: inputs(one("ok", drv("ok")), one("bad", bad)) });
    const err = shapeError(doc);
    expect(err.jsonPath).toBe("$.inputsDiff.inputDerivationDiffs[1].drvDiff.envDiff.envContentDiff[0].envValueDiff[0].type");
    expect(err.message).toContain('expected "Old", "New" or "Both", found the string "Changed"');
  });
});
