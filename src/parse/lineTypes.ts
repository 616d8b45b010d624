// Every line form nix-diff prints (1.0.2 … 1.0.21), as a table of named
// patterns; `classify` turns the text after a line's indentation into one
// typed result. See ../shared/docs/nix-diff-format.md for the forms.

export type LineType =
  | { type: "path"; sign: "-" | "+"; path: string; name: string; outputs: string }
  | { type: "alreadyCompared" }
  | { type: "onlyAlreadyComparedBelow" }
  | { type: "namesDiffer" }
  | { type: "outputsDiffer" }
  | { type: "outputSet" }
  | { type: "hashOutput"; output: string }
  | { type: "hashAlgorithm" }
  | { type: "platform" }
  | { type: "builder" }
  | { type: "arguments" }
  | { type: "sourceNameSet" }
  | { type: "sourceContent"; name: string }
  | { type: "sourcePaths"; name: string }
  | { type: "sourceSet" }
  | { type: "inputNameSet"; legacy: boolean }
  | { type: "inputGroup"; name: string; legacy: boolean }
  | { type: "inputDiffers"; name: string; legacy: boolean }
  | { type: "alreadyComparedGroup" }
  | { type: "envDiffers" }
  | { type: "envSkipped" }
  /** Any other `• text` line: an unchanged argument, or an unknown heading. */
  | { type: "bullet"; text: string }
  | { type: "minus"; text: string }
  | { type: "plus"; text: string }
  /** A bare `''`: opens a source-content block, or closes any block. */
  | { type: "quotes" }
  | { type: "text"; text: string };

export type LineTypeName = LineType["type"];

export const BULLET = "• ";

// Headings are matched on the text after `• `: exact texts by table lookup,
// the ones naming an input by prefix and suffix (this runs once per line of a
// possibly million-line input, so no regex loop).
// Shared, frozen results: callers must not change a classification.
const FIXED = new Map<string, LineType>([
  ["These two derivations have already been compared", { type: "alreadyCompared" }],
  ["Skipping because only derivations that have already been compared and shown in the diff are below", { type: "onlyAlreadyComparedBelow" }],
  ["The derivation names do not match", { type: "namesDiffer" }],
  ["The requested outputs do not match", { type: "outputsDiffer" }],
  ["The set of outputs do not match:", { type: "outputSet" }],
  ["The platforms do not match", { type: "platform" }],
  ["The builders do not match", { type: "builder" }],
  ["The arguments do not match", { type: "arguments" }],
  ["The set of input source names do not match:", { type: "sourceNameSet" }],
  ["The set of input sources do not match:", { type: "sourceSet" }],
  ["The set of input derivation names do not match:", { type: "inputNameSet", legacy: false }],
  ["The set of input names do not match:", { type: "inputNameSet", legacy: true }],
  ["Input derivations differ but have already been compared", { type: "alreadyComparedGroup" }],
  ["The environments do not match:", { type: "envDiffers" }],
  ["Skipping environment comparison", { type: "envSkipped" }],
]);
for (const t of FIXED.values()) Object.freeze(t);
// The fixed texts by length: most lines' text matches no length, and a Map
// lookup would hash the whole text first (this runs for every heading).
const FIXED_BY_LENGTH: [string, LineType][][] = [];
for (const [text, t] of FIXED) (FIXED_BY_LENGTH[text.length] ??= []).push([text, t]);

const NAMED: [string, string, (name: string) => LineType][] = [
  ["The input derivation named `", "` differs", (name) => ({ type: "inputDiffers", name, legacy: false })],
  ["The input source named `", "` differs", (name) => ({ type: "sourceContent", name })],
  ["The input sources named `", "` differ", (name) => ({ type: "sourcePaths", name })],
  ["The set of input derivations named `", "` do not match", (name) => ({ type: "inputGroup", name, legacy: false })],
  ["The input named `", "` differs", (name) => ({ type: "inputDiffers", name, legacy: true })],
  ["The set of inputs named `", "` do not match", (name) => ({ type: "inputGroup", name, legacy: true })],
];

function heading(text: string): LineType {
  const sameLength = FIXED_BY_LENGTH[text.length];
  if (sameLength) for (const [fixed, t] of sameLength) if (text === fixed) return t;
  for (const [prefix, suffix, make] of NAMED) {
    if (text.length > prefix.length + suffix.length - 1 && text.startsWith(prefix) && text.endsWith(suffix)) {
      return make(text.slice(prefix.length, text.length - suffix.length));
    }
  }
  if (text.endsWith("Hash algorithm:") && text.trim() === "Hash algorithm:") return { type: "hashAlgorithm" };
  if (text.charCodeAt(0) === 0x7b /* { */ && text.endsWith("}:") && text.indexOf("}") === text.length - 2) {
    return { type: "hashOutput", output: text.slice(1, -2) };
  }
  return { type: "bullet", text };
}

const HASH_CHAR = /^[0-9a-df-np-sv-z]{32}-/;

/** `- /nix/store/<hash>-<name>.drv:{out,dev}`: the store directory is whatever precedes the hash. */
function pathLine(body: string): LineType | null {
  if (body.charCodeAt(2) !== 0x2f /* / */) return null;
  const end = body.trimEnd();
  if (end.charCodeAt(end.length - 1) !== 0x7d /* } */) return null;
  const at = end.lastIndexOf(".drv:{");
  if (at < 0 || end.indexOf("}", at) !== end.length - 1) return null;
  const path = end.slice(2, at + 4);
  if (/\s/.test(path)) return null;
  const slash = path.lastIndexOf("/");
  const base = path.slice(slash + 1);
  if (slash <= 0 || !HASH_CHAR.test(base) || base.length <= 37) return null;
  return { type: "path", sign: body.charCodeAt(0) === 0x2d ? "-" : "+", path, name: base.slice(33, -4), outputs: end.slice(at + 6, -1) };
}

const NOT_SPACE = /[^ ]/;

/**
 * The number of spaces a line starts with. One regex search, not a
 * charCodeAt loop: each charCodeAt on a line split2 cut from its chunk (a
 * sliced string) costs ~15 ns, and nix-diff indents its lines 16 columns on
 * average, every line of a million-line input.
 */
export function leadingSpaces(s: string): number {
  const i = s.search(NOT_SPACE);
  return i < 0 ? s.length : i;
}

/** Classify the text of a line after its leading spaces. */
export function classify(body: string): LineType {
  const first = body.charCodeAt(0);
  if (first === 0x2022 /* • */ && body.charCodeAt(1) === 0x20) return heading(body.slice(2));
  if ((first === 0x2d /* - */ || first === 0x2b) /* + */ && body.charCodeAt(1) === 0x20) {
    const path = pathLine(body);
    if (path) return path;
    return first === 0x2d ? { type: "minus", text: body.slice(2) } : { type: "plus", text: body.slice(2) };
  }
  if (first === 0x27 && body.charCodeAt(1) === 0x27 && body.trimEnd().length === 2) return { type: "quotes" };
  return { type: "text", text: body };
}

/** Is this a heading that starts a section of a pair (as opposed to list content)? */
export function isHeading(t: LineType): boolean {
  switch (t.type) {
    case "bullet":
    case "minus":
    case "plus":
    case "quotes":
    case "text":
    case "path":
      return false;
    default:
      return true;
  }
}
