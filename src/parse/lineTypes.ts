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

// A derivation path line: `- /nix/store/<hash>-<name>.drv:{out,dev}`.
// The store directory is whatever precedes the 32-character hash.
const PATH_LINE = /^([-+]) ((?:\/[^/\s]+)+\/[0-9a-df-np-sv-z]{32}-(\S+?)\.drv):\{([^}]*)\}\s*$/;

type Heading = [RegExp, (m: RegExpExecArray) => LineType];

// Headings are matched on the text after `• `.
const HEADINGS: Heading[] = [
  [/^These two derivations have already been compared$/, () => ({ type: "alreadyCompared" })],
  [/^Skipping because only derivations that have already been compared and shown in the diff are below$/, () => ({ type: "onlyAlreadyComparedBelow" })],
  [/^The derivation names do not match$/, () => ({ type: "namesDiffer" })],
  [/^The requested outputs do not match$/, () => ({ type: "outputsDiffer" })],
  [/^The set of outputs do not match:$/, () => ({ type: "outputSet" })],
  [/^\s*Hash algorithm:$/, () => ({ type: "hashAlgorithm" })],
  [/^\{([^}]*)\}:$/, (m) => ({ type: "hashOutput", output: m[1] ?? "" })],
  [/^The platforms do not match$/, () => ({ type: "platform" })],
  [/^The builders do not match$/, () => ({ type: "builder" })],
  [/^The arguments do not match$/, () => ({ type: "arguments" })],
  [/^The set of input source names do not match:$/, () => ({ type: "sourceNameSet" })],
  [/^The input source named `(.*)` differs$/, (m) => ({ type: "sourceContent", name: m[1] ?? "" })],
  [/^The input sources named `(.*)` differ$/, (m) => ({ type: "sourcePaths", name: m[1] ?? "" })],
  [/^The set of input sources do not match:$/, () => ({ type: "sourceSet" })],
  [/^The set of input derivation names do not match:$/, () => ({ type: "inputNameSet", legacy: false })],
  [/^The set of input names do not match:$/, () => ({ type: "inputNameSet", legacy: true })],
  [/^The set of input derivations named `(.*)` do not match$/, (m) => ({ type: "inputGroup", name: m[1] ?? "", legacy: false })],
  [/^The set of inputs named `(.*)` do not match$/, (m) => ({ type: "inputGroup", name: m[1] ?? "", legacy: true })],
  [/^The input derivation named `(.*)` differs$/, (m) => ({ type: "inputDiffers", name: m[1] ?? "", legacy: false })],
  [/^The input named `(.*)` differs$/, (m) => ({ type: "inputDiffers", name: m[1] ?? "", legacy: true })],
  [/^Input derivations differ but have already been compared$/, () => ({ type: "alreadyComparedGroup" })],
  [/^The environments do not match:$/, () => ({ type: "envDiffers" })],
  [/^Skipping environment comparison$/, () => ({ type: "envSkipped" })],
];

/** Classify the text of a line after its leading spaces. */
export function classify(body: string): LineType {
  const first = body.charCodeAt(0);
  if (first === 0x2022 /* • */ && body.charCodeAt(1) === 0x20) {
    const text = body.slice(2);
    // Fast path: headings all start with a capital, `{` or spaces; arguments can be anything.
    for (const [re, make] of HEADINGS) {
      const m = re.exec(text);
      if (m) return make(m);
    }
    return { type: "bullet", text };
  }
  if ((first === 0x2d /* - */ || first === 0x2b) /* + */ && body.charCodeAt(1) === 0x20) {
    const m = PATH_LINE.exec(body);
    if (m) {
      return { type: "path", sign: m[1] as "-" | "+", path: m[2] ?? "", name: m[3] ?? "", outputs: m[4] ?? "" };
    }
    return first === 0x2d ? { type: "minus", text: body.slice(2) } : { type: "plus", text: body.slice(2) };
  }
  if (body === "''" || /^''\s*$/.test(body)) return { type: "quotes" };
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
