// `nix-diff --json` support: turn the JSON document back into the exact lines
// nix-diff 1.0.21 prints for the same diff with `--color never` (word
// orientation, no `--context`), so that one text parser serves both inputs.
//
// The renderer mirrors nix-diff's Nix.Diff.Render.HumanReadable. The JSON
// encoding (nix-diff's aeson instances) was learned from nix-diff's own
// `--json` output: the shared corpus scenarios and nix-diff's golden tests.
//
// Encodings seen in real documents:
//   * sum types are objects with a `tag` field naming the constructor and the
//     constructor's record fields beside it: DerivationDiff, AlreadyCompared,
//     OneDerivationDiff, SomeDerivationsDiff,
//     ManyDerivationsAlreadyComparedDiff, OneSourceFileDiff, EnvironmentDiff;
//   * single-constructor records (OutputStructure, OutputsDiff, SourcesDiff,
//     InputsDiff, EnvVarDiff) are plain objects without `tag`;
//   * `Maybe` is `null` for Nothing and the value itself for Just
//     (platformDiff, builderDiff, argumentsDiff, envDiff, extraOutputs,
//     extraSrcNames, inputExtraNames); `envDiff: null` is "environment
//     comparison skipped";
//   * `Changed a` is `{"before": a, "now": a}`;
//   * a set (output names, source/input name sets, already-compared names) is
//     a list of strings; a map with text keys (extraEnvDiff, extraPartsDiff)
//     is an object;
//   * a diff item (argumentsDiff entries and the chunks of a text diff) is
//     `{"type": "Old" | "New" | "Both", "content": text}`.
//
// Inferred, not seen in any sample (same aeson conventions):
//   * `{"tag": "DerivationsAreTheSame"}`, `{"tag": "EnvironmentsAreEqual"}`;
//   * OnlyAlreadyComparedBelow / NamesDontMatch / OutputsDontMatch as
//     `{"tag": …, "outputStructure": …}`;
//   * SomeSourceFileDiff as `{"tag", "srcName", "srcFileDiff": Changed [path]}`;
//     OneSourceFileDiff with `srcContentDiff: null` (file missing);
//   * `extraOutputs` as Changed of an object keyed by output name (values
//     `{path, hashAlgo, hash}`, unused by the renderer); `outputHashDiff`
//     entries as `{"outputName", "hashDifference": Changed text}`;
//   * a map may also come as a list of `[key, value]` pairs (aeson's encoding
//     for maps whose keys are not plain text);
//   * a Maybe field that is absent is read as `null`.
//
// Sets and map keys are printed sorted by code point (nix-diff prints
// Data.Set / Data.Map in order); aeson already writes them sorted, but a JS
// object would put integer-like keys first, so they are re-sorted here.

import { thousands } from "../thousands.js";

/** The document is not nix-diff JSON; the message names the JSON path. */
export class JsonShapeError extends Error {
  /** Where in the document, e.g. `$.inputsDiff.inputDerivationDiffs[2].tag`. */
  readonly jsonPath: string;

  constructor(jsonPath: string, problem: string) {
    super(`not nix-diff --json output: ${jsonPath}: ${problem}`);
    this.name = "JsonShapeError";
    this.jsonPath = jsonPath;
  }
}

/**
 * Pairs nested deeper than this are refused: every rendered line carries its
 * depth as indentation, so the text of a document nested n deep grows with n²
 * (100k deep took minutes). Real derivation graphs are a few hundred deep.
 */
export const MAX_JSON_DEPTH = 4000;

/** The document nests derivation pairs deeper than MAX_JSON_DEPTH. */
export class JsonDepthError extends Error {
  constructor() {
    super(`the nix-diff --json input nests derivation pairs more than ${thousands(MAX_JSON_DEPTH)} deep, drvsquash's limit (a real derivation graph is a few hundred deep)`);
    this.name = "JsonDepthError";
  }
}

type JsonObject = Record<string, unknown>;

/** A derivation diff to render in place, at a deeper indentation. */
interface Nested {
  readonly drv: unknown;
  readonly path: string;
  readonly indent: number;
}

type Out = string | Nested;

/**
 * Render a parsed `nix-diff --json` document as the lines nix-diff prints
 * without colour (word mode). Throws JsonShapeError (with a clear message
 * naming the JSON path) if the document is not nix-diff JSON.
 *
 * Lazy: the document is checked as it is rendered, so the error is thrown
 * from the `next()` that reaches the bad part (lines before it have already
 * been yielded). Nesting depth does not grow the call stack.
 */
export function* jsonToLines(doc: unknown): Generator<string> {
  const stack: Iterator<Out>[] = [renderDerivation(doc, "$", 0)];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top === undefined) return;
    const step = top.next();
    if (step.done === true) {
      stack.pop();
    } else if (typeof step.value === "string") {
      yield step.value;
    } else {
      const { drv, path, indent } = step.value;
      if (stack.length > MAX_JSON_DEPTH) throw new JsonDepthError();
      stack.push(renderDerivation(drv, path, indent));
    }
  }
}

// ---------------------------------------------------------------------------
// Rendering (one derivation pair; descended inputs are handed back as Nested)

function* renderDerivation(value: unknown, path: string, indent: number): Generator<Out> {
  const d = object(value, path);
  const tag = string(d["tag"], `${path}.tag`);
  switch (tag) {
    case "DerivationsAreTheSame":
      return;
    case "AlreadyCompared":
      yield* echo(indent, "• These two derivations have already been compared");
      return;
    case "OnlyAlreadyComparedBelow":
      yield* renderOutputStructure(d, path, indent);
      yield* echo(indent, "• Skipping because only derivations that have already been compared and shown in the diff are below");
      return;
    case "NamesDontMatch":
      yield* renderOutputStructure(d, path, indent);
      yield* echo(indent, "• The derivation names do not match");
      return;
    case "OutputsDontMatch":
      yield* renderOutputStructure(d, path, indent);
      yield* echo(indent, "• The requested outputs do not match");
      return;
    case "DerivationDiff":
      yield* renderOutputStructure(d, path, indent);
      yield* renderOutputsDiff(required(d, "outputsDiff", path), `${path}.outputsDiff`, indent);
      yield* renderChangedText(d, "platformDiff", path, indent, "• The platforms do not match");
      yield* renderChangedText(d, "builderDiff", path, indent, "• The builders do not match");
      yield* renderArguments(optional(d, "argumentsDiff"), `${path}.argumentsDiff`, indent);
      yield* renderSources(required(d, "sourcesDiff", path), `${path}.sourcesDiff`, indent);
      yield* renderInputs(required(d, "inputsDiff", path), `${path}.inputsDiff`, indent);
      yield* renderEnv(optional(d, "envDiff"), `${path}.envDiff`, indent);
      return;
    default:
      throw new JsonShapeError(`${path}.tag`, `unknown derivation diff ${JSON.stringify(tag)} (expected DerivationDiff, AlreadyCompared, OnlyAlreadyComparedBelow, NamesDontMatch, OutputsDontMatch or DerivationsAreTheSame)`);
  }
}

function* renderOutputStructure(d: JsonObject, path: string, indent: number): Generator<string> {
  const p = `${path}.outputStructure`;
  const { before, now } = changed(required(d, "outputStructure", path), p);
  for (const [sign, side, sp] of [["- ", before, `${p}.before`], ["+ ", now, `${p}.now`]] as const) {
    const o = object(side, sp);
    const drvPath = string(required(o, "derivationPath", sp), `${sp}.derivationPath`);
    const outputs = stringSet(required(o, "derivationOutputs", sp), `${sp}.derivationOutputs`);
    yield* echo(indent, sign + drvPath + renderOutputs(outputs));
  }
}

function renderOutputs(outputs: readonly string[]): string {
  return ":{" + outputs.join(",") + "}";
}

function* renderOutputsDiff(value: unknown, path: string, indent: number): Generator<string> {
  const o = object(value, path);
  const extra = optional(o, "extraOutputs");
  if (extra !== null) {
    const { before, now } = changed(extra, `${path}.extraOutputs`);
    yield* echo(indent, "• The set of outputs do not match:");
    for (const [key] of map(before, `${path}.extraOutputs.before`)) yield* echo(indent, "    - {" + key + "}");
    for (const [key] of map(now, `${path}.extraOutputs.now`)) yield* echo(indent, "    + {" + key + "}");
  }
  const hashes = array(required(o, "outputHashDiff", path), `${path}.outputHashDiff`);
  for (let i = 0; i < hashes.length; i++) {
    const hp = `${path}.outputHashDiff[${i}]`;
    const h = object(hashes[i], hp);
    const name = string(required(h, "outputName", hp), `${hp}.outputName`);
    const { before, now } = changed(required(h, "hashDifference", hp), `${hp}.hashDifference`);
    yield* echo(indent, "• {" + name + "}:");
    yield* echo(indent, "•     Hash algorithm:");
    yield* echo(indent, "        - " + string(before, `${hp}.hashDifference.before`));
    yield* echo(indent, "        + " + string(now, `${hp}.hashDifference.now`));
  }
}

/** platformDiff / builderDiff: Maybe (Changed Text). */
function* renderChangedText(d: JsonObject, key: string, path: string, indent: number, heading: string): Generator<string> {
  const value = optional(d, key);
  if (value === null) return;
  const p = `${path}.${key}`;
  const { before, now } = changed(value, p);
  yield* echo(indent, heading);
  yield* echo(indent, "    - " + string(before, `${p}.before`));
  yield* echo(indent, "    + " + string(now, `${p}.now`));
}

function* renderArguments(value: unknown, path: string, indent: number): Generator<string> {
  if (value === null) return;
  const items = array(value, path);
  yield* echo(indent, "• The arguments do not match");
  for (let i = 0; i < items.length; i++) {
    const { type, content } = diffItem(items[i], `${path}[${i}]`);
    const sign = type === "Old" ? "- " : type === "New" ? "+ " : "• ";
    yield* echo(indent, "    " + sign + content);
  }
}

function* renderSources(value: unknown, path: string, indent: number): Generator<string> {
  const s = object(value, path);
  const names = optional(s, "extraSrcNames");
  if (names !== null) {
    yield* renderNameSets(names, `${path}.extraSrcNames`, indent, "• The set of input source names do not match:");
  }
  const files = array(required(s, "srcFilesDiff", path), `${path}.srcFilesDiff`);
  for (let i = 0; i < files.length; i++) {
    const fp = `${path}.srcFilesDiff[${i}]`;
    const f = object(files[i], fp);
    const tag = string(required(f, "tag", fp), `${fp}.tag`);
    const name = string(required(f, "srcName", fp), `${fp}.srcName`);
    if (tag === "OneSourceFileDiff") {
      yield* echo(indent, "• The input source named `" + name + "` differs");
      const content = optional(f, "srcContentDiff");
      if (content !== null) yield* echoText(indent, "    ", content, `${fp}.srcContentDiff`);
    } else if (tag === "SomeSourceFileDiff") {
      yield* echo(indent, "• The input sources named `" + name + "` differ");
      const { before, now } = changed(required(f, "srcFileDiff", fp), `${fp}.srcFileDiff`);
      for (const p of stringList(before, `${fp}.srcFileDiff.before`)) yield* echo(indent, "    - " + p);
      for (const p of stringList(now, `${fp}.srcFileDiff.now`)) yield* echo(indent, "    + " + p);
    } else {
      throw new JsonShapeError(`${fp}.tag`, `unknown source file diff ${JSON.stringify(tag)} (expected OneSourceFileDiff or SomeSourceFileDiff)`);
    }
  }
}

function* renderInputs(value: unknown, path: string, indent: number): Generator<Out> {
  const inp = object(value, path);
  const names = optional(inp, "inputExtraNames");
  if (names !== null) {
    yield* renderNameSets(names, `${path}.inputExtraNames`, indent, "• The set of input derivation names do not match:");
  }
  const diffs = array(required(inp, "inputDerivationDiffs", path), `${path}.inputDerivationDiffs`);
  for (let i = 0; i < diffs.length; i++) {
    const ip = `${path}.inputDerivationDiffs[${i}]`;
    const x = object(diffs[i], ip);
    const tag = string(required(x, "tag", ip), `${ip}.tag`);
    switch (tag) {
      case "OneDerivationDiff": {
        const name = string(required(x, "drvName", ip), `${ip}.drvName`);
        yield* echo(indent, "• The input derivation named `" + name + "` differs");
        yield { drv: required(x, "drvDiff", ip), path: `${ip}.drvDiff`, indent: indent + 2 };
        break;
      }
      case "SomeDerivationsDiff": {
        const name = string(required(x, "drvName", ip), `${ip}.drvName`);
        const pp = `${ip}.extraPartsDiff`;
        const { before, now } = changed(required(x, "extraPartsDiff", ip), pp);
        yield* echo(indent, "• The set of input derivations named `" + name + "` do not match");
        for (const [sign, side, sp] of [["- ", before, `${pp}.before`], ["+ ", now, `${pp}.now`]] as const) {
          for (const [drvPath, outputs, op] of map(side, sp)) {
            yield* echo(indent, "    " + sign + drvPath + renderOutputs(stringSet(outputs, op)));
          }
        }
        break;
      }
      case "ManyDerivationsAlreadyComparedDiff": {
        yield* echo(indent, "• Input derivations differ but have already been compared");
        for (const name of stringSet(required(x, "drvNames", ip), `${ip}.drvNames`)) yield* echo(indent, "    " + name);
        break;
      }
      default:
        throw new JsonShapeError(`${ip}.tag`, `unknown input derivation diff ${JSON.stringify(tag)} (expected OneDerivationDiff, SomeDerivationsDiff or ManyDerivationsAlreadyComparedDiff)`);
    }
  }
}

/** extraSrcNames / inputExtraNames: Changed (Set Text). */
function* renderNameSets(value: unknown, path: string, indent: number, heading: string): Generator<string> {
  const { before, now } = changed(value, path);
  yield* echo(indent, heading);
  for (const name of stringSet(before, `${path}.before`)) yield* echo(indent, "    - " + name);
  for (const name of stringSet(now, `${path}.now`)) yield* echo(indent, "    + " + name);
}

function* renderEnv(value: unknown, path: string, indent: number): Generator<string> {
  if (value === null) {
    yield* echo(indent, "• Skipping environment comparison");
    return;
  }
  const e = object(value, path);
  const tag = string(required(e, "tag", path), `${path}.tag`);
  if (tag === "EnvironmentsAreEqual") return;
  if (tag !== "EnvironmentDiff") {
    throw new JsonShapeError(`${path}.tag`, `unknown environment diff ${JSON.stringify(tag)} (expected EnvironmentDiff or EnvironmentsAreEqual)`);
  }
  yield* echo(indent, "• The environments do not match:");
  const xp = `${path}.extraEnvDiff`;
  const { before, now } = changed(required(e, "extraEnvDiff", path), xp);
  for (const [sign, side, sp] of [["- ", before, `${xp}.before`], ["+ ", now, `${xp}.now`]] as const) {
    for (const [key, val, vp] of map(side, sp)) yield* echo(indent, "    " + sign + key + "=" + string(val, vp));
  }
  const vars = array(required(e, "envContentDiff", path), `${path}.envContentDiff`);
  for (let i = 0; i < vars.length; i++) {
    const vp = `${path}.envContentDiff[${i}]`;
    const v = object(vars[i], vp);
    const key = string(required(v, "envKey", vp), `${vp}.envKey`);
    yield* echoText(indent, "    " + key + "=", required(v, "envValueDiff", vp), `${vp}.envValueDiff`);
  }
}

// ---------------------------------------------------------------------------
// Output helpers

/** nix-diff's `echo`: indent + text + newline. Only the first line of a multi-line text is indented. */
function* echo(indent: number, text: string): Generator<string> {
  const line = " ".repeat(indent) + text;
  if (!line.includes("\n")) {
    yield line;
    return;
  }
  yield* line.split("\n");
}

/**
 * `echo (lead <> renderText diff)`: the chunks are joined with `←old←` /
 * `→new→` marks; if indent + length reaches 80 the text becomes a `''` block
 * whose lines sit 4 deeper than the indent and whose closing `''` sits at it.
 */
function* echoText(indent: number, lead: string, value: unknown, path: string): Generator<string> {
  const chunks = array(value, path);
  const parts: string[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const { type, content } = diffItem(chunks[i], `${path}[${i}]`);
    parts.push(type === "Old" ? "←" + content + "←" : type === "New" ? "→" + content + "→" : content);
  }
  const text = parts.join("");
  if (indent + codePointLength(text) < 80) {
    yield* echo(indent, lead + text);
    return;
  }
  const prefix = " ".repeat(indent);
  yield prefix + lead + "''";
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop(); // Data.Text.lines drops one trailing empty piece
  for (const l of lines) yield prefix + "    " + l;
  yield prefix + "''";
}

/** Data.Text.length: characters (code points), not UTF-16 units. */
function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// ---------------------------------------------------------------------------
// Shape checks

function describe(value: unknown): string {
  if (value === undefined) return "nothing (field missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return `a ${typeof value}`;
}

function object(value: unknown, path: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new JsonShapeError(path, `expected an object, found ${describe(value)}`);
  }
  return value as JsonObject;
}

function array(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new JsonShapeError(path, `expected an array, found ${describe(value)}`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string") throw new JsonShapeError(path, `expected a string, found ${describe(value)}`);
  return value;
}

function required(o: JsonObject, key: string, path: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key)) {
    throw new JsonShapeError(`${path}.${key}`, `required field missing`);
  }
  return o[key];
}

/** A Maybe field: absent and null are both Nothing. */
function optional(o: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? (o[key] ?? null) : null;
}

/** `Changed a`: `{"before": a, "now": a}`. */
function changed(value: unknown, path: string): { before: unknown; now: unknown } {
  const o = object(value, path);
  return { before: required(o, "before", path), now: required(o, "now", path) };
}

function diffItem(value: unknown, path: string): { type: "Old" | "New" | "Both"; content: string } {
  const o = object(value, path);
  const type = string(required(o, "type", path), `${path}.type`);
  if (type !== "Old" && type !== "New" && type !== "Both") {
    throw new JsonShapeError(`${path}.type`, `expected "Old", "New" or "Both", found ${describe(type)}`);
  }
  return { type, content: string(required(o, "content", path), `${path}.content`) };
}

function stringList(value: unknown, path: string): string[] {
  const a = array(value, path);
  return a.map((x, i) => string(x, `${path}[${i}]`));
}

/** A Data.Set of text: printed sorted, without duplicates. */
function stringSet(value: unknown, path: string): string[] {
  const sorted = stringList(value, path).sort(compareText);
  return sorted.filter((x, i) => i === 0 || x !== sorted[i - 1]);
}

/**
 * A Data.Map with text keys, as [key, value, value's JSON path] in key order:
 * an object (aeson's encoding for text keys) or a list of [key, value] pairs.
 */
function map(value: unknown, path: string): [string, unknown, string][] {
  const entries = new Map<string, [unknown, string]>();
  if (Array.isArray(value)) {
    value.forEach((pair, i) => {
      const pp = `${path}[${i}]`;
      const kv = array(pair, pp);
      if (kv.length !== 2) throw new JsonShapeError(pp, `expected a [key, value] pair, found an array of ${kv.length}`);
      entries.set(string(kv[0], `${pp}[0]`), [kv[1], `${pp}[1]`]);
    });
  } else {
    const o = object(value, path);
    for (const key of Object.keys(o)) entries.set(key, [o[key], `${path}[${JSON.stringify(key)}]`]);
  }
  return [...entries.keys()].sort(compareText).map((k) => {
    const [v, vp] = entries.get(k) as [unknown, string];
    return [k, v, vp];
  });
}

/** Haskell's Text order: by code point (JS's default compares UTF-16 units). */
function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (part of a code point above U+FFFF) sorts after U+E000…U+FFFF.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
    return x - y;
  }
  return a.length - b.length;
}
