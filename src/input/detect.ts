// People pipe the wrong thing into drvsquash: nix-diff-rs's output, `nix store
// diff-closures`, nvd or dix, a compressed log, a binary. Parsing that as
// nix-diff text would report "no differences" or a wall of unrecognised
// lines; `sniff` looks at the first bytes instead, so the CLI can say in one
// line what the input is and what to run instead. Marks are those listed in
// docs/nix-diff-format.md ("Other tools' output").
//
// nix-diff text is recognised by one strong mark: a derivation path line
// (`- /…/<32 base32 chars>-name.drv:{…}`) or a heading `classify` knows,
// looked for after `PasteRepair` (so a quoted, fenced or bullet-less paste
// counts), anywhere in the head. One mark is enough: a forum post with prose
// around a pasted diff does contain nix-diff text, and its prose lines are
// the parser's to count as unrecognised.

import { stripAnsi } from "../parse/ansi.js";
import { classify, isHeading } from "../parse/lineTypes.js";
import { safeText } from "../render/sanitize.js";
import { PasteRepair } from "./paste.js";

export type Sniff =
  | { kind: "nix-diff-text" }
  | { kind: "nix-diff-json" }
  | { kind: "empty" }
  | { kind: "binary"; reason: string }
  | { kind: "nix-diff-rs"; hint: string }
  | { kind: "diff-closures"; hint: string }
  | { kind: "nvd"; hint: string }
  | { kind: "unknown"; sample: string; looksLike: string | null };

/** How much of the input `sniff` looks at. */
export const SNIFF_BYTES = 64 * 1024;

const SAMPLE_CHARS = 80;
/** Share of control bytes (other than tab, CR, LF, ESC) above which the input is binary. */
const BINARY_CONTROL_SHARE = 0.3;
/** Marks an other tool's output needs (a strong mark counts 2). */
const OTHER_TOOL_SCORE = 2;

const RUN_NIX_DIFF = "run `nix-diff OLD.drv NEW.drv | drvsquash` (`nix-store -qd PATH` or `nix derivation show PATH` gives a built system's .drv)";

const HINTS = {
  "nix-diff-rs":
    "this is nix-diff-rs output; drvsquash reads the Haskell nix-diff's output (`nix-diff` from nixpkgs: `pkgs.nix-diff`, `haskellPackages.nix-diff`) or its `--json`",
  "diff-closures": `this is \`nix store diff-closures\` output, which compares closures (package versions), not derivations; ${RUN_NIX_DIFF}`,
  nvd: `this is nvd or dix output, which compares closures (package versions), not derivations; ${RUN_NIX_DIFF}`,
} as const;

type OtherTool = keyof typeof HINTS;

// [tool, pattern, weight]; matched against a line with colour removed.
const OTHER_TOOL_MARKS: Array<[OtherTool, RegExp, number]> = [
  // nix-diff-rs
  ["nix-diff-rs", /^(?:---|\+\+\+) \/\S+\.drv\s*$/, 2],
  ["nix-diff-rs", /^\s*(?:Outputs|Platform|Builder|Arguments|Sources|Input derivations|Environment|Output changes):\s*$/, 1],
  ["nix-diff-rs", /^\s*(?:Argument \d+|Output '[^']*'):\s*$/, 1],
  ["nix-diff-rs", /^\s*• \S+\.drv(?: \(already compared\))?\s*$/, 1],
  ["nix-diff-rs", /^\s*\(already compared\)\s*$/, 1],
  // Older nix-diff-rs: the Haskell wording without the bullet, but names keep `.drv`.
  ["nix-diff-rs", /^\s*The input derivation named `[^`]+\.drv` differs\s*$/, 2],
  ["nix-diff-rs", /^The derivations are identical\.$/, 2],
  // nix store diff-closures: `name: 1.0 → 1.1, +8.0 KiB`, `name: ε → ∅`, `name: -11.6 KiB`
  ["diff-closures", /^\s*[\w+.?=-]+: (?:.* → .*?(?:, [+-]\d+\.\d KiB)?|[+-]\d+\.\d KiB)\s*$/, 1],
  // nvd
  ["nvd", /^(?:<<<|>>>) \S/, 2],
  ["nvd", /^Closure size: \d/, 2],
  ["nvd", /^(?:Version changes|Added packages|Removed packages|Selection state changes):\s*$/, 1],
  ["nvd", /^\[[A-Z][.*+-]\]\s+#\d+\s/, 1],
  // dix
  ["nvd", /^(?:CHANGED|ADDED|REMOVED)\s*$/, 1],
  ["nvd", /^\[[ACR]\] \S/, 1],
  ["nvd", /^(?:SIZE|DIFF): \S/, 1],
];

// What a person pastes instead of nix-diff output, said in the refusal. Each mark is
// a line form of that kind of text; the kind with the most marks is named.
const LOOKS_LIKE: Array<[string, RegExp]> = [
  ["a Nix build log", /^(?:building '\/\S+\.drv'|these \d+ derivations will be built|these \d+ paths will be fetched|copying path '|error: builder for '|error: (?:Cannot build|build of) '|unpacking sources|patching sources|configuring|building|installing|post-installation fixup|checking for |@nix \{|\s+\/nix\/store\/\S+\.drv$|note: keeping build directory|For full logs, run)/],
  ["Markdown", /^(?:#{1,6} \S|```|~~~|> |\s*[-*+] \S|\s*\d+\. \S|\|.*\|\s*$|.*\*\*\S.*\*\*)/],
];

/** Which kind of text the lines look like, or null when none stands out. */
export function looksLike(lines: string[]): string | null {
  const score = new Map<string, number>();
  for (const l of lines) {
    for (const [kind, re] of LOOKS_LIKE) {
      if (re.test(l)) {
        score.set(kind, (score.get(kind) ?? 0) + 1);
        break;
      }
    }
  }
  let best: string | null = null;
  for (const [kind, n] of score) if (n >= 2 && (best === null || n > score.get(best)!)) best = kind;
  const words = lines.filter((l) => /[A-Za-z]{3,} [A-Za-z]{2,}/.test(l)).length;
  return best ?? (words > 0 ? "prose" : null);
}

function compressedFormat(b: Uint8Array): string | null {
  if (b[0] === 0x1f && b[1] === 0x8b) return "gzip";
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return "zstd";
  if (b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return "xz";
  if (b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return "bzip2";
  return null;
}

const DECOMPRESS: Record<string, string> = { gzip: "zcat", zstd: "zstdcat", xz: "xzcat", bzip2: "bzcat" };

function binaryReason(b: Uint8Array): string | null {
  const compressed = compressedFormat(b);
  if (compressed) return `${compressed}-compressed data; decompress it first: ${DECOMPRESS[compressed]} FILE | drvsquash`;
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    return "UTF-16 text; convert it first: iconv -f UTF-16 -t UTF-8 FILE | drvsquash";
  }
  const nul = b.indexOf(0);
  if (nul >= 0) return `a NUL byte at offset ${nul}`;
  let controls = 0;
  for (const byte of b) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x1b) || byte === 0x7f) controls++;
  }
  if (controls > b.length * BINARY_CONTROL_SHARE) {
    return `${Math.round((controls / b.length) * 100)}% of the first ${b.length} bytes are control characters`;
  }
  return null;
}

function isBlank(b: Uint8Array): boolean {
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0; // UTF-8 byte-order mark
  for (; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0b && c !== 0x0c) return false;
  }
  return true;
}

/** Cut a sanitized sample to `max` characters (with `…`) without splitting a `<U+…>` notation. */
function cutSample(s: string, max: number): string {
  const units = s.match(/<U\+[0-9A-F]{4,6}>|[\s\S]/gu) ?? [];
  let length = 0;
  for (const u of units) length += Array.from(u).length;
  if (length <= max) return s;
  let out = "";
  length = 0;
  for (const u of units) {
    const n = Array.from(u).length;
    if (length + n > max - 1) break;
    out += u;
    length += n;
  }
  return out + "…";
}

/** Look at the first bytes of the input (up to 64 KiB) and say what it is. */
export function sniff(head: Uint8Array): Sniff {
  const bytes = head.subarray(0, SNIFF_BYTES);
  const reason = binaryReason(bytes);
  if (reason) return { kind: "binary", reason };
  if (isBlank(bytes)) return { kind: "empty" };

  const text = new TextDecoder("utf-8").decode(bytes); // lenient; drops a UTF-8 byte-order mark
  const start = text.trimStart();
  if (start.startsWith("{") && /"(?:tag|outputStructure|inputsDiff)"\s*:/.test(text)) return { kind: "nix-diff-json" };

  const lines = text.split("\n");
  const repair = new PasteRepair();
  let nixDiff = 0;
  const other: Record<OtherTool, number> = { "nix-diff-rs": 0, "diff-closures": 0, nvd: 0 };
  for (const raw of lines) {
    const plain = stripAnsi(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    for (const [tool, re, weight] of OTHER_TOOL_MARKS) {
      if (re.test(plain)) {
        other[tool] += weight;
        break;
      }
    }
    const repaired = repair.push(raw);
    if (repaired === null) continue;
    const body = stripAnsi(repaired).replace(/^ +/, "");
    const t = classify(body);
    if (t.type === "path") nixDiff++;
    else if (isHeading(t)) {
      // nix-diff prints names without `.drv`; nix-diff-rs keeps it.
      const drvName = (t.type === "inputDiffers" || t.type === "inputGroup") && t.name.endsWith(".drv");
      if (!drvName) nixDiff++;
    }
  }

  if (nixDiff > 0) return { kind: "nix-diff-text" };
  let best: OtherTool | null = null;
  for (const tool of Object.keys(other) as OtherTool[]) {
    if (other[tool] >= OTHER_TOOL_SCORE && (best === null || other[tool] > other[best])) best = tool;
  }
  if (best) return { kind: best, hint: HINTS[best] };

  const first = lines.find((l) => l.trim() !== "") ?? "";
  const plain = lines.map((l) => stripAnsi(l.endsWith("\r") ? l.slice(0, -1) : l));
  return { kind: "unknown", sample: cutSample(safeText(first.trim()), SAMPLE_CHARS), looksLike: looksLike(plain) };
}
