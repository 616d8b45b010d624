// The parser, tested against nix-diff's documented line forms
// (shared/docs/nix-diff-format.md) and the issue "drvsquash v1", not against
// what the code happens to do. Inputs are small nix-diff texts written here
// or copied from the shared corpus (`corpus/<scenario>/<mode>.txt`), so the
// suite reads nothing outside the repository.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DrvPair, Finding, ParsedDiff } from "../src/model.js";
import { parseText } from "../src/parse/parser.js";
import { CLOSE_LIBMNL, FOLDED_IPROUTE2, doc, drv, ESC, LIBMNL_19_CHAR, LIBMNL_19_COLOR, LIBMNL_19_DEFAULT, LIBMNL_19_LINE, LIBMNL_HEAD, LIBMNL_HEAD_COLOUR, pairLines, SHADOW_V1010, sp, TOP } from "./fixtures.js";
import { refsOf } from "../src/model.js";

// ------------------------------------------------------------------ helpers

function pairNamed(d: ParsedDiff, name: string): DrvPair {
  const found = d.pairs.filter((p) => p.name === name);
  expect(found.map((p) => p.name)).toEqual([name]);
  return found[0]!;
}

function findingsOf<K extends Finding["kind"]>(p: DrvPair, kind: K): Extract<Finding, { kind: K }>[] {
  return p.findings.filter((f): f is Extract<Finding, { kind: K }> => f.kind === kind);
}

function env(p: DrvPair, key: string): Extract<Finding, { kind: "envEntry" }> {
  const found = findingsOf(p, "envEntry").filter((f) => f.key === key);
  expect(found.map((f) => f.key)).toEqual([key]);
  return found[0]!;
}

const texts = (items: readonly { text: string }[]): string[] => items.map((i) => i.text);
const outputs = (o: string | null): string[] =>
  (o ?? "")
    .replace(/[{}]/g, "")
    .split(",")
    .filter((s) => s.length > 0)
    .sort();

/**
 * The old and new values of a word- or character-mode text diff, read as the
 * format doc defines it: `←x←` is old-only, `→x→` new-only, the rest both.
 * (The model keeps coloured diffs in this same marked form.)
 */
function sides(text: string): { old: string; new: string } {
  let old = "";
  let neu = "";
  let mode: "both" | "old" | "new" = "both";
  for (const ch of text) {
    if (ch === "←" && mode !== "new") {
      mode = mode === "old" ? "both" : "old";
      continue;
    }
    if (ch === "→" && mode !== "old") {
      mode = mode === "new" ? "both" : "new";
      continue;
    }
    if (mode !== "new") old += ch;
    if (mode !== "old") neu += ch;
  }
  return { old, new: neu };
}

const squash = (s: string): string => s.replace(/\s+/g, " ").trim();

// ------------------------------------------------------------------ corpus snippets

// corpus source-change/default.txt lines 1-27 (the patch diff, cut short), its closing quotes, the patches env, the ancestors' closing lines
const SHADOW_DEFAULT = [
  "- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "+ /nix/store/3x8xcs5k3zi85da6ycc3ls0fm36wbpx9-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "• The input derivation named `etc` differs",
  "  - /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}",
  "  + /nix/store/2sx6yjza9qj8mbf81cf082g5s1dvn8xg-etc.drv:{out}",
  "  • The input derivation named `dbus-1` differs",
  "    - /nix/store/ck6qvbhqnvp9wp97hlz2wn965hlyjvwj-dbus-1.drv:{out}",
  "    + /nix/store/jnl4lm50qv5qk5h6vj4s3v51557a9vnp-dbus-1.drv:{out}",
  "    • The input derivation named `system-path` differs",
  "      - /nix/store/hrz1axngb5s9kgn48rhga0mpbydi0997-system-path.drv:{out}",
  "      + /nix/store/1qfy9459l9ddpfwgd43kjj4l835zcila-system-path.drv:{out}",
  "      • The input derivation named `shadow-4.16.0` differs",
  "        - /nix/store/0fq5d3hywbc27pirbfjj12mdh96f3ki8-shadow-4.16.0.drv:{man,out}",
  "        + /nix/store/jr1c143lq04lsw5hh8vbncd2419q1i92-shadow-4.16.0.drv:{man,out}",
  "        • The input source named `keep-path.patch` differs",
  "            ''",
  "            From bcd0a3b58b0a9b86a0234eb2d1839f3da45f36fa Mon Sep 17 00:00:00 2001",
  "            From: NixOS maintainers <nixpkgs@example.invalid>",
  "            Subject: [PATCH] keep path",
  "            ",
  "            →su:→→ →→keep→→ →→PATH→→ →→from→→ →→the→→ →→caller→→ →→environment→→ →→unless→→ →→--login→→ →→was→→ →→given,→→",
  "            →→and→→ →→also→→ →→keep→→ →→it→→ →→when→→ →→ALWAYS_SET_PATH→→ →→is→→ →→unset→→ →→in→→ →→login.defs.→→",
  "            ",
  "            →Keep the build hermetic: do not look into /usr or /etc at build time.",
  "            ---",
  "             src/su.c | ←4←→6→ ←++--←→++++--→",
  "             1 file changed, ←2←→4→ insertions(+), 2 deletions(-)",
  "        ''",
  "        • The environments do not match:",
  "            patches=''",
  "            ←/nix/store/sq605q7n9fgbgkbpjlw4f9snpyqlihwz-keep-path.patch←→/nix/store/r384s9ckzqaq7qf393jjz2cfb2aphwfj-keep-path.patch→ /nix/store/l9h1mm3ar07bb5hmdza4xj6iw4i55yny-fix-install-with-tcb.patch /nix/store/l84scx99yybg7jxckcbhl5wvi7mc2k6q-runtime-shell.patch",
  "        ''",
  "      • Skipping environment comparison",
  "    • Skipping environment comparison",
  "  • Skipping environment comparison",
  "• Skipping environment comparison",
];

// corpus source-change/color.txt lines 1-27 (the patch diff, cut short), its closing quotes, the patches env, the ancestors' closing lines
const SHADOW_COLOR = [
  "\x1b[1;31m- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}\x1b[0m",
  "\x1b[1;32m+ /nix/store/3x8xcs5k3zi85da6ycc3ls0fm36wbpx9-nixos-system-web01-24.11.20241012.54cce65.drv:{out}\x1b[0m",
  "• The input derivation named `etc` differs",
  "  \x1b[1;31m- /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}\x1b[0m",
  "  \x1b[1;32m+ /nix/store/2sx6yjza9qj8mbf81cf082g5s1dvn8xg-etc.drv:{out}\x1b[0m",
  "  • The input derivation named `dbus-1` differs",
  "    \x1b[1;31m- /nix/store/ck6qvbhqnvp9wp97hlz2wn965hlyjvwj-dbus-1.drv:{out}\x1b[0m",
  "    \x1b[1;32m+ /nix/store/jnl4lm50qv5qk5h6vj4s3v51557a9vnp-dbus-1.drv:{out}\x1b[0m",
  "    • The input derivation named `system-path` differs",
  "      \x1b[1;31m- /nix/store/hrz1axngb5s9kgn48rhga0mpbydi0997-system-path.drv:{out}\x1b[0m",
  "      \x1b[1;32m+ /nix/store/1qfy9459l9ddpfwgd43kjj4l835zcila-system-path.drv:{out}\x1b[0m",
  "      • The input derivation named `shadow-4.16.0` differs",
  "        \x1b[1;31m- /nix/store/0fq5d3hywbc27pirbfjj12mdh96f3ki8-shadow-4.16.0.drv:{man,out}\x1b[0m",
  "        \x1b[1;32m+ /nix/store/jr1c143lq04lsw5hh8vbncd2419q1i92-shadow-4.16.0.drv:{man,out}\x1b[0m",
  "        • The input source named `keep-path.patch` differs",
  "            ''",
  "            \x1b[1;2mFrom\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mbcd0a3b58b0a9b86a0234eb2d1839f3da45f36fa\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mMon\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mSep\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m17\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m00:00:00\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m2001\x1b[0m\x1b[1;2m\x1b[0m",
  "            \x1b[1;2m\x1b[0m\x1b[1;2mFrom:\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mNixOS\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mmaintainers\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m<nixpkgs@example.invalid>\x1b[0m\x1b[1;2m\x1b[0m",
  "            \x1b[1;2m\x1b[0m\x1b[1;2mSubject:\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m[PATCH]\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mkeep\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mpath\x1b[0m\x1b[1;2m\x1b[0m",
  "            \x1b[1;2m\x1b[0m",
  "            \x1b[1;2m\x1b[0m\x1b[42msu:\x1b[0m\x1b[42m\x1b[0m \x1b[42mkeep\x1b[0m\x1b[42m\x1b[0m \x1b[42mPATH\x1b[0m\x1b[42m\x1b[0m \x1b[42mfrom\x1b[0m\x1b[42m\x1b[0m \x1b[42mthe\x1b[0m\x1b[42m\x1b[0m \x1b[42mcaller\x1b[0m\x1b[42m\x1b[0m \x1b[42menvironment\x1b[0m\x1b[42m\x1b[0m \x1b[42munless\x1b[0m\x1b[42m\x1b[0m \x1b[42m--login\x1b[0m\x1b[42m\x1b[0m \x1b[42mwas\x1b[0m\x1b[42m\x1b[0m \x1b[42mgiven,\x1b[0m\x1b[42m\x1b[0m",
  "            \x1b[42mand\x1b[0m\x1b[42m\x1b[0m \x1b[42malso\x1b[0m\x1b[42m\x1b[0m \x1b[42mkeep\x1b[0m\x1b[42m\x1b[0m \x1b[42mit\x1b[0m\x1b[42m\x1b[0m \x1b[42mwhen\x1b[0m\x1b[42m\x1b[0m \x1b[42mALWAYS_SET_PATH\x1b[0m\x1b[42m\x1b[0m \x1b[42mis\x1b[0m\x1b[42m\x1b[0m \x1b[42munset\x1b[0m\x1b[42m\x1b[0m \x1b[42min\x1b[0m\x1b[42m\x1b[0m \x1b[42mlogin.defs.\x1b[0m\x1b[42m\x1b[0m",
  "            ",
  "            \x1b[1;2mKeep\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mthe\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mbuild\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mhermetic:\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mdo\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mnot\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mlook\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2minto\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/usr\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mor\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/etc\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mat\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mbuild\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mtime.\x1b[0m\x1b[1;2m\x1b[0m",
  "            \x1b[1;2m\x1b[0m\x1b[1;2m---\x1b[0m\x1b[1;2m\x1b[0m",
  "            \x1b[1;2m \x1b[0m\x1b[1;2msrc/su.c\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m|\x1b[0m\x1b[1;2m \x1b[0m\x1b[41m4\x1b[0m\x1b[42m6\x1b[0m\x1b[1;2m \x1b[0m\x1b[41m++--\x1b[0m\x1b[42m++++--\x1b[0m\x1b[1;2m\x1b[0m",
  "            \x1b[1;2m \x1b[0m\x1b[1;2m1\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mfile\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mchanged,\x1b[0m\x1b[1;2m \x1b[0m\x1b[41m2\x1b[0m\x1b[42m4\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2minsertions(+),\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m2\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mdeletions(-)\x1b[0m\x1b[1;2m\x1b[0m",
  "        ''",
  "        • The environments do not match:",
  "            patches=''",
  "            \x1b[41m/nix/store/sq605q7n9fgbgkbpjlw4f9snpyqlihwz-keep-path.patch\x1b[0m\x1b[42m/nix/store/r384s9ckzqaq7qf393jjz2cfb2aphwfj-keep-path.patch\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/nix/store/l9h1mm3ar07bb5hmdza4xj6iw4i55yny-fix-install-with-tcb.patch\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/nix/store/l84scx99yybg7jxckcbhl5wvi7mc2k6q-runtime-shell.patch\x1b[0m",
  "        ''",
  "      • Skipping environment comparison",
  "    • Skipping environment comparison",
  "  • Skipping environment comparison",
  "• Skipping environment comparison",
];

// corpus source-change/v1020-color.txt lines 1-27 (the patch diff, cut short), its closing quotes, the patches env, the ancestors' closing lines
const SHADOW_V1020_COLOR = [
  "\x1b[1;31m- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}\x1b[0m",
  "\x1b[1;32m+ /nix/store/3x8xcs5k3zi85da6ycc3ls0fm36wbpx9-nixos-system-web01-24.11.20241012.54cce65.drv:{out}\x1b[0m",
  "• The input derivation named `etc` differs",
  "  \x1b[1;31m- /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}\x1b[0m",
  "  \x1b[1;32m+ /nix/store/2sx6yjza9qj8mbf81cf082g5s1dvn8xg-etc.drv:{out}\x1b[0m",
  "  • The input derivation named `dbus-1` differs",
  "    \x1b[1;31m- /nix/store/ck6qvbhqnvp9wp97hlz2wn965hlyjvwj-dbus-1.drv:{out}\x1b[0m",
  "    \x1b[1;32m+ /nix/store/jnl4lm50qv5qk5h6vj4s3v51557a9vnp-dbus-1.drv:{out}\x1b[0m",
  "    • The input derivation named `system-path` differs",
  "      \x1b[1;31m- /nix/store/hrz1axngb5s9kgn48rhga0mpbydi0997-system-path.drv:{out}\x1b[0m",
  "      \x1b[1;32m+ /nix/store/1qfy9459l9ddpfwgd43kjj4l835zcila-system-path.drv:{out}\x1b[0m",
  "      • The input derivation named `shadow-4.16.0` differs",
  "        \x1b[1;31m- /nix/store/0fq5d3hywbc27pirbfjj12mdh96f3ki8-shadow-4.16.0.drv:{man,out}\x1b[0m",
  "        \x1b[1;32m+ /nix/store/jr1c143lq04lsw5hh8vbncd2419q1i92-shadow-4.16.0.drv:{man,out}\x1b[0m",
  "        • The input source named `keep-path.patch` differs",
  "            ''",
  "            \x1b[1;2mFrom\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mbcd0a3b58b0a9b86a0234eb2d1839f3da45f36fa\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mMon\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mSep\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m17\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m00:00:00\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m2001\x1b[0m\x1b[1;2m",
  "            \x1b[0m\x1b[1;2mFrom:\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mNixOS\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mmaintainers\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m<nixpkgs@example.invalid>\x1b[0m\x1b[1;2m",
  "            \x1b[0m\x1b[1;2mSubject:\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m[PATCH]\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mkeep\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mpath\x1b[0m\x1b[1;2m",
  "            ",
  "            \x1b[0m\x1b[42msu:\x1b[0m\x1b[42m\x1b[0m \x1b[42mkeep\x1b[0m\x1b[42m\x1b[0m \x1b[42mPATH\x1b[0m\x1b[42m\x1b[0m \x1b[42mfrom\x1b[0m\x1b[42m\x1b[0m \x1b[42mthe\x1b[0m\x1b[42m\x1b[0m \x1b[42mcaller\x1b[0m\x1b[42m\x1b[0m \x1b[42menvironment\x1b[0m\x1b[42m\x1b[0m \x1b[42munless\x1b[0m\x1b[42m\x1b[0m \x1b[42m--login\x1b[0m\x1b[42m\x1b[0m \x1b[42mwas\x1b[0m\x1b[42m\x1b[0m \x1b[42mgiven,\x1b[0m\x1b[42m\x1b[0m",
  "            \x1b[42mand\x1b[0m\x1b[42m\x1b[0m \x1b[42malso\x1b[0m\x1b[42m\x1b[0m \x1b[42mkeep\x1b[0m\x1b[42m\x1b[0m \x1b[42mit\x1b[0m\x1b[42m\x1b[0m \x1b[42mwhen\x1b[0m\x1b[42m\x1b[0m \x1b[42mALWAYS_SET_PATH\x1b[0m\x1b[42m\x1b[0m \x1b[42mis\x1b[0m\x1b[42m\x1b[0m \x1b[42munset\x1b[0m\x1b[42m\x1b[0m \x1b[42min\x1b[0m\x1b[42m\x1b[0m \x1b[42mlogin.defs.\x1b[0m\x1b[42m\x1b[0m",
  "            ",
  "            \x1b[1;2mKeep\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mthe\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mbuild\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mhermetic:\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mdo\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mnot\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mlook\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2minto\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/usr\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mor\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/etc\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mat\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mbuild\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mtime.\x1b[0m\x1b[1;2m",
  "            \x1b[0m\x1b[1;2m---\x1b[0m\x1b[1;2m",
  "             \x1b[0m\x1b[1;2msrc/su.c\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m|\x1b[0m\x1b[1;2m \x1b[0m\x1b[41m4\x1b[0m\x1b[42m6\x1b[0m\x1b[1;2m \x1b[0m\x1b[41m++--\x1b[0m\x1b[42m++++--\x1b[0m\x1b[1;2m",
  "             \x1b[0m\x1b[1;2m1\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mfile\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mchanged,\x1b[0m\x1b[1;2m \x1b[0m\x1b[41m2\x1b[0m\x1b[42m4\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2minsertions(+),\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m2\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2mdeletions(-)\x1b[0m\x1b[1;2m",
  "        ''",
  "        • The environments do not match:",
  "            patches=''",
  "            \x1b[41m/nix/store/sq605q7n9fgbgkbpjlw4f9snpyqlihwz-keep-path.patch\x1b[0m\x1b[42m/nix/store/r384s9ckzqaq7qf393jjz2cfb2aphwfj-keep-path.patch\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/nix/store/l9h1mm3ar07bb5hmdza4xj6iw4i55yny-fix-install-with-tcb.patch\x1b[0m\x1b[1;2m \x1b[0m\x1b[1;2m/nix/store/l84scx99yybg7jxckcbhl5wvi7mc2k6q-runtime-shell.patch\x1b[0m",
  "        ''",
  "      • Skipping environment comparison",
  "    • Skipping environment comparison",
  "  • Skipping environment comparison",
  "• Skipping environment comparison",
];

// corpus multi-cause/v1010.txt lines 1-28 (nix-diff 1.0.10: two env blocks, closing quotes at the key's column), then the ancestors' closing lines
const PYTHON_V1010 = [
  "- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "+ /nix/store/13c011r3al5hh5h7ia0cnzb927i4dr6x-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "• The input named `etc` differs",
  "  - /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}",
  "  + /nix/store/qvhx0iz646zr2amnz413jyx2lm4qsvpm-etc.drv:{out}",
  "  • The input named `dbus-1` differs",
  "    - /nix/store/ck6qvbhqnvp9wp97hlz2wn965hlyjvwj-dbus-1.drv:{out}",
  "    + /nix/store/9bbm0n57r692kvvxarzs3wlqx7zv3xhj-dbus-1.drv:{out}",
  "    • The input named `dbus-1.14.10` differs",
  "      - /nix/store/wjj9q3k7qbjyv4xibqkhpzs2fvxvip2k-dbus-1.14.10.drv:{out}",
  "      + /nix/store/pbq6hia19f0py0lzrqic9py26hs7l70c-dbus-1.14.10.drv:{out}",
  "      • The input named `libapparmor-4.0.3` differs",
  "        - /nix/store/d640jal9pla4a3ds3ah6ngjkdz33fqan-libapparmor-4.0.3.drv:{out}",
  "        + /nix/store/8jpgb73csi8zpgp1jrysas5gflm3qvan-libapparmor-4.0.3.drv:{out}",
  "        • The input named `python3-3.12.7` differs",
  "          - /nix/store/ikkimfi08ppr3dk6vvfpzapviabx83v1-python3-3.12.7.drv:{out}",
  "          + /nix/store/3qr9pyb40f31i4vsc8hfjji7zi7l3yai-python3-3.12.7.drv:{out}",
  "          • The set of input names do not match:",
  "              - sqlite-3.46.1",
  "              + sqlite-3.47.2",
  "          • The environments do not match:",
  "              CPPFLAGS=''",
  "                  -I/nix/store/11600rzrdgpxmjhfd78v8656gqbcabrf-zlib-1.3.1-dev/include -I/nix/store/hmlszhjij316xmf5hix5lks5vm34ink8-bzip2-1.0.8-dev/include -I/nix/store/xm45qkvrbd6ihblqr1hyjjbmm2cbzfnb-openssl-3.3.2-dev/include -I/nix/store/→va9→3←7←→3nf→9←qzqw←→nyardk→8←w3←→l14h→8←cjrs95←→8i→a←5←→4→s←fc←d←36wvgndz←→cc→6→3r7→-sqlite-3.4←6←→7→.←1←→2→-dev/include",
  "              ''",
  "              buildInputs=''",
  "                  /nix/store/hmlszhjij316xmf5hix5lks5vm34ink8-bzip2-1.0.8-dev /nix/store/x551m4pvngg0dm3s4dv7ybmzqlxz3dqm-expat-2.6.4-dev /nix/store/vbpmhh43cb1v7w4ib67ykrkxmidcawg3-libffi-3.4.6-dev /nix/store/7fv4i18v6ghnsvgpadw9npahm77xz02g-gdbm-1.24-dev /nix/store/xdqwa390kq9990vwv1xj8bd4c9plircy-xz-5.6.3-dev /nix/store/8jlg69hv52r1ar826nhbadi86w58x1pd-ncurses-6.4.20221231-dev /nix/store/xm45qkvrbd6ihblqr1hyjjbmm2cbzfnb-openssl-3.3.2-dev /nix/store/7fl46ilr7gn3q1i0vpgsyf0572hvi08a-readline-8.2p13-dev /nix/store/→va9→3←7←→3nf→9←qzqw←→nyardk→8←w3←→l14h→8←cjrs95←→8i→a←5←→4→s←fc←d←36wvgndz←→cc→6→3r7→-sqlite-3.4←6←→7→.←1←→2→-dev /nix/store/11600rzrdgpxmjhfd78v8656gqbcabrf-zlib-1.3.1-dev /nix/store/69sx1xy2ir2nqhd487cpcyfi164wm5lf-tzdata-2024b-dev /nix/store/11d06vw22jiwv9gignrpckpbxk3k5yjm-libxcrypt-4.4.36 /nix/store/dzjcnccikk1cgl63hw2pl4fg05jfvbg0-mailcap-2.1.54",
  "              ''",
  "        • Skipping environment comparison",
  "      • Skipping environment comparison",
  "    • Skipping environment comparison",
  "  • Skipping environment comparison",
  "• Skipping environment comparison",
];

// ------------------------------------------------------------------ tests

describe("every line form of a pair (nix-diff 1.0.21, no colour)", () => {
  // One pair showing every section, in nix-diff's fixed order: outputs,
  // platform, builder, arguments, sources, input derivations, environment.
  const text = doc(
    pairLines(0, "demo-1.0"),
    "• The set of outputs do not match:",
    "    - {doc}",
    "    + {dev}",
    "• {out}:",
    "•     Hash algorithm:",
    "        - sha256",
    "        + sha512",
    "• The platforms do not match",
    "    - x86_64-linux",
    "    + aarch64-linux",
    "• The builders do not match",
    `    - ${sp("a", "bash-5.2p37")}/bin/bash`,
    `    + ${sp("b", "busybox-1.36.1")}/bin/sh`,
    "• The arguments do not match",
    "    • -e",
    `    - ${sp("a", "default-builder.sh")}`,
    `    + ${sp("b", "builder.sh")}`,
    "• The set of input source names do not match:",
    "    - old-fix.patch",
    "    + new-fix.patch",
    "• The input source named `build.sh` differs",
    "    ←make←→ninja→ all",
    "• The input sources named `hook.sh` differ",
    `    - ${sp("a", "hook.sh")}`,
    `    + ${sp("b", "hook.sh")}`,
    "• The set of input derivation names do not match:",
    "    - zstd-1.5.6",
    "    + zstd-1.5.7",
    "• The set of input derivations named `openssl-3.3.2` do not match",
    `    - ${drv("a", "openssl-3.3.2")}:{out}`,
    `    + ${drv("a", "openssl-3.3.2")}:{dev,out}`,
    "• The input derivation named `libmnl-1.0.5` differs",
    pairLines(2, "libmnl-1.0.5", "dev,out"),
    "  • The environments do not match:",
    "      configureFlags=--enable-static=no→ →→--disable-silent-rules→",
    "• Input derivations differ but have already been compared",
    "    xz-5.6.3",
    "    zlib-1.3.1",
    "• The environments do not match:",
    "    - NIX_DEBUG=1",
    `    + dev=${sp("b", "demo-1.0-dev")}`,
    "    NIX_CFLAGS_COMPILE=-O2→ →→-g→",
  );
  const d = parseText(text);
  const top = pairNamed(d, "demo-1.0");
  const libmnl = pairNamed(d, "libmnl-1.0.5");

  it("reads the input completely: every line placed, nothing truncated", () => {
    expect(d.stats.lines).toBe(45);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.unrecognizedSample).toEqual([]);
    expect(d.stats.truncated).toBe(false);
    expect(d.stats.fragment).toBe(false);
    expect(d.stats.coloured).toBe(false);
    expect(d.stats.documents).toBe(1);
    expect(d.stats.wording).toBe("1.0.21");
    expect(d.storeDir).toBe("/nix/store");
  });

  it("reads the top pair's path lines and the child's `:{dev,out}`", () => {
    expect(d.pairs).toHaveLength(2);
    expect(d.roots).toEqual([top.id]);
    expect(d.paths.text(top.oldPath)).toBe(drv("old", "demo-1.0"));
    expect(d.paths.text(top.newPath)).toBe(drv("new", "demo-1.0"));
    expect(outputs(top.oldOutputs)).toEqual(["out"]);
    expect(d.paths.text(libmnl.oldPath)).toBe(drv("old", "libmnl-1.0.5"));
    expect(outputs(libmnl.oldOutputs)).toEqual(["dev", "out"]);
    expect(outputs(libmnl.newOutputs)).toEqual(["dev", "out"]);
    expect(top.status).toBe("expanded");
    expect(top.inferred).toBe(false);
    expect(top.parent).toBeNull();
    expect(top.depth).toBe(0);
  });

  it("keeps the sections in the order printed", () => {
    expect(top.findings.map((f) => f.kind)).toEqual([
      "outputSet",
      "hashAlgorithm",
      "platform",
      "builder",
      "arguments",
      "sourceNameSet",
      "sourceContent",
      "sourcePaths",
      "inputNameSet",
      "inputGroup",
      "envEntry",
      "envEntry",
      "envEntry",
    ]);
  });

  it("reads `- ` / `+ ` lists with their line numbers", () => {
    const [outs] = findingsOf(top, "outputSet");
    expect(outs!.line).toBe(3);
    expect(texts(outs!.items.old).map((t) => t.replace(/[{}]/g, ""))).toEqual(["doc"]);
    expect(texts(outs!.items.new).map((t) => t.replace(/[{}]/g, ""))).toEqual(["dev"]);
    expect(outs!.items.new[0]!.line).toBe(5);

    const [platform] = findingsOf(top, "platform");
    expect(texts(platform!.items.old)).toEqual(["x86_64-linux"]);
    expect(texts(platform!.items.new)).toEqual(["aarch64-linux"]);

    const [builder] = findingsOf(top, "builder");
    expect(builder!.line).toBe(13);
    expect(texts(builder!.items.old)).toEqual([`${sp("a", "bash-5.2p37")}/bin/bash`]);
    expect(texts(builder!.items.new)).toEqual([`${sp("b", "busybox-1.36.1")}/bin/sh`]);
    expect(builder!.items.old[0]!.line).toBe(14);

    const [names] = findingsOf(top, "inputNameSet");
    expect(texts(names!.items.old)).toEqual(["zstd-1.5.6"]);
    expect(texts(names!.items.new)).toEqual(["zstd-1.5.7"]);
    expect(names!.items.old[0]!.line).toBe(29);
    expect(names!.items.new[0]!.line).toBe(30);

    const [srcNames] = findingsOf(top, "sourceNameSet");
    expect(texts(srcNames!.items.old)).toEqual(["old-fix.patch"]);
    expect(texts(srcNames!.items.new)).toEqual(["new-fix.patch"]);
  });

  it("reads `• {out}:` + `•     Hash algorithm:` + the algorithms at N+8", () => {
    const [algo] = findingsOf(top, "hashAlgorithm");
    expect(algo!.output).toBe("out");
    expect(texts(algo!.items.old)).toEqual(["sha256"]);
    expect(texts(algo!.items.new)).toEqual(["sha512"]);
    expect(algo!.items.old[0]!.line).toBe(8);
  });

  it("reads arguments as `• same` / `- old` / `+ new`", () => {
    const [args] = findingsOf(top, "arguments");
    expect(args!.args).toEqual([
      { op: " ", text: "-e", line: 17 },
      { op: "-", text: sp("a", "default-builder.sh"), line: 18 },
      { op: "+", text: sp("b", "builder.sh"), line: 19 },
    ]);
  });

  it("reads a one-line source text diff and a source path list", () => {
    const [content] = findingsOf(top, "sourceContent");
    expect(content!.name).toBe("build.sh");
    expect(content!.diff?.text).toBe("←make←→ninja→ all");
    expect(content!.diff?.firstLine).toBe(24);
    const [paths] = findingsOf(top, "sourcePaths");
    expect(paths!.name).toBe("hook.sh");
    expect(texts(paths!.items.old)).toEqual([sp("a", "hook.sh")]);
    expect(texts(paths!.items.new)).toEqual([sp("b", "hook.sh")]);
  });

  it("reads `The set of input derivations named x` with the outputs of each path", () => {
    const [group] = findingsOf(top, "inputGroup");
    expect(group!.name).toBe("openssl-3.3.2");
    expect(texts(group!.items.old)).toEqual([`${drv("a", "openssl-3.3.2")}:{out}`]);
    expect(texts(group!.items.new)).toEqual([`${drv("a", "openssl-3.3.2")}:{dev,out}`]);
  });

  it("nests `The input derivation named x differs` as a child pair at N+2", () => {
    expect(top.children).toEqual([libmnl.id]);
    expect(libmnl.parent).toBe(top.id);
    expect(libmnl.depth).toBe(1);
    expect(libmnl.firstLine).toBe(34);
    expect(libmnl.envShownLine).toBe(37);
    expect(libmnl.findings.map((f) => f.kind)).toEqual(["envEntry"]);
    expect(env(libmnl, "configureFlags").value.text).toBe("--enable-static=no→ →→--disable-silent-rules→");
  });

  it("reads the grouped `Input derivations differ but have already been compared` list", () => {
    expect(refsOf(d, top)).toEqual([
      { name: "xz-5.6.3", line: 40, form: "grouped" },
      { name: "zlib-1.3.1", line: 41, form: "grouped" },
    ]);
  });

  it("reads environment entries on one side and on both sides", () => {
    expect(top.envShownLine).toBe(42);
    expect(top.envSkippedLine).toBeNull();
    const debug = env(top, "NIX_DEBUG");
    expect(debug.side).toBe("old");
    expect(debug.value.text).toBe("1");
    expect(debug.line).toBe(43);
    const dev = env(top, "dev");
    expect(dev.side).toBe("new");
    expect(dev.value.text).toBe(sp("b", "demo-1.0-dev"));
    const cflags = env(top, "NIX_CFLAGS_COMPILE");
    expect(cflags.side).toBe("both");
    expect(sides(cflags.value.text)).toEqual({ old: "-O2", new: "-O2 -g" });
    expect(top.lastLine).toBe(45);
  });
});

describe("more section forms", () => {
  it("reads a hash algorithm change per output", () => {
    const d = parseText(
      doc(pairLines(0, "source"), "• {out}:", "•     Hash algorithm:", "        - sha256", "        + sha512", "• {dev}:", "•     Hash algorithm:", "        - sha1", "        + sha256"),
    );
    expect(d.stats.unrecognized).toBe(0);
    const algos = findingsOf(pairNamed(d, "source"), "hashAlgorithm");
    expect(algos.map((a) => [a.output, texts(a.items.old), texts(a.items.new)])).toEqual([
      ["out", ["sha256"], ["sha512"]],
      ["dev", ["sha1"], ["sha256"]],
    ]);
  });

  it("reads `The input source named x differs` followed by nothing", () => {
    const d = parseText(
      doc(pairLines(0, "hello-2.12.1"), "• The input source named `hello.patch` differs", "• The environments do not match:", "    NIX_DEBUG=←0←→1→"),
    );
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    const p = pairNamed(d, "hello-2.12.1");
    expect(p.findings.map((f) => f.kind)).toEqual(["sourceContent", "envEntry"]);
    const [content] = findingsOf(p, "sourceContent");
    expect(content!.name).toBe("hello.patch");
    expect(content!.diff).toBeNull();
  });
});

describe("statuses and markers of a pair", () => {
  it("reads `Skipping environment comparison`, `The derivation names do not match`, `The requested outputs do not match`", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `hello-2.12.1` differs",
      `  - ${drv("a", "hello-2.12.1")}:{out}`,
      `  + ${drv("b", "hello-2.12.2")}:{out}`,
      "  • The derivation names do not match",
      "• The input derivation named `openssl-3.3.2` differs",
      pairLines(2, "openssl-3.3.2", "out", "", "dev,out"),
      "  • The requested outputs do not match",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(pairNamed(d, "hello-2.12.1").status).toBe("namesDiffer");
    const openssl = pairNamed(d, "openssl-3.3.2");
    expect(openssl.status).toBe("outputsDiffer");
    expect(outputs(openssl.oldOutputs)).toEqual(["out"]);
    expect(outputs(openssl.newOutputs)).toEqual(["dev", "out"]);
    const top = pairNamed(d, TOP);
    expect(top.envSkippedLine).toBe(11);
    expect(top.envShownLine).toBeNull();
    expect(top.children).toHaveLength(2);
  });

  it("reads 1.0.19+ `Skipping because only derivations that have already been compared … are below`", () => {
    const text = FOLDED_IPROUTE2;
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    const folded = pairNamed(d, "iproute2-6.11.0");
    expect(folded.status).toBe("onlyAlreadyComparedBelow");
    expect(folded.findings).toEqual([]);
    expect(folded.children).toEqual([]);
    expect(pairNamed(d, "libmnl-1.0.5").status).toBe("expanded");
  });
});

describe("`''` blocks", () => {
  it("reads a source diff block up to the closing quotes at the pair's column, whatever its lines look like", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `shadow-4.16.0` differs",
      pairLines(2, "shadow-4.16.0", "man,out"),
      "  • The input source named `keep-path.patch` differs",
      "      ''",
      "      Subject: [PATCH] keep path",
      "      ",
      "      • The builders do not match",
      `      - ${drv("x", "fake-1.0")}:{out}`,
      "      ''",
      "      -  if (access (path, F_OK) == 0 && strcmp (path, \"/usr/lib\") != 0)",
      "      +  if (access (path, F_OK) == 0 && !is_impure_path (path))",
      "  ''",
      "  • The environments do not match:",
      "      patches=''",
      `      ←${sp("a", "keep-path.patch")}←→${sp("b", "keep-path.patch")}→`,
      "  ''",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    expect(d.pairs.map((p) => p.name)).toEqual([TOP, "shadow-4.16.0"]);
    const shadow = pairNamed(d, "shadow-4.16.0");
    expect(shadow.findings.map((f) => f.kind)).toEqual(["sourceContent", "envEntry"]);
    const [content] = findingsOf(shadow, "sourceContent");
    expect(content!.name).toBe("keep-path.patch");
    expect(content!.diff?.text).toBe(
      [
        "Subject: [PATCH] keep path",
        "",
        "• The builders do not match",
        `- ${drv("x", "fake-1.0")}:{out}`,
        "''",
        "-  if (access (path, F_OK) == 0 && strcmp (path, \"/usr/lib\") != 0)",
        "+  if (access (path, F_OK) == 0 && !is_impure_path (path))",
      ].join("\n"),
    );
    expect(content!.diff?.firstLine).toBe(8);
    expect(shadow.envShownLine).toBe(16);
    expect(sides(env(shadow, "patches").value.text)).toEqual({ old: sp("a", "keep-path.patch"), new: sp("b", "keep-path.patch") });
    expect(env(shadow, "patches").value.firstLine).toBe(18);
    expect(pairNamed(d, TOP).envSkippedLine).toBe(20);
    expect(pairNamed(d, TOP).findings).toEqual([]);
  });

  it("reads a `key=''` block of an indented pair, closing quotes left of the key, lines that look like headings inside", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `system-path` differs",
      pairLines(2, "system-path"),
      "  • The input derivation named `ethtool-6.11` differs",
      pairLines(4, "ethtool-6.11"),
      "    • The input derivation named `libmnl-1.0.5` differs",
      pairLines(6, "libmnl-1.0.5", "dev"),
      "      • The environments do not match:",
      "          configureFlags=--enable-static=no→ →→--disable-silent-rules→",
      "    • The environments do not match:",
      "        buildInputs=''",
      `        ←${sp("a", "libmnl-1.0.5-dev")}←→${sp("b", "libmnl-1.0.5-dev")}→ ${sp("c", "libpcap-1.10.5")}`,
      "    ''",
      "        postInstall=''",
      "        mkdir -p $out/share",
      "        • Skipping environment comparison",
      `        - ${drv("x", "fake-1.0")}:{out}`,
      "        • The input derivation named `zlib-1.3.1` differs",
      "        ''",
      "        →echo→→ →→done→",
      "    ''",
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    expect(d.pairs.map((p) => p.name)).toEqual([TOP, "system-path", "ethtool-6.11", "libmnl-1.0.5"]);
    const ethtool = pairNamed(d, "ethtool-6.11");
    expect(ethtool.envShownLine).toBe(14);
    expect(ethtool.envSkippedLine).toBeNull();
    expect(refsOf(d, ethtool)).toEqual([]);
    expect(ethtool.children).toEqual([pairNamed(d, "libmnl-1.0.5").id]);
    expect(findingsOf(ethtool, "envEntry").map((f) => f.key)).toEqual(["buildInputs", "postInstall"]);
    expect(sides(env(ethtool, "buildInputs").value.text)).toEqual({
      old: `${sp("a", "libmnl-1.0.5-dev")} ${sp("c", "libpcap-1.10.5")}`,
      new: `${sp("b", "libmnl-1.0.5-dev")} ${sp("c", "libpcap-1.10.5")}`,
    });
    expect(env(ethtool, "buildInputs").value.firstLine).toBe(16);
    expect(env(ethtool, "postInstall").value.text).toBe(
      [
        "mkdir -p $out/share",
        "• Skipping environment comparison",
        `- ${drv("x", "fake-1.0")}:{out}`,
        "• The input derivation named `zlib-1.3.1` differs",
        "''",
        "→echo→→ →→done→",
      ].join("\n"),
    );
    expect(pairNamed(d, "system-path").envSkippedLine).toBe(26);
    expect(pairNamed(d, TOP).envSkippedLine).toBe(27);
  });

  it("reads a 1.0.21 block whose value starts with four spaces (not the 1.0.10 layout)", () => {
    // 1.0.21 wording (`The input derivation named`) rules out nix-diff 1.0.10's block layout; the value's own
    // indentation puts its first line at N+8 and its later lines back at N+4.
    const text = doc(
      pairLines(0, "system-units"),
      "• The input derivation named `unit-firewall.service` differs",
      pairLines(2, "unit-firewall.service"),
      "  • The environments do not match:",
      "      text=←Description=Firewall←→Description=nftables→",
      "• The environments do not match:",
      "    script=''",
      `        ln -s ←${sp("a", "unit-firewall.service")}←→${sp("b", "unit-firewall.service")}→ $out/`,
      "      done",
      "      echo ok",
      "''",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    const script = env(pairNamed(d, "system-units"), "script");
    expect(sides(script.value.text)).toEqual({
      old: `    ln -s ${sp("a", "unit-firewall.service")} $out/\n  done\n  echo ok`,
      new: `    ln -s ${sp("b", "unit-firewall.service")} $out/\n  done\n  echo ok`,
    });
    expect(script.value.cut).toBe(false);
  });

  it("reads a line-oriented block: `- `, `+ ` and two-space lines", () => {
    const text = doc(
      pairLines(0, "system-units"),
      "• The environments do not match:",
      "    buildCommand=''",
      "      mkdir -p $out",
      `    - ln -s ${sp("a", "unit-dbus.service")}/dbus.service $out/`,
      `    + ln -s ${sp("b", "unit-dbus.service")}/dbus.service $out/`,
      "      echo done",
      "''",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    expect(env(pairNamed(d, "system-units"), "buildCommand").value.text).toBe(
      [
        "  mkdir -p $out",
        `- ln -s ${sp("a", "unit-dbus.service")}/dbus.service $out/`,
        `+ ln -s ${sp("b", "unit-dbus.service")}/dbus.service $out/`,
        "  echo done",
      ].join("\n"),
    );
  });

  it("reads nix-diff 1.0.10's env block (content at N+8, closing quotes at the key's column)", () => {
    const text = doc(SHADOW_V1010);
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    const shadow = pairNamed(d, "shadow-4.16.0");
    const patches = env(shadow, "patches");
    expect(patches.value.text).not.toContain("''");
    const s = sides(patches.value.text);
    expect(squash(s.old)).toBe(
      "/nix/store/sq605q7n9fgbgkbpjlw4f9snpyqlihwz-keep-path.patch /nix/store/l9h1mm3ar07bb5hmdza4xj6iw4i55yny-fix-install-with-tcb.patch /nix/store/l84scx99yybg7jxckcbhl5wvi7mc2k6q-runtime-shell.patch",
    );
    expect(squash(s.new)).toBe(
      "/nix/store/r384s9ckzqaq7qf393jjz2cfb2aphwfj-keep-path.patch /nix/store/l9h1mm3ar07bb5hmdza4xj6iw4i55yny-fix-install-with-tcb.patch /nix/store/l84scx99yybg7jxckcbhl5wvi7mc2k6q-runtime-shell.patch",
    );
    expect(pairNamed(d, "system-path").envSkippedLine).toBe(22);
  });
});

describe("nix-diff 1.0.10 blocks", () => {
  it("reads two consecutive 1.0.10 env blocks as two keys (corpus multi-cause/v1010.txt)", () => {
    const d = parseText(doc(PYTHON_V1010));
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    const python = pairNamed(d, "python3-3.12.7");
    expect(findingsOf(python, "envEntry").map((f) => f.key)).toEqual(["CPPFLAGS", "buildInputs"]);
    for (const f of findingsOf(python, "envEntry")) {
      expect(f.value.text).not.toContain("''");
      expect(f.value.cut).toBe(false);
    }
    expect(pairNamed(d, "libapparmor-4.0.3").envSkippedLine).toBe(28);
  });
});

describe("raw values that continue at column 0", () => {
  // `- key=value` / `+ key=value` print the value raw (never in a block), so a
  // multi-line value goes on at column 0. The `+ postInstall` key that follows
  // at N+4 shows the environment list had not ended, and nix-diff's fixed order
  // rules out a `The builders do not match` of the top pair after its inputs.
  const oneSided = (continuation: string): ParsedDiff =>
    parseText(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `hello-2.12.1` differs",
        pairLines(2, "hello-2.12.1"),
        "  • The environments do not match:",
        "      - preConfigure=echo start",
        continuation,
        "      + postInstall=rm -r $out/share",
        "• Skipping environment comparison",
      ),
    );

  const checkOneSided = (continuation: string): void => {
    const d = oneSided(continuation);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.documents).toBe(1);
    expect(d.roots).toHaveLength(1);
    expect(d.pairs.map((p) => p.name)).toEqual([TOP, "hello-2.12.1"]);
    const hello = pairNamed(d, "hello-2.12.1");
    expect(findingsOf(hello, "envEntry").map((f) => [f.key, f.side])).toEqual([
      ["preConfigure", "old"],
      ["postInstall", "new"],
    ]);
    expect(env(hello, "preConfigure").value.text).toBe(`echo start\n${continuation}`);
    expect(env(hello, "postInstall").value.text).toBe("rm -r $out/share");
    const top = pairNamed(d, TOP);
    expect(top.findings).toEqual([]);
    expect(top.envSkippedLine).toBe(10);
  };

  it("keeps a one-sided value's later line that looks like a derivation path line", () => {
    checkOneSided(`- ${drv("x", "fake-1.0")}:{out}`);
  });

  it("keeps a one-sided value's later line that looks like a bullet", () => {
    checkOneSided("• The builders do not match");
  });

  it("keeps a short two-sided value's later lines at column 0", () => {
    const d = parseText(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `hello-2.12.1` differs",
        pairLines(2, "hello-2.12.1"),
        "  • The environments do not match:",
        "      script=set -e",
        "←old-step←→new-step→",
        "• Skipping environment comparison",
      ),
    );
    expect(d.stats.unrecognized).toBe(0);
    expect(sides(env(pairNamed(d, "hello-2.12.1"), "script").value.text)).toEqual({ old: "set -e\nold-step", new: "set -e\nnew-step" });
    expect(pairNamed(d, TOP).envSkippedLine).toBe(9);
  });
});

describe("text diff orientations", () => {
  const run = (line19: string): ParsedDiff => parseText(doc(LIBMNL_HEAD, line19, CLOSE_LIBMNL));

  it.each([
    ["word (default)", LIBMNL_19_DEFAULT],
    ["character", LIBMNL_19_CHAR],
  ])("%s: `←old←` / `→new→` chunks give back both values", (_mode, line19) => {
    const d = run(line19);
    expect(d.stats.unrecognized).toBe(0);
    const v = env(pairNamed(d, "libmnl-1.0.5"), "configureFlags");
    expect(v.side).toBe("both");
    expect(v.line).toBe(19);
    expect(sides(v.value.text)).toEqual({ old: "--enable-static=no", new: "--enable-static=no --disable-silent-rules" });
  });

  it("line: the short `- old+ new` form is kept as printed", () => {
    const d = run(LIBMNL_19_LINE);
    expect(d.stats.unrecognized).toBe(0);
    expect(env(pairNamed(d, "libmnl-1.0.5"), "configureFlags").value.text).toBe(
      "- --enable-static=no+ --enable-static=no --disable-silent-rules",
    );
  });

  it("a whitespace run removed in word mode (`←a←← ←←b←`)", () => {
    const d = parseText(
      doc(pairLines(0, "curl-8.11.0"), "• The environments do not match:", "    configureFlags=--with-ssl ←--with-brotli←← ←←--with-zstd←"),
    );
    expect(sides(env(pairNamed(d, "curl-8.11.0"), "configureFlags").value.text)).toEqual({
      old: "--with-ssl --with-brotli --with-zstd",
      new: "--with-ssl ",
    });
  });
});

describe("colour (SGR codes read, not just stripped)", () => {
  it("reads coloured path lines and list items", () => {
    const text = doc(
      `${ESC}[1;31m- ${drv("old", TOP)}:{out}${ESC}[0m`,
      `${ESC}[1;32m+ ${drv("new", TOP)}:{out}${ESC}[0m`,
      "• The builders do not match",
      `    ${ESC}[1;31m- ${sp("a", "bash-5.2p37")}/bin/bash${ESC}[0m`,
      `    ${ESC}[1;32m+ ${sp("b", "bash-5.2p37")}/bin/bash${ESC}[0m`,
      "• The set of input derivation names do not match:",
      `    ${ESC}[1;31m- zstd-1.5.6${ESC}[0m`,
      `    ${ESC}[1;32m+ zstd-1.5.7${ESC}[0m`,
      "• The input derivation named `bash-5.2p37` differs",
      `  ${ESC}[1;31m- ${drv("old", "bash-5.2p37")}:{out}${ESC}[0m`,
      `  ${ESC}[1;32m+ ${drv("new", "bash-5.2p37")}:{out}${ESC}[0m`,
      "  • The input source named `fix.patch` differs",
      `      ${ESC}[1;2mfoo${ESC}[0m${ESC}[1;2m ${ESC}[0m${ESC}[41mbar${ESC}[0m${ESC}[42mbaz${ESC}[0m`,
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.coloured).toBe(true);
    expect(d.stats.unrecognized).toBe(0);
    const top = pairNamed(d, TOP);
    expect(d.paths.text(top.oldPath)).toBe(drv("old", TOP));
    expect(d.paths.text(top.newPath)).toBe(drv("new", TOP));
    const [builder] = findingsOf(top, "builder");
    expect(texts(builder!.items.old)).toEqual([`${sp("a", "bash-5.2p37")}/bin/bash`]);
    expect(texts(builder!.items.new)).toEqual([`${sp("b", "bash-5.2p37")}/bin/bash`]);
    const [names] = findingsOf(top, "inputNameSet");
    expect(texts(names!.items.old)).toEqual(["zstd-1.5.6"]);
    expect(texts(names!.items.new)).toEqual(["zstd-1.5.7"]);
    const bash = pairNamed(d, "bash-5.2p37");
    expect(d.paths.text(bash.oldPath)).toBe(drv("old", "bash-5.2p37"));
    const [content] = findingsOf(bash, "sourceContent");
    expect(sides(content!.diff!.text)).toEqual({ old: "foo bar", new: "foo baz" });
    expect(top.envSkippedLine).toBe(14);
  });

  it("reads the empty span followed by whitespace (`ESC[42mESC[0m `) as a new-only space (corpus env-change/color.txt)", () => {
    const d = parseText(doc(LIBMNL_HEAD_COLOUR, LIBMNL_19_COLOR, CLOSE_LIBMNL));
    expect(d.stats.coloured).toBe(true);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.paths.text(pairNamed(d, TOP).oldPath)).toBe(
      "/nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv",
    );
    const v = env(pairNamed(d, "libmnl-1.0.5"), "configureFlags");
    expect(sides(v.value.text)).toEqual({ old: "--enable-static=no", new: "--enable-static=no --disable-silent-rules" });
  });

  it("reads the empty span followed by whitespace on the old side (`ESC[41mESC[0m `)", () => {
    const d = parseText(
      doc(
        pairLines(0, "curl-8.11.0"),
        "• The environments do not match:",
        `    configureFlags=${ESC}[1;2m--with-ssl${ESC}[0m${ESC}[41m${ESC}[0m ${ESC}[41m--with-zstd${ESC}[0m`,
      ),
    );
    expect(sides(env(pairNamed(d, "curl-8.11.0"), "configureFlags").value.text)).toEqual({
      old: "--with-ssl --with-zstd",
      new: "--with-ssl",
    });
  });

  it("follows a 1.0.20 span that runs over two lines", () => {
    // Before 1.0.21 a coloured chunk with a newline in it was closed only at its end.
    const text = doc(
      pairLines(0, "nixos-tmpfiles.d"),
      "• The environments do not match:",
      "    text=''",
      `    ${ESC}[1;2mkeep ${ESC}[0m${ESC}[42madded-one`,
      `    added-two${ESC}[0m${ESC}[1;2m tail${ESC}[0m`,
      "''",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.truncated).toBe(false);
    expect(sides(env(pairNamed(d, "nixos-tmpfiles.d"), "text").value.text)).toEqual({
      old: "keep  tail",
      new: "keep added-one\nadded-two tail",
    });
  });

  it.each([
    ["1.0.21 (corpus source-change/color.txt)", SHADOW_COLOR],
    ["1.0.20 (corpus source-change/v1020-color.txt)", SHADOW_V1020_COLOR],
  ])("a coloured %s source diff and env value yield the words of the uncoloured one", (_what, coloured) => {
    const plain = parseText(doc(SHADOW_DEFAULT));
    const col = parseText(doc(coloured));
    expect(plain.stats.unrecognized).toBe(0);
    expect(col.stats.unrecognized).toBe(0);
    expect(col.stats.coloured).toBe(true);
    const diffOf = (d: ParsedDiff): { old: string; new: string } => {
      const [content] = findingsOf(pairNamed(d, "shadow-4.16.0"), "sourceContent");
      const s = sides(content!.diff!.text);
      return { old: squash(s.old), new: squash(s.new) };
    };
    expect(diffOf(plain).new).toContain("su: keep PATH from the caller environment");
    expect(diffOf(plain).old).not.toContain("su: keep PATH");
    expect(diffOf(col)).toEqual(diffOf(plain));
    const patches = (d: ParsedDiff): { old: string; new: string } => sides(env(pairNamed(d, "shadow-4.16.0"), "patches").value.text);
    expect(patches(col)).toEqual(patches(plain));
    expect(patches(plain).old).toContain("/nix/store/sq605q7n9fgbgkbpjlw4f9snpyqlihwz-keep-path.patch");
  });
});

describe("older wordings", () => {
  it("reads nix-diff 1.0.10: `The input named`, `The set of input names`, `The set of inputs named`, `The set of input sources`", () => {
    const text = doc(
      pairLines(0, "shadow-4.16.0"),
      "• The set of input sources do not match:",
      `    - ${sp("a", "keep-path.patch")}`,
      `    + ${sp("b", "keep-path.patch")}`,
      "• The set of input names do not match:",
      "    - zstd-1.5.6",
      "    + zstd-1.5.7",
      "• The set of inputs named `openssl-3.3.2` do not match",
      `    - ${drv("a", "openssl-3.3.2")}:{out}`,
      `    + ${drv("a", "openssl-3.3.2")}:{dev,out}`,
      "• The input named `libmnl-1.0.5` differs",
      pairLines(2, "libmnl-1.0.5", "dev"),
      "  • The environments do not match:",
      "      configureFlags=--enable-static=no→ --disable-silent-rules→",
      "• The input named `ethtool-6.11` differs",
      "  • These two derivations have already been compared",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.wording).toBe("<1.0.11");
    const top = pairNamed(d, "shadow-4.16.0");
    expect(top.findings.map((f) => f.kind)).toEqual(["sourceSet", "inputNameSet", "inputGroup"]);
    const [sources] = findingsOf(top, "sourceSet");
    expect(texts(sources!.items.old)).toEqual([sp("a", "keep-path.patch")]);
    expect(texts(sources!.items.new)).toEqual([sp("b", "keep-path.patch")]);
    expect(texts(findingsOf(top, "inputNameSet")[0]!.items.new)).toEqual(["zstd-1.5.7"]);
    expect(findingsOf(top, "inputGroup")[0]!.name).toBe("openssl-3.3.2");
    expect(d.pairs.map((p) => p.name)).toEqual(["shadow-4.16.0", "libmnl-1.0.5"]);
    expect(pairNamed(d, "libmnl-1.0.5").parent).toBe(top.id);
    expect(refsOf(d, top).map((r) => [r.name, r.form])).toEqual([["ethtool-6.11", "single"]]);
    expect(top.envSkippedLine).toBe(19);
  });

  it("reads 1.0.20's per-input `These two derivations have already been compared` as a mention, not a pair", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `bash-5.2p37` differs",
      pairLines(2, "bash-5.2p37"),
      "  • The input source named `fix.patch` differs",
      "      ←a←→b→",
      "• The input derivation named `curl-8.11.0` differs",
      pairLines(2, "curl-8.11.0", "dev"),
      "  • The input derivation named `bash-5.2p37` differs",
      "    • These two derivations have already been compared",
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.wording).toBe("1.0.11-1.0.20");
    expect(d.pairs.map((p) => p.name)).toEqual([TOP, "bash-5.2p37", "curl-8.11.0"]);
    const curl = pairNamed(d, "curl-8.11.0");
    expect(curl.children).toEqual([]);
    expect(refsOf(d, curl).map((r) => [r.name, r.form])).toEqual([["bash-5.2p37", "single"]]);
    expect(curl.envSkippedLine).toBe(13);
  });

  it("tells 1.0.21 by its grouped already-compared list", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `iptables-1.8.10` differs",
      pairLines(2, "iptables-1.8.10", "man,out"),
      "  • Input derivations differ but have already been compared",
      "      libmnl-1.0.5",
      "      libnetfilter_conntrack-1.0.9",
      "      libnftnl-1.2.8",
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.wording).toBe("1.0.21");
    expect(refsOf(d, pairNamed(d, "iptables-1.8.10"))).toEqual([
      { name: "libmnl-1.0.5", line: 7, form: "grouped" },
      { name: "libnetfilter_conntrack-1.0.9", line: 8, form: "grouped" },
      { name: "libnftnl-1.2.8", line: 9, form: "grouped" },
    ]);
    expect(pairNamed(d, "iptables-1.8.10").envSkippedLine).toBe(10);
  });

  it("numbers each pair's name among the mentioned names (-1 when none mentions it)", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `libmnl-1.0.5` differs",
      pairLines(2, "libmnl-1.0.5"),
      "  • Skipping environment comparison",
      "• The input derivation named `iptables-1.8.10` differs",
      pairLines(2, "iptables-1.8.10"),
      "  • Input derivations differ but have already been compared",
      "      libnftnl-1.2.8",
      "      libmnl-1.0.5",
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.names).toEqual(["libnftnl-1.2.8", "libmnl-1.0.5"]);
    expect(d.pairs.map((p) => [p.name, d.mentions.pairName[p.id]])).toEqual([
      [TOP, -1],
      ["libmnl-1.0.5", 1],
      ["iptables-1.8.10", -1],
    ]);
  });
});

describe("pasted fragments", () => {
  // The seed forum post: the first line lost its indentation, the rest is at column 10.
  const FRAGMENT = doc(
    "• The input derivation named `iptables-1.8.11` differs",
    "          - /nix/store/ssfr95ll5ivkbckm4zw6hhbw57pbr1ci-iptables-1.8.11.drv:{out}",
    "          + /nix/store/0sbi7kjkinka3xavsccz4ncmgq0nlnp6-iptables-1.8.11.drv:{out}",
    "          • The builders do not match",
    "              - /nix/store/cfqbabpc7xwg8akbcchqbq3cai6qq2vs-bash-5.2p37/bin/bash",
    "              + /nix/store/l9k32vj2aczxw62134j1x0dsh569jz2l-bash-5.2p37/bin/bash",
    "          • The input derivation named `autoreconf-hook` differs",
    "            • These two derivations have already been compared",
    "          • The input derivation named `bash-5.2p37` differs",
    "            • These two derivations have already been compared",
    "          • Skipping environment comparison",
    "        • The input derivation named `procps-4.0.4` differs",
    "          - /nix/store/plawfkpihcgy5z190qfygrl0kxr5mq06-procps-4.0.4.drv:{out}",
    "          + /nix/store/pqk8sr6zsf3f3w0dgkdjrfamvzxn10r1-procps-4.0.4.drv:{out}",
    "          • The builders do not match",
    "              - /nix/store/cfqbabpc7xwg8akbcchqbq3cai6qq2vs-bash-5.2p37/bin/bash",
    "              + /nix/store/l9k32vj2aczxw62134j1x0dsh569jz2l-bash-5.2p37/bin/bash",
    "          • The set of input derivation names do not match:",
    "              - systemd-257.9",
    "              + systemd-257.10",
    "          • The input derivation named `bash-5.2p37` differs",
    "            • These two derivations have already been compared",
    "          • Skipping environment comparison",
  );

  it("places a fragment whose first line is at column 0 and the rest at column 10", () => {
    const d = parseText(FRAGMENT);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.fragment).toBe(true);
    const iptables = pairNamed(d, "iptables-1.8.11");
    const procps = pairNamed(d, "procps-4.0.4");
    expect(d.paths.text(iptables.oldPath)).toBe("/nix/store/ssfr95ll5ivkbckm4zw6hhbw57pbr1ci-iptables-1.8.11.drv");
    expect(d.paths.text(iptables.newPath)).toBe("/nix/store/0sbi7kjkinka3xavsccz4ncmgq0nlnp6-iptables-1.8.11.drv");
    expect(iptables.firstLine).toBe(1);
    expect(iptables.findings.map((f) => f.kind)).toEqual(["builder"]);
    expect(refsOf(d, iptables).map((r) => r.name)).toEqual(["autoreconf-hook", "bash-5.2p37"]);
    expect(iptables.envSkippedLine).toBe(11);
    // Both hang under the same (unseen) parent: the first line's real column is 8.
    expect(iptables.parent).not.toBeNull();
    expect(procps.parent).toBe(iptables.parent);
    expect(d.pairs[iptables.parent!]!.inferred).toBe(true);
    expect(procps.findings.map((f) => f.kind)).toEqual(["builder", "inputNameSet"]);
    expect(refsOf(d, procps).map((r) => r.name)).toEqual(["bash-5.2p37"]);
    expect(procps.envSkippedLine).toBe(23);
  });

  it("places a fragment whose first line is a path line at column 0", () => {
    const text = doc(
      "- /nix/store/ssfr95ll5ivkbckm4zw6hhbw57pbr1ci-iptables-1.8.11.drv:{out}",
      "          + /nix/store/0sbi7kjkinka3xavsccz4ncmgq0nlnp6-iptables-1.8.11.drv:{out}",
      "          • The builders do not match",
      "              - /nix/store/cfqbabpc7xwg8akbcchqbq3cai6qq2vs-bash-5.2p37/bin/bash",
      "              + /nix/store/l9k32vj2aczxw62134j1x0dsh569jz2l-bash-5.2p37/bin/bash",
      "          • The input derivation named `bash-5.2p37` differs",
      "            • These two derivations have already been compared",
      "          • Skipping environment comparison",
      "        • The input derivation named `procps-4.0.4` differs",
      "          - /nix/store/plawfkpihcgy5z190qfygrl0kxr5mq06-procps-4.0.4.drv:{out}",
      "          + /nix/store/pqk8sr6zsf3f3w0dgkdjrfamvzxn10r1-procps-4.0.4.drv:{out}",
      "          • The set of input derivation names do not match:",
      "              - systemd-257.9",
      "              + systemd-257.10",
      "          • Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.fragment).toBe(true);
    const iptables = pairNamed(d, "iptables-1.8.11");
    expect(d.paths.text(iptables.oldPath)).toBe("/nix/store/ssfr95ll5ivkbckm4zw6hhbw57pbr1ci-iptables-1.8.11.drv");
    expect(d.paths.text(iptables.newPath)).toBe("/nix/store/0sbi7kjkinka3xavsccz4ncmgq0nlnp6-iptables-1.8.11.drv");
    expect(iptables.findings.map((f) => f.kind)).toEqual(["builder"]);
    expect(refsOf(d, iptables).map((r) => r.name)).toEqual(["bash-5.2p37"]);
    expect(iptables.envSkippedLine).toBe(8);
    const procps = pairNamed(d, "procps-4.0.4");
    expect(procps.findings.map((f) => f.kind)).toEqual(["inputNameSet"]);
    expect(procps.envSkippedLine).toBe(15);
  });

  it("places a fragment whose first line is a section heading at column 0", () => {
    const text = doc(
      "• The builders do not match",
      "              - /nix/store/cfqbabpc7xwg8akbcchqbq3cai6qq2vs-bash-5.2p37/bin/bash",
      "              + /nix/store/l9k32vj2aczxw62134j1x0dsh569jz2l-bash-5.2p37/bin/bash",
      "          • The set of input derivation names do not match:",
      "              - systemd-257.9",
      "              + systemd-257.10",
      "          • The input derivation named `bash-5.2p37` differs",
      "            • These two derivations have already been compared",
      "          • Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.fragment).toBe(true);
    expect(d.pairs).toHaveLength(1);
    const [p] = d.pairs;
    expect(p!.findings.map((f) => f.kind)).toEqual(["builder", "inputNameSet"]);
    expect(texts(findingsOf(p!, "builder")[0]!.items.new)).toEqual(["/nix/store/l9k32vj2aczxw62134j1x0dsh569jz2l-bash-5.2p37/bin/bash"]);
    expect(refsOf(d, p!).map((r) => r.name)).toEqual(["bash-5.2p37"]);
    expect(p!.envSkippedLine).toBe(9);
  });

  it("reads samples/forum-fragment.txt (cut off mid-pair) without an unrecognised line", () => {
    const text = readFileSync(new URL("../samples/forum-fragment.txt", import.meta.url), "utf8");
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(0);
    expect(d.stats.fragment).toBe(true);
    expect(d.stats.truncated).toBe(true);
    expect(d.stats.lines).toBe(text.split("\n").length - (text.endsWith("\n") ? 1 : 0));
    for (const name of ["iptables-1.8.11", "procps-4.0.4", "procps-ng-4.0.4.tar.xz", "shadow-4.17.4"]) pairNamed(d, name);
    expect(pairNamed(d, "procps-ng-4.0.4.tar.xz").parent).toBe(pairNamed(d, "procps-4.0.4").id);
    expect(pairNamed(d, "shadow-4.17.4").parent).toBe(pairNamed(d, "procps-4.0.4").parent);
  });

  it("reads CRLF line ends like LF", () => {
    const text = doc(LIBMNL_HEAD, LIBMNL_19_DEFAULT, CLOSE_LIBMNL);
    const lf = parseText(text);
    const crlf = parseText(text.replace(/\n/g, "\r\n"));
    expect(crlf.stats.unrecognized).toBe(0);
    expect(crlf.pairs).toEqual(lf.pairs);
  });
});

describe("truncated input", () => {
  it("marks input that ends inside a `''` block, keeping what was read", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `libmnl-1.0.5` differs",
      pairLines(2, "libmnl-1.0.5", "dev"),
      "  • The environments do not match:",
      "      buildInputs=''",
      `      ←${sp("a", "zlib-1.3.1-dev")}←→${sp("b", "zlib-1.3.1-dev")}→`,
    );
    const d = parseText(text);
    expect(d.stats.truncated).toBe(true);
    expect(d.stats.truncatedReason).toEqual(expect.any(String));
    expect(d.stats.unrecognized).toBe(0);
    expect(sides(env(pairNamed(d, "libmnl-1.0.5"), "buildInputs").value.text)).toEqual({
      old: sp("a", "zlib-1.3.1-dev"),
      new: sp("b", "zlib-1.3.1-dev"),
    });
  });

  it("marks input that ends right after `The input derivation named x differs`", () => {
    const d = parseText(doc(pairLines(0, TOP), "• The input derivation named `libmnl-1.0.5` differs"));
    expect(d.stats.truncated).toBe(true);
    expect(d.stats.truncatedReason).toEqual(expect.any(String));
    expect(d.stats.unrecognized).toBe(0);
  });

  it("marks input that ends right after a heading whose list is missing", () => {
    const d = parseText(doc(pairLines(0, TOP), "• The input derivation named `libmnl-1.0.5` differs", pairLines(2, "libmnl-1.0.5"), "  • The builders do not match"));
    expect(d.stats.truncated).toBe(true);
  });

  it("marks input that ends after a child's path lines", () => {
    const d = parseText(doc(pairLines(0, TOP), "• The input derivation named `libmnl-1.0.5` differs", pairLines(2, "libmnl-1.0.5")));
    expect(d.stats.truncated).toBe(true);
    expect(d.paths.text(pairNamed(d, "libmnl-1.0.5").oldPath)).toBe(drv("old", "libmnl-1.0.5"));
  });

  it("does not mark a complete output", () => {
    const d = parseText(doc(LIBMNL_HEAD, LIBMNL_19_DEFAULT, CLOSE_LIBMNL));
    expect(d.stats.truncated).toBe(false);
    expect(d.stats.truncatedReason).toBeNull();
  });
});

describe("lines that fit no form", () => {
  it("counts an unknown heading with its line number and text, and reads on", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The frobnicators do not match",
      "• The input derivation named `foo-1.0` differs",
      pairLines(2, "foo-1.0"),
      "  • The platforms do not match",
      "      - x86_64-linux",
      "      + aarch64-linux",
      "• Skipping environment comparison",
    );
    const d = parseText(text);
    expect(d.stats.unrecognized).toBe(1);
    expect(d.stats.unrecognizedSample).toHaveLength(1);
    expect(d.stats.unrecognizedSample[0]!.line).toBe(3);
    expect(d.stats.unrecognizedSample[0]!.text).toContain("The frobnicators do not match");
    const [platform] = findingsOf(pairNamed(d, "foo-1.0"), "platform");
    expect(texts(platform!.items.new)).toEqual(["aarch64-linux"]);
    expect(pairNamed(d, TOP).envSkippedLine).toBe(10);
  });

  it("counts a stray text line with its line number and text", () => {
    const d = parseText(doc(pairLines(0, TOP), "hello there, this is my output:", "• The input derivation named `foo-1.0` differs", pairLines(2, "foo-1.0"), "  • The platforms do not match", "      - x86_64-linux", "      + aarch64-linux", "• Skipping environment comparison"));
    expect(d.stats.unrecognized).toBe(1);
    expect(d.stats.unrecognizedSample).toEqual([{ line: 3, text: "hello there, this is my output:" }]);
    expect(pairNamed(d, "foo-1.0").parent).toBe(pairNamed(d, TOP).id);
  });

  it("keeps the text of a known heading it cannot place (if it does not place it)", () => {
    const d = parseText(doc(pairLines(0, TOP), "      • The builders do not match", "• Skipping environment comparison"));
    const top = pairNamed(d, TOP);
    if (findingsOf(top, "builder").length === 0) {
      expect(d.stats.unrecognized).toBe(1);
      expect(d.stats.unrecognizedSample[0]!.line).toBe(3);
      expect(d.stats.unrecognizedSample[0]!.text).toContain("The builders do not match");
    }
    expect(top.envSkippedLine).toBe(4);
  });

  it("never throws, whatever it is given", () => {
    const nasty = [
      "",
      "\n\n\n",
      "''",
      "• ",
      "- ",
      "+ /nix/store/short.drv:{out}",
      "\x00\x01\x02\uFFFD\uFFFD binary",
      `${ESC}[`,
      `${ESC}[42m never closed`,
      "←→←→→←",
      "  • The input derivation named `x` differs\n• These two derivations have already been compared\n    ''",
      "x".repeat(200_000),
      doc(pairLines(0, TOP), "• The environments do not match:", "    key=''", "    " + "y".repeat(100_000)),
      "                                        • The builders do not match\n- a\n+ b",
    ];
    for (const t of nasty) {
      expect(() => parseText(t)).not.toThrow();
      const d = parseText(t);
      expect(d.stats.unrecognized).toBeLessThanOrEqual(d.stats.lines);
    }
    // Every order of the lines of a real output.
    const lines = doc(LIBMNL_HEAD, LIBMNL_19_DEFAULT, CLOSE_LIBMNL).split("\n");
    let seed = 7;
    for (let round = 0; round < 50; round++) {
      const shuffled = [...lines];
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(() => parseText(shuffled.join("\n"))).not.toThrow();
    }
  });
});

describe("documents and --environment endings", () => {
  it("a second output right after an inline value starts a new document", () => {
    const d = parseText(
      doc(pairLines(0, "top"), "• The environments do not match:", "    configureFlags=--a ←--b←", pairLines(0, "top2"), "• The set of input derivation names do not match:", "    - zstd-1.5.6", "    + zstd-1.5.7"),
    );
    expect(d.stats.documents).toBe(2);
    expect(d.stats.unrecognized).toBe(0);
    expect(env(pairNamed(d, "top"), "configureFlags").value.text).toBe("--a ←--b←");
    expect(findingsOf(pairNamed(d, "top2"), "inputNameSet")).toHaveLength(1);
  });

  it("with --environment, a pair whose environment is equal prints nothing: where the output ends cannot be told, and it says so", () => {
    const d = parseText(
      doc(
        pairLines(0, "top"),
        "• The input derivation named `hello-2.12.tar.gz` differs",
        pairLines(2, "hello-2.12.tar.gz"),
        "  • The environments do not match:",
        "      urls=←https://a.invalid/hello-2.12.tar.gz←→mirror://gnu/hello/hello-2.12.tar.gz→",
      ),
    );
    // The top's own environment comparison would come next, unless its environments are equal.
    expect(d.stats.truncated).toBe(true);
    expect(d.stats.truncatedReason).toMatch(/^it may be cut/);
    // The last entry is whole (its spans are closed): it is still judged.
    expect(JSON.stringify(d.pairs[1]!.findings)).not.toContain('"incomplete":true');
  });
});
