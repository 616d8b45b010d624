// Generators of hostile but well-formed nix-diff output (issue 12): each
// builds, from a size, the shape that once made drvsquash crash, take minutes
// or blow up its output. hostile-round2.test.ts runs each at a size where a
// quadratic path would take hours; fuzz.test.ts runs them at random sizes and
// with random payloads through main().

/** A 32-character store hash made from a number and a side, so every pair is distinct. */
export function hash(i: number, side: "a" | "b"): string {
  // Nix's base-32 alphabet has no e, o, u or t.
  const digits = i.toString(32).replace(/[a-v]/g, (c) => "abcdfghijklmnpqrsvwxyz"[c.charCodeAt(0) - 97]!);
  return (digits.padStart(10, "0") + side).repeat(3).slice(0, 32);
}

/** The two path lines of pair `i` named `name`, indented `indent` spaces. */
export function paths(i: number, name: string, indent = 0, storeDir = "/nix/store"): string {
  const pad = " ".repeat(indent);
  return `${pad}- ${storeDir}/${hash(i, "a")}-${name}.drv:{out}\n${pad}+ ${storeDir}/${hash(i, "b")}-${name}.drv:{out}\n`;
}

/** One env change under a pair at `indent`. */
function envChange(indent: number, key: string, from: string, to: string): string {
  const pad = " ".repeat(indent);
  return `${pad}• The environments do not match:\n${pad}    ${key}=←${from}←→${to}→\n`;
}

/**
 * Point 1: `k` inputs of the top, each with a change of its own and an
 * "already compared" mention of the top's name (a mention pointing back up).
 */
export function backMentions(k: number): string {
  let out = paths(0, "top");
  for (let i = 1; i <= k; i++) {
    out += `• The input derivation named \`c${i}\` differs\n` + paths(i, `c${i}`, 2);
    out += "  • The input derivation named `top` differs\n    • These two derivations have already been compared\n";
    out += envChange(2, "x", `a${i}`, `b${i}`);
  }
  return out;
}

/**
 * Point 2: `k` pairs named `source` (each its own change) under the top, then
 * one input mentioning `source` as already compared `k` times (1.0.21 form).
 */
export function sharedName(k: number): string {
  let out = paths(0, "top");
  for (let i = 1; i <= k; i++) out += "• The input derivation named `source` differs\n" + paths(i, "source", 2) + envChange(2, "src", `a${i}`, `b${i}`);
  out += "• The input derivation named `user` differs\n" + paths(k + 1, "user", 2);
  out += "  • Input derivations differ but have already been compared\n";
  for (let i = 1; i <= k; i++) out += "      source\n";
  out += envChange(2, "u", "1", "2");
  return out;
}

/** Point 3: a store directory of `len` characters holding terminal escapes. */
export function longStoreDir(len: number, fill = "a"): string {
  const dir = "/" + fill.repeat(len) + "\x1bc\x9d0;t\x07";
  return paths(0, "top", 0, dir) + "• The input derivation named `a-1.0` differs\n" + paths(1, "a-1.0", 2, dir) + envChange(2, "k", "x", "y");
}

/** Point 6: one name set with `k` version bumps (and each bumped package printed, so each is a cause). */
export function manyBumps(k: number): string {
  let out = paths(0, "top") + "• The set of input derivation names do not match:\n";
  for (let i = 0; i < k; i++) out += `    - pkg${i}-1.${i}\n    + pkg${i}-2.${i}\n`;
  // Names that embed a bump (`lib-pkgI-1.I`), come and go: folded into the bump.
  for (let i = 0; i < k; i++) out += `    - wrap-pkg${i}-1.${i}-bin\n    + wrap-pkg${i}-2.${i}-bin\n`;
  // nix-diff ends a pair that descended nowhere with its environments: without them the list may be cut.
  out += "• The environments do not match:\n";
  out += `    buildInputs=←/nix/store/${"a".repeat(32)}-pkg0-1.0←→/nix/store/${"b".repeat(32)}-pkg0-2.0→\n`;
  return out;
}

/** Point 7: a line-mode value `- + + + …` (`n` repeats) that fits no split. */
export function plusRun(n: number): string {
  return paths(0, "top") + "• The environments do not match:\n    x=''\n    - " + "+ ".repeat(n) + "a\n    ''\n";
}

/**
 * Point 8: `k` inputs of the top, each with its own change, each mentioning
 * `m` of the earlier ones as already compared.
 */
export function manyCauses(k: number, m: number): string {
  let out = paths(0, "top");
  for (let i = 1; i <= k; i++) {
    out += `• The input derivation named \`c${i}\` differs\n` + paths(i, `c${i}`, 2);
    if (i > 1) {
      out += "  • Input derivations differ but have already been compared\n";
      for (let j = 1; j <= m; j++) out += `      c${1 + ((i * 7919 + j * 104729) % (i - 1))}\n`;
    }
    out += envChange(2, "x", `a${i}`, `b${i}`);
  }
  return out;
}

/** Point 9: `nix-diff --json` nested `depth` pairs deep, one env change at the bottom. */
export function deepJson(depth: number): string {
  const side = (i: number, s: "a" | "b"): string => `{"derivationOutputs":["out"],"derivationPath":"/nix/store/${hash(i, s)}-d${i}.drv"}`;
  const rest = '"outputsDiff":{"extraOutputs":null,"outputHashDiff":[]},"platformDiff":null,"sourcesDiff":{"extraSrcNames":null,"srcFilesDiff":[]},"tag":"DerivationDiff"}';
  const open = (i: number): string =>
    `{"argumentsDiff":null,"builderDiff":null,"envDiff":null,"inputsDiff":{"inputDerivationDiffs":[{"drvName":"d${i + 1}","tag":"OneDerivationDiff","drvDiff":`;
  const close = (i: number): string => `}],"inputExtraNames":null},"outputStructure":{"before":${side(i, "a")},"now":${side(i, "b")}},${rest}`;
  const leaf =
    '{"argumentsDiff":null,"builderDiff":null,"envDiff":{"envContentDiff":[{"envKey":"k","envValueDiff":[{"content":"a","type":"Old"},{"content":"b","type":"New"}]}],"extraEnvDiff":{"before":{},"now":{}},"tag":"EnvironmentDiff"},"inputsDiff":{"inputDerivationDiffs":[],"inputExtraNames":null},' +
    `"outputStructure":{"before":${side(depth, "a")},"now":${side(depth, "b")}},${rest}`;
  const parts: string[] = [];
  for (let i = 0; i < depth; i++) parts.push(open(i));
  parts.push(leaf);
  for (let i = depth - 1; i >= 0; i--) parts.push(close(i));
  return parts.join("") + "\n";
}

/** Point 12: `text` with every line end a lone CR. */
export function crOnly(text: string): string {
  return text.replace(/\r?\n/g, "\r");
}

/** Markdown that would ping, link or reference if it were live (point 10). */
export const LIVE_MARKDOWN = ["@octocat", "#123", "GH-1", "https://evil.example/x", "www.evil.example", "x@evil.example", "`", "``", "[a](https://evil.example)", "<https://evil.example>", ":+1:", "owner/repo#1"];

/** Characters that hide text (point 14). */
export const INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u{e0041}", "\u{e007f}", "\u00ad", "\u034f", "\u180e"];
