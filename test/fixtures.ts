// Small nix-diff inputs shared by the parser and cause tests: helpers that
// write realistic store paths, and snippets copied from the shared corpus
// (each says which file and lines).

export const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";

/** A realistic 32-character store hash (nix32 alphabet), always the same for the same label. */
export function hash(label: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  let out = "";
  for (let i = 0; i < 32; i++) {
    h ^= h << 13;
    h >>>= 0;
    h ^= h >>> 17;
    h ^= h << 5;
    h >>>= 0;
    out += NIX32[h & 31];
  }
  return out;
}

/** `/nix/store/<hash>-<name>` (an output path, a source, a builder's prefix). */
export const sp = (label: string, name: string): string => `/nix/store/${hash(`${label}|${name}`)}-${name}`;

/** `/nix/store/<hash>-<name>.drv`. */
export const drv = (label: string, name: string): string => `${sp(label, name)}.drv`;

/** The two path lines of a pair at column `indent`. */
export function pairLines(indent: number, name: string, outs = "out", tag = "", newOuts = outs): string[] {
  const pad = " ".repeat(indent);
  return [`${pad}- ${drv(`old${tag}`, name)}:{${outs}}`, `${pad}+ ${drv(`new${tag}`, name)}:{${newOuts}}`];
}

/**
 * The environment section nix-diff ends a pair with when nothing was descended into:
 * one `''` value at column `indent` + 4 whose only change is the old path → the new one.
 * A pair printed without it (or without `Skipping environment comparison`) may be cut.
 */
export function envPaths(indent: number, key: string, oldPath: string, newPath: string): string[] {
  const pad = " ".repeat(indent);
  return [`${pad}• The environments do not match:`, `${pad}    ${key}=''`, `${pad}    ←${oldPath}←→${newPath}→`, `${pad}''`];
}

export const TOP = "nixos-system-web01-24.11.20241012.54cce65";

export const ESC = "\x1b";

/** One nix-diff text: the lines joined, with the final newline nix-diff prints. */
export const doc = (...parts: (string | string[])[]): string => parts.flat().join("\n") + "\n";

// corpus env-change/default.txt lines 1-18 (top → etc → dbus-1 → system-path → ethtool-6.11 → libmnl-1.0.5)
export const LIBMNL_HEAD = [
  "- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "+ /nix/store/48cqlanijz7wk5cfliyqqsy5xb5hhng6-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "• The input derivation named `etc` differs",
  "  - /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}",
  "  + /nix/store/alyyn932rrknfxgzpwb23s3qci966fj8-etc.drv:{out}",
  "  • The input derivation named `dbus-1` differs",
  "    - /nix/store/ck6qvbhqnvp9wp97hlz2wn965hlyjvwj-dbus-1.drv:{out}",
  "    + /nix/store/jml25jj7kjixi8rnc3bzi2wlwc1kmwsb-dbus-1.drv:{out}",
  "    • The input derivation named `system-path` differs",
  "      - /nix/store/hrz1axngb5s9kgn48rhga0mpbydi0997-system-path.drv:{out}",
  "      + /nix/store/gc7906bysn9xnl3vi5k9kcq0pc3wsqcs-system-path.drv:{out}",
  "      • The input derivation named `ethtool-6.11` differs",
  "        - /nix/store/avl8x4ndkgy5mssyf98ihkxz99bj530p-ethtool-6.11.drv:{out}",
  "        + /nix/store/p36rxdjngq3r2qircmj4pzha1ibbv5p1-ethtool-6.11.drv:{out}",
  "        • The input derivation named `libmnl-1.0.5` differs",
  "          - /nix/store/imkjxg1xymzic71p1brnsm7qnnrrqzfz-libmnl-1.0.5.drv:{dev}",
  "          + /nix/store/0lifh8bkrgnw372xifnph7qm6pl28r77-libmnl-1.0.5.drv:{dev}",
  "          • The environments do not match:",
];

// the same lines of env-change/color.txt (1.0.21 and 1.0.20 print them alike)
export const LIBMNL_HEAD_COLOUR = [
  "\x1b[1;31m- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}\x1b[0m",
  "\x1b[1;32m+ /nix/store/48cqlanijz7wk5cfliyqqsy5xb5hhng6-nixos-system-web01-24.11.20241012.54cce65.drv:{out}\x1b[0m",
  "• The input derivation named `etc` differs",
  "  \x1b[1;31m- /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}\x1b[0m",
  "  \x1b[1;32m+ /nix/store/alyyn932rrknfxgzpwb23s3qci966fj8-etc.drv:{out}\x1b[0m",
  "  • The input derivation named `dbus-1` differs",
  "    \x1b[1;31m- /nix/store/ck6qvbhqnvp9wp97hlz2wn965hlyjvwj-dbus-1.drv:{out}\x1b[0m",
  "    \x1b[1;32m+ /nix/store/jml25jj7kjixi8rnc3bzi2wlwc1kmwsb-dbus-1.drv:{out}\x1b[0m",
  "    • The input derivation named `system-path` differs",
  "      \x1b[1;31m- /nix/store/hrz1axngb5s9kgn48rhga0mpbydi0997-system-path.drv:{out}\x1b[0m",
  "      \x1b[1;32m+ /nix/store/gc7906bysn9xnl3vi5k9kcq0pc3wsqcs-system-path.drv:{out}\x1b[0m",
  "      • The input derivation named `ethtool-6.11` differs",
  "        \x1b[1;31m- /nix/store/avl8x4ndkgy5mssyf98ihkxz99bj530p-ethtool-6.11.drv:{out}\x1b[0m",
  "        \x1b[1;32m+ /nix/store/p36rxdjngq3r2qircmj4pzha1ibbv5p1-ethtool-6.11.drv:{out}\x1b[0m",
  "        • The input derivation named `libmnl-1.0.5` differs",
  "          \x1b[1;31m- /nix/store/imkjxg1xymzic71p1brnsm7qnnrrqzfz-libmnl-1.0.5.drv:{dev}\x1b[0m",
  "          \x1b[1;32m+ /nix/store/0lifh8bkrgnw372xifnph7qm6pl28r77-libmnl-1.0.5.drv:{dev}\x1b[0m",
  "          • The environments do not match:",
];

// env-change/default.txt line 19
export const LIBMNL_19_DEFAULT = "              configureFlags=--enable-static=no→ →→--disable-silent-rules→";

// env-change/char.txt line 19
export const LIBMNL_19_CHAR = "              configureFlags=--enable-static=no→ --disable-silent-rules→";

// env-change/line.txt line 19
export const LIBMNL_19_LINE = "              configureFlags=- --enable-static=no+ --enable-static=no --disable-silent-rules";

// env-change/color.txt line 19
export const LIBMNL_19_COLOR = "              configureFlags=\x1b[1;2m--enable-static=no\x1b[0m\x1b[42m\x1b[0m \x1b[42m--disable-silent-rules\x1b[0m";

// corpus source-change/v1010.txt lines 1-23, then the ancestors' closing lines
export const SHADOW_V1010 = [
  "- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "+ /nix/store/3x8xcs5k3zi85da6ycc3ls0fm36wbpx9-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "• The input named `etc` differs",
  "  - /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}",
  "  + /nix/store/2sx6yjza9qj8mbf81cf082g5s1dvn8xg-etc.drv:{out}",
  "  • The input named `dbus-1` differs",
  "    - /nix/store/ck6qvbhqnvp9wp97hlz2wn965hlyjvwj-dbus-1.drv:{out}",
  "    + /nix/store/jnl4lm50qv5qk5h6vj4s3v51557a9vnp-dbus-1.drv:{out}",
  "    • The input named `system-path` differs",
  "      - /nix/store/hrz1axngb5s9kgn48rhga0mpbydi0997-system-path.drv:{out}",
  "      + /nix/store/1qfy9459l9ddpfwgd43kjj4l835zcila-system-path.drv:{out}",
  "      • The input named `shadow-4.16.0` differs",
  "        - /nix/store/0fq5d3hywbc27pirbfjj12mdh96f3ki8-shadow-4.16.0.drv:{man,out}",
  "        + /nix/store/jr1c143lq04lsw5hh8vbncd2419q1i92-shadow-4.16.0.drv:{man,out}",
  "        • The set of input sources do not match:",
  "            - /nix/store/sq605q7n9fgbgkbpjlw4f9snpyqlihwz-keep-path.patch",
  "            + /nix/store/r384s9ckzqaq7qf393jjz2cfb2aphwfj-keep-path.patch",
  "        • The environments do not match:",
  "            patches=''",
  "                /nix/store/→r384→s→9ckz→q←605←→a→q7←n9←→q→f←gbgkbp←→393→j←lw4←→jz2c→f←9sn←→b2a→p←yqli←hw←z←→fj→-keep-path.patch /nix/store/l9h1mm3ar07bb5hmdza4xj6iw4i55yny-fix-install-with-tcb.patch /nix/store/l84scx99yybg7jxckcbhl5wvi7mc2k6q-runtime-shell.patch",
  "            ''",
  "      • Skipping environment comparison",
  "    • Skipping environment comparison",
  "  • Skipping environment comparison",
  "• Skipping environment comparison",
];

export const CLOSE_LIBMNL = [
  "        • Skipping environment comparison",
  "      • Skipping environment comparison",
  "    • Skipping environment comparison",
  "  • Skipping environment comparison",
  "• Skipping environment comparison",
];

/** libmnl's env change, and iproute2 folded by 1.0.19+ `--skip-already-compared`. */
export const FOLDED_IPROUTE2 = doc(
  pairLines(0, TOP),
  "• The input derivation named `libmnl-1.0.5` differs",
  pairLines(2, "libmnl-1.0.5", "dev"),
  "  • The environments do not match:",
  "      configureFlags=--enable-static=no→ →→--disable-silent-rules→",
  "• The input derivation named `iproute2-6.11.0` differs",
  pairLines(2, "iproute2-6.11.0"),
  "  • Skipping because only derivations that have already been compared and shown in the diff are below",
  "• Skipping environment comparison",
);
