// Cause and cascade, tested against the rules of the issue "drvsquash v1" and
// the report contract (shared/docs/report-contract.md), not against what the
// code happens to do. Inputs are small nix-diff texts written here or copied
// from the shared corpus, so the suite reads nothing outside the repository.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/index.js";
import { parseText } from "../src/parse/parser.js";
import type { Cause, Report } from "../src/report.js";
import { CLOSE_LIBMNL, FOLDED_IPROUTE2, doc, drv, envPaths, ESC, LIBMNL_19_CHAR, LIBMNL_19_COLOR, LIBMNL_19_DEFAULT, LIBMNL_19_LINE, LIBMNL_HEAD, LIBMNL_HEAD_COLOUR, pairLines, SHADOW_V1010, sp, TOP } from "./fixtures.js";

// ------------------------------------------------------------------ helpers

const report = (text: string): Report => analyse(parseText(text), { source: "test", version: "test" });

/** A short, comparable view of the causes: kind and the fields that say what changed. */
function brief(c: Cause): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: c.kind, drv: c.drv };
  for (const k of ["name", "from", "to", "source", "input"] as const) if (c[k] !== undefined) out[k] = c[k];
  if (c.keys !== undefined) out.keys = [...c.keys].sort();
  return out;
}
const briefs = (r: Report): Record<string, unknown>[] =>
  r.causes.map(brief).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const ofKind = (r: Report, ...kinds: string[]): Cause[] => r.causes.filter((c) => kinds.includes(c.kind));

// ------------------------------------------------------------------ corpus snippets

const LIBMNL_PATH = [TOP, "etc", "dbus-1", "system-path", "ethtool-6.11", "libmnl-1.0.5"];

// ------------------------------------------------------------------ tests

describe("the report's input fields (contract)", () => {
  it("reports lines read, unrecognised lines and truncation", () => {
    const r = report(doc(LIBMNL_HEAD.slice(0, 2), "what is this line?", LIBMNL_HEAD.slice(2), LIBMNL_19_DEFAULT, CLOSE_LIBMNL));
    expect(r.input.lines).toBe(25);
    expect(r.input.unrecognized).toBe(1);
    expect(r.input.truncated).toBe(false);
    expect(r.top?.name).toBe(TOP);
  });
});

describe("an environment change (corpus env-change: one more configureFlags entry in libmnl)", () => {
  it.each([
    ["word (default)", LIBMNL_HEAD, LIBMNL_19_DEFAULT],
    ["character", LIBMNL_HEAD, LIBMNL_19_CHAR],
    ["line", LIBMNL_HEAD, LIBMNL_19_LINE],
    ["colour", LIBMNL_HEAD_COLOUR, LIBMNL_19_COLOR],
  ])("%s mode: one env cause at libmnl with key configureFlags", (_mode, head, line19) => {
    const r = report(doc(head, line19, CLOSE_LIBMNL));
    expect(briefs(r)).toEqual([{ kind: "env", drv: "libmnl-1.0.5", keys: ["configureFlags"] }]);
    const [c] = r.causes;
    expect(c!.seenIn).toEqual(["libmnl-1.0.5"]);
    expect(c!.path).toEqual(LIBMNL_PATH);
    expect(c!.lines).toContain(19);
    expect(r.summary.skippedEnvironments).toBe(5);
    expect(r.input.unrecognized).toBe(0);
  });

  it("an env value that differs only in a store path's hash is cascade (ethtool's buildInputs, `--environment`)", () => {
    const text = doc(
      LIBMNL_HEAD,
      LIBMNL_19_DEFAULT,
      "        • The environments do not match:",
      "            buildInputs=''",
      "            ←/nix/store/grq89n4x9jfzxis5c5b0g0rm70igd6zx-libmnl-1.0.5-dev←→/nix/store/iz55s90q3bxf8yg1kw52caw9n5q41x49-libmnl-1.0.5-dev→",
      "        ''",
      CLOSE_LIBMNL.slice(1),
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "env", drv: "libmnl-1.0.5", keys: ["configureFlags"] }]);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("a coloured env value that differs only in a store path's hash is cascade; the coloured real change is the cause", () => {
    const text = doc(
      LIBMNL_HEAD_COLOUR,
      LIBMNL_19_COLOR,
      "        • The environments do not match:",
      "            buildInputs=''",
      `            ${ESC}[41m/nix/store/grq89n4x9jfzxis5c5b0g0rm70igd6zx-libmnl-1.0.5-dev${ESC}[0m${ESC}[42m/nix/store/iz55s90q3bxf8yg1kw52caw9n5q41x49-libmnl-1.0.5-dev${ESC}[0m${ESC}[1;2m ${ESC}[0m${ESC}[1;2m/nix/store/c7zb5pmc1z0z5zhxxj7injv4j1q1fgi2-libpcap-1.10.5${ESC}[0m`,
      "        ''",
      CLOSE_LIBMNL.slice(1),
    );
    const r = report(text);
    expect(r.input.coloured).toBe(true);
    expect(briefs(r)).toEqual([{ kind: "env", drv: "libmnl-1.0.5", keys: ["configureFlags"] }]);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("the same change seen again through `already compared` mentions is still one cause, reaching the top through both inputs", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `ethtool-6.11` differs",
      pairLines(2, "ethtool-6.11"),
      "  • The input derivation named `libmnl-1.0.5` differs",
      pairLines(4, "libmnl-1.0.5", "dev"),
      "    • The environments do not match:",
      "        configureFlags=--enable-static=no→ →→--disable-silent-rules→",
      "  • Skipping environment comparison",
      "• The input derivation named `iptables-1.8.10` differs",
      pairLines(2, "iptables-1.8.10", "man,out"),
      "  • Input derivations differ but have already been compared",
      "      libmnl-1.0.5",
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    for (const t of [text, text.replace("  • Input derivations differ but have already been compared\n      libmnl-1.0.5", "  • The input derivation named `libmnl-1.0.5` differs\n    • These two derivations have already been compared")]) {
      const r = report(t);
      expect(briefs(r)).toEqual([{ kind: "env", drv: "libmnl-1.0.5", keys: ["configureFlags"] }]);
      const [c] = r.causes;
      expect([...c!.via].sort()).toEqual(["ethtool-6.11", "iptables-1.8.10"]);
      expect(c!.affects).toBe(4);
      expect(c!.path).toEqual([TOP, "ethtool-6.11", "libmnl-1.0.5"]);
      expect(r.summary.alreadyComparedMentions).toBe(1);
      expect(r.summary.unresolvedMentions).toBe(0);
      expect(r.summary.ambiguousMentions).toBe(0);
      expect(r.ambiguities).toEqual([]);
    }
  });

  it("a path whose name changed in a way this pair's name set does not list is a real env change", () => {
    const text = doc(
      pairLines(0, "curl-8.11.0", "dev"),
      "• The set of input derivation names do not match:",
      "    - brotli-1.1.0",
      "    + brotli-1.1.1",
      "• The environments do not match:",
      "    buildInputs=''",
      `    ←${sp("a", "brotli-1.1.0-dev")}←→${sp("b", "brotli-1.1.1-dev")}→ ←${sp("a", "zstd-1.5.6-dev")}←→${sp("b", "zstd-1.5.7-dev")}→`,
      "''",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([
      { kind: "env", drv: "curl-8.11.0", keys: ["buildInputs"] },
      { kind: "version", drv: "curl-8.11.0", name: "brotli", from: "1.1.0", to: "1.1.1" },
    ]);
  });

  it("a value with a hash-only path change and a real extra flag is an env cause", () => {
    const text = doc(
      pairLines(0, "curl-8.11.0", "dev"),
      "• The environments do not match:",
      "    configureFlags=''",
      `    ←--with-zlib=${sp("a", "zlib-1.3.1")}←→--with-zlib=${sp("b", "zlib-1.3.1")}→→ →→--enable-http3→`,
      "''",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "env", drv: "curl-8.11.0", keys: ["configureFlags"] }]);
  });

  it("a line-mode block where one line differs only in a hash is cascade; a real line change is the cause", () => {
    const text = doc(
      pairLines(0, "system-units"),
      "• The input derivation named `unit-firewall.service` differs",
      pairLines(2, "unit-firewall.service"),
      "  • The environments do not match:",
      "      text=''",
      "        [Unit]",
      "      - Description=Firewall",
      "      + Description=Firewall (nftables)",
      "        After=network-pre.target",
      "  ''",
      "• The environments do not match:",
      "    buildCommand=''",
      "      mkdir -p $out",
      `    - ln -s ${sp("a", "unit-firewall.service")}/firewall.service $out/`,
      `    + ln -s ${sp("b", "unit-firewall.service")}/firewall.service $out/`,
      "      echo done",
      "''",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "env", drv: "unit-firewall.service", keys: ["text"] }]);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("a `--context` cut value whose paths changed as the input name set says is cascade (corpus multi-cause/context.txt)", () => {
    const text = doc(
      "- /nix/store/ikkimfi08ppr3dk6vvfpzapviabx83v1-python3-3.12.7.drv:{out}",
      "+ /nix/store/3qr9pyb40f31i4vsc8hfjji7zi7l3yai-python3-3.12.7.drv:{out}",
      "• The set of input derivation names do not match:",
      "    - sqlite-3.46.1",
      "    + sqlite-3.47.2",
      "• The environments do not match:",
      "    CPPFLAGS=''",
      "     -I/nix/store/xm45qkvrbd6ihblqr1hyjjbmm2cbzfnb-openssl-3.3.2-dev/include ←-I/nix/store/379qzqw8w38cjrs95a5sfcd36wvgndz6-sqlite-3.46.1-dev/include←→-I/nix/store/va933nf9nyardk8l14h88ia4sdcc63r7-sqlite-3.47.2-dev/include→",
      "''",
      "    buildInputs=''",
      "     /nix/store/7fl46ilr7gn3q1i0vpgsyf0572hvi08a-readline-8.2p13-dev ←/nix/store/379qzqw8w38cjrs95a5sfcd36wvgndz6-sqlite-3.46.1-dev←→/nix/store/va933nf9nyardk8l14h88ia4sdcc63r7-sqlite-3.47.2-dev→ /nix/store/11600rzrdgpxmjhfd78v8656gqbcabrf-zlib-1.3.1-dev ",
      "''",
    );
    const r = report(text);
    expect(r.input.unrecognized).toBe(0);
    expect(briefs(r)).toEqual([{ kind: "version", drv: "python3-3.12.7", name: "sqlite", from: "3.46.1", to: "3.47.2" }]);
    expect(r.summary.storePathOnly).toBe(2);
  });
});

describe("the builder", () => {
  it("a builder that differs only in its store path's hash is cascade, counted in builderChanges", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The builders do not match",
      "    - /nix/store/anqrzlii5ycgyfncmac3aklqzrmjznv9-bash-5.2p37/bin/bash",
      "    + /nix/store/x0g5l6dcf85xw0z4pyjpjms81bxi1w1x-bash-5.2p37/bin/bash",
      "• The input derivation named `bash-5.2p37` differs",
      "  - /nix/store/rcarvdnfl4davr6jcddy7z44hrg1k0s4-bash-5.2p37.drv:{out}",
      "  + /nix/store/i6d5r97jmn8ffrhqqfsm3h37pa69g8i4-bash-5.2p37.drv:{out}",
      "  • The input source named `fix-pop-var-context-error.patch` differs",
      "      ←signal.←→signal→→ →→or→→ →→by→→ →→a→→ →→trap.→",
      "  • The environments do not match:",
      "      patches=''",
      "      ←/nix/store/mf5v3vd2y8k6x6kdd4x0pmq39di2dvxa-fix-pop-var-context-error.patch←→/nix/store/zh88sfkhyajn6i7pxz6p9yl87rb19v46-fix-pop-var-context-error.patch→",
      "  ''",
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "source", drv: "bash-5.2p37", source: "fix-pop-var-context-error.patch" }]);
    expect(r.causes[0]!.path).toEqual([TOP, "bash-5.2p37"]);
    expect(r.causes[0]!.lines).toContain(9);
    expect(r.summary.builderChanges).toBe(1);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("a builder whose store path name changed exactly as the input name set says is cascade; the bump is the cause", () => {
    const text = doc(
      pairLines(0, "hello-2.12.1"),
      "• The builders do not match",
      `    - ${sp("a", "bash-5.2p37")}/bin/bash`,
      `    + ${sp("b", "bash-5.2p38")}/bin/bash`,
      "• The set of input derivation names do not match:",
      "    - bash-5.2p37",
      "    + bash-5.2p38",
      "• The environments do not match:",
      `    shell=←${sp("a", "bash-5.2p37")}/bin/bash←→${sp("b", "bash-5.2p38")}/bin/bash→`,
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "version", drv: "hello-2.12.1", name: "bash", from: "5.2p37", to: "5.2p38" }]);
    expect(r.causes[0]!.lines).toEqual(expect.arrayContaining([7, 8]));
    expect(r.summary.builderChanges).toBe(1);
  });

  it("a builder changed otherwise is a builder cause with from and to", () => {
    const text = doc(pairLines(0, "hello-2.12.1"), "• The builders do not match", `    - ${sp("a", "bash-5.2p37")}/bin/bash`, `    + ${sp("b", "busybox-1.36.1")}/bin/sh`);
    const r = report(text);
    expect(briefs(r)).toEqual([
      { kind: "builder", drv: "hello-2.12.1", from: `${sp("a", "bash-5.2p37")}/bin/bash`, to: `${sp("b", "busybox-1.36.1")}/bin/sh` },
    ]);
    expect(r.causes[0]!.lines).toEqual(expect.arrayContaining([3, 4, 5]));
    expect(r.summary.builderChanges).toBe(0);
  });

  it("a builder whose store path name changed while this pair lists no such name change is a builder cause", () => {
    const text = doc(pairLines(0, "hello-2.12.1"), "• The builders do not match", `    - ${sp("a", "bash-5.2p37")}/bin/bash`, `    + ${sp("b", "bash-5.2p38")}/bin/bash`);
    const r = report(text);
    expect(briefs(r)).toEqual([
      { kind: "builder", drv: "hello-2.12.1", from: `${sp("a", "bash-5.2p37")}/bin/bash`, to: `${sp("b", "bash-5.2p38")}/bin/bash` },
    ]);
    expect(r.summary.builderChanges).toBe(0);
  });

  it("an input removed/added under the builder's store path name belongs to the builder cause", () => {
    const text = doc(
      pairLines(0, "hello-2.12.1"),
      "• The builders do not match",
      `    - ${sp("a", "bash-5.2p37")}/bin/bash`,
      `    + ${sp("b", "busybox-1.36.1")}/bin/sh`,
      "• The set of input derivation names do not match:",
      "    - bash-5.2p37",
      "    + busybox-1.36.1",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([
      { kind: "builder", drv: "hello-2.12.1", from: `${sp("a", "bash-5.2p37")}/bin/bash`, to: `${sp("b", "busybox-1.36.1")}/bin/sh` },
    ]);
  });
});

describe("arguments", () => {
  it("arguments that differ only in a store path's hash are cascade", () => {
    const r = report(
      doc(
        pairLines(0, "hello-2.12.1"),
        "• The arguments do not match",
        "    • -e",
        `    - ${sp("a", "default-builder.sh")}`,
        `    + ${sp("b", "default-builder.sh")}`,
        "• The input source named `default-builder.sh` differs",
        "    source $stdenv/setup←←→; set -u→",
      ),
    );
    expect(briefs(r)).toEqual([{ kind: "source", drv: "hello-2.12.1", source: "default-builder.sh" }]);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("a real argument change is an args cause", () => {
    // hello's environments are equal (nix-diff prints nothing for them); the top's line after it ends hello.
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `hello-2.12.1` differs",
        pairLines(2, "hello-2.12.1"),
        "  • The arguments do not match",
        "      - -e",
        "      + -ex",
        `      • ${sp("a", "default-builder.sh")}`,
        "• Skipping environment comparison",
      ),
    );
    expect(r.input.truncated).toBe(false);
    expect(briefs(r)).toEqual([{ kind: "args", drv: "hello-2.12.1" }]);
  });
});

describe("name-set changes", () => {
  it("one version bump seen in three parents is one cause, with every parent in seenIn", () => {
    const parent = (name: string): string[] => [
      `• The input derivation named \`${name}\` differs`,
      pairLines(2, name, "dev"),
      "  • The set of input derivation names do not match:",
      "      - zstd-1.5.6",
      "      + zstd-1.5.7",
      "  • The environments do not match:",
      "      buildInputs=''",
      `      ${sp("c", "brotli-1.1.0-dev")} ←${sp("a", "zstd-1.5.6-dev")}←→${sp("b", "zstd-1.5.7-dev")}→`,
      "  ''",
    ].flat();
    const text = doc(pairLines(0, TOP), parent("curl-8.11.0"), parent("elfutils-0.191"), parent("libarchive-3.7.7"), "• Skipping environment comparison");
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "version", drv: r.causes[0]!.drv, name: "zstd", from: "1.5.6", to: "1.5.7" }]);
    const [c] = r.causes;
    expect(["curl-8.11.0", "elfutils-0.191", "libarchive-3.7.7"]).toContain(c!.drv);
    expect([...c!.seenIn].sort()).toEqual(["curl-8.11.0", "elfutils-0.191", "libarchive-3.7.7"]);
    const headings = text.split("\n").flatMap((l, i) => (l.includes("The set of input derivation names do not match:") ? [i + 1] : []));
    expect(headings).toHaveLength(3);
    for (const h of headings) expect(c!.lines).toEqual(expect.arrayContaining([h + 1, h + 2]));
    expect(c!.path[0]).toBe(TOP);
    expect(c!.path[c!.path.length - 1]).toBe(c!.drv);
    expect(r.summary.storePathOnly).toBe(3);
  });

  it("splits names the way parseDrvName does: bumps of the same package name, additions", () => {
    const text = doc(
      pairLines(0, "system-path"),
      "• The set of input derivation names do not match:",
      "    - perl5.40.0-URI-5.21",
      "    - python3.12-zipp-4.1.2",
      "    + nginx-1.26.2",
      "    + perl5.40.0-URI-5.31",
      "    + python3.12-zipp-4.1.3",
      envPaths(0, "paths", sp("a", "perl5.40.0-URI-5.21"), sp("b", "perl5.40.0-URI-5.31")),
    );
    const r = report(text);
    expect(briefs(r)).toEqual([
      { kind: "added", drv: "system-path", input: "nginx-1.26.2" },
      { kind: "version", drv: "system-path", name: "perl5.40.0-URI", from: "5.21", to: "5.31" },
      { kind: "version", drv: "system-path", name: "python3.12-zipp", from: "4.1.2", to: "4.1.3" },
    ]);
  });

  it("a name whose version starts after a dash-letter part (`nixos-system-remote-24.11…`) splits at the first dash before a non-letter", () => {
    const r = report(
      doc(
        pairLines(0, "system-profile"),
        "• The set of input derivation names do not match:",
        "    - nixos-system-remote-24.11.20250101.abcdef0",
        "    + nixos-system-remote-24.11.20250108.1234567",
        envPaths(0, "system", sp("a", "nixos-system-remote-24.11.20250101.abcdef0"), sp("b", "nixos-system-remote-24.11.20250108.1234567")),
      ),
    );
    expect(briefs(r)).toEqual([
      { kind: "version", drv: "system-profile", name: "nixos-system-remote", from: "24.11.20250101.abcdef0", to: "24.11.20250108.1234567" },
    ]);
  });
});

describe("pairs nix-diff did not look inside", () => {
  it("`The derivation names do not match` below the top: same package name is a version cause", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `hello-2.12.1` differs",
      `  - ${drv("a", "hello-2.12.1")}:{out}`,
      `  + ${drv("b", "hello-2.12.2")}:{out}`,
      "  • The derivation names do not match",
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "version", drv: r.causes[0]!.drv, name: "hello", from: "2.12.1", to: "2.12.2" }]);
  });

  it("`The derivation names do not match` below the top: another package name is a rename, with full names", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `libressl-3.9.2` differs",
      `  - ${drv("a", "libressl-3.9.2")}:{out}`,
      `  + ${drv("b", "openssl-3.3.2")}:{out}`,
      "  • The derivation names do not match",
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(r.causes.map((c) => [c.kind, c.from, c.to])).toEqual([["renamed", "libressl-3.9.2", "openssl-3.3.2"]]);
  });

  it("several same-named inputs that differ (nix-diff does not say how) are a differing input, not unexplained", () => {
    const text = doc(
      pairLines(0, "system-path"),
      "• The set of input derivations named `source` do not match",
      `    - ${drv("a1", "source")}:{out}`,
      `    - ${drv("a2", "source")}:{out}`,
      `    + ${drv("b1", "source")}:{out}`,
      `    + ${drv("b2", "source")}:{out}`,
    );
    const r = report(text);
    expect(r.input.unrecognized).toBe(0);
    expect(briefs(r)).toEqual([]);
  });
});

describe("attribution of an added or removed input", () => {
  it.each([
    ["a list of paths", `      pkgs=''\n      ${sp("c", "bash-5.2p37")} →${sp("n", "nginx-1.26.2")}→→ →${sp("v", "vim-9.1.0765")}\n  ''`],
    [
      "a JSON value replaced whole",
      `      pkgs=''\n      ←[{"paths":["${sp("c", "acl-2.3.2-bin")}"],"priority":5}]←→[{"paths":["${sp("c", "acl-2.3.2-bin")}"],"priority":5},{"paths":["${sp("n", "nginx-1.26.2")}"],"priority":5}]→\n  ''`,
    ],
  ])("env text inserting the store path of an added input (%s) belongs to the `added` cause only", (_what, envLines) => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `system-path` differs",
      pairLines(2, "system-path"),
      "  • The set of input derivation names do not match:",
      "      + nginx-1.26.2",
      "  • The environments do not match:",
      envLines,
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(r.input.unrecognized).toBe(0);
    expect(briefs(r)).toEqual([{ kind: "added", drv: "system-path", input: "nginx-1.26.2" }]);
    expect(r.causes[0]!.seenIn).toEqual(["system-path"]);
  });

  it("env text dropping the store path of a removed input belongs to the `removed` cause only", () => {
    const text = doc(
      pairLines(0, "system-path"),
      "• The set of input derivation names do not match:",
      "    - nano-8.2",
      "• The environments do not match:",
      "    pkgs=''",
      `    ${sp("c", "bash-5.2p37")} ←${sp("a", "nano-8.2")}←← ←${sp("v", "vim-9.1.0765")}`,
      "''",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "removed", drv: "system-path", input: "nano-8.2" }]);
  });
});

describe("outputs", () => {
  it.each([
    ["added", ["    + {dev}"], [`    + dev=${sp("b", "libfoo-1.0-dev")}`, "    outputs=out→ →→dev→"]],
    ["removed", ["    - {doc}"], [`    - doc=${sp("a", "libfoo-1.0-doc")}`, "    outputs=out←← ←←doc←"]],
    ["swapped", ["    - {doc}", "    + {dev}"], [`    - doc=${sp("a", "libfoo-1.0-doc")}`, `    + dev=${sp("b", "libfoo-1.0-dev")}`, "    outputs=out ←doc←→dev→"]],
  ])("a changed output set (%s) is an outputs cause; env keys named after those outputs, and `outputs`, belong to it", (_what, items, envLines) => {
    const r = report(doc(pairLines(0, "libfoo-1.0"), "• The set of outputs do not match:", items, "• The environments do not match:", envLines));
    expect(r.input.unrecognized).toBe(0);
    expect(briefs(r)).toEqual([{ kind: "outputs", drv: "libfoo-1.0" }]);
  });

  it("`The set of input derivations named x` with other requested outputs is an outputs cause of x; the `-dev` path in env is cascade", () => {
    const text = doc(
      pairLines(0, "curl-8.11.0"),
      "• The set of input derivations named `openssl-3.3.2` do not match",
      `    - ${drv("a", "openssl-3.3.2")}:{out}`,
      `    + ${drv("a", "openssl-3.3.2")}:{dev,out}`,
      "• The environments do not match:",
      "    buildInputs=''",
      `    ←${sp("a", "openssl-3.3.2")}←→${sp("b", "openssl-3.3.2-dev")}→ ${sp("c", "zlib-1.3.1-dev")}`,
      "''",
    );
    const r = report(text);
    expect(r.causes.map((c) => c.kind)).toEqual(["outputs"]);
    const [c] = r.causes;
    expect(c!.drv === "openssl-3.3.2" || c!.input === "openssl-3.3.2").toBe(true);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("`The requested outputs do not match` below the top is an outputs cause of that input", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `openssl-3.3.2` differs",
      pairLines(2, "openssl-3.3.2", "out", "", "dev,out"),
      "  • The requested outputs do not match",
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(r.causes.map((c) => c.kind)).toEqual(["outputs"]);
    const [c] = r.causes;
    expect(c!.drv === "openssl-3.3.2" || c!.input === "openssl-3.3.2").toBe(true);
  });

  it("a changed output hash algorithm is an outputs cause", () => {
    const r = report(doc(pairLines(0, "source"), "• {out}:", "•     Hash algorithm:", "        - sha256", "        + sha512"));
    expect(briefs(r)).toEqual([{ kind: "outputs", drv: "source" }]);
  });
});

describe("platform and sources", () => {
  it("a changed platform is a platform cause", () => {
    const r = report(doc(pairLines(0, "hello-2.12.1"), "• The platforms do not match", "    - x86_64-linux", "    + aarch64-linux"));
    expect(briefs(r)).toEqual([{ kind: "platform", drv: "hello-2.12.1", from: "x86_64-linux", to: "aarch64-linux" }]);
  });

  it("a changed source-name set gives a source cause per name", () => {
    const r = report(
      doc(
        pairLines(0, "hello-2.12.1"),
        "• The set of input source names do not match:",
        "    - old-fix.patch",
        "    + new-fix.patch",
        envPaths(0, "patches", sp("a", "old-fix.patch"), sp("b", "new-fix.patch")),
      ),
    );
    expect(briefs(r)).toEqual([
      { kind: "source", drv: "hello-2.12.1", source: "new-fix.patch" },
      { kind: "source", drv: "hello-2.12.1", source: "old-fix.patch" },
    ]);
  });

  it("`The input sources named x differ` is a source cause of x", () => {
    const r = report(
      doc(
        pairLines(0, "hello-2.12.1"),
        "• The input sources named `hook.sh` differ",
        `    - ${sp("a", "hook.sh")}`,
        `    + ${sp("b", "hook.sh")}`,
        envPaths(0, "setupHook", sp("a", "hook.sh"), sp("b", "hook.sh")),
      ),
    );
    expect(briefs(r)).toEqual([{ kind: "source", drv: "hello-2.12.1", source: "hook.sh" }]);
  });

  it("nix-diff 1.0.10: a source path set with one name on both sides is that source changed; its char-level env path diff is cascade", () => {
    const r = report(doc(SHADOW_V1010));
    expect(r.input.unrecognized).toBe(0);
    expect(briefs(r)).toEqual([{ kind: "source", drv: "shadow-4.16.0", source: "keep-path.patch" }]);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("nix-diff 1.0.10: a real change in the second of two env blocks is reported under its own key", () => {
    const r = report(
      doc(
        pairLines(0, "shadow-4.16.0", "man,out"),
        "• The environments do not match:",
        "    CPPFLAGS=''",
        "        -I/nix/store/←1160←→va93→0rzrdgpxmjhfd78v8656gqbcabrf-zlib-1.3.1-dev/include -I/nix/store/hmlszhjij316xmf5hix5lks5vm34ink8-bzip2-1.0.8-dev/include",
        "    ''",
        "    configureFlags=''",
        "        --enable-shared --with→out→-tcb --disable-nls --with-bcrypt --with-yescrypt --with-group-name-max-length=32",
        "    ''",
      ),
    );
    expect(r.input.unrecognized).toBe(0);
    expect(briefs(r)).toEqual([{ kind: "env", drv: "shadow-4.16.0", keys: ["configureFlags"] }]);
    expect(r.summary.storePathOnly).toBe(1);
  });

  it("nix-diff 1.0.10: `The set of input names do not match:` gives the version cause", () => {
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The input named `curl-8.11.0` differs",
        pairLines(2, "curl-8.11.0", "dev"),
        "  • The set of input names do not match:",
        "      - zstd-1.5.6",
        "      + zstd-1.5.7",
        "  • The environments do not match:",
        `      NIX_LDFLAGS=←-L${sp("a", "zstd-1.5.6")}/lib←→-L${sp("b", "zstd-1.5.7")}/lib→`,
        "• Skipping environment comparison",
      ),
    );
    expect(briefs(r)).toEqual([{ kind: "version", drv: "curl-8.11.0", name: "zstd", from: "1.5.6", to: "1.5.7" }]);
  });
});

describe("one change is one cause", () => {
  const bashLike = (name: string, tag: string): string[] => [
    `• The input derivation named \`${name}\` differs`,
    pairLines(2, name, "out", tag),
    "  • The input source named `fix-pop-var-context-error.patch` differs",
    "      ←signal.←→signal→→ →→or→→ →→by→→ →→a→→ →→trap.→",
    "  • The environments do not match:",
    "      patches=''",
    `      ←${sp("a", "fix-pop-var-context-error.patch")}←→${sp("b", "fix-pop-var-context-error.patch")}→`,
    "  ''",
  ].flat();

  it("the same patch changed in two derivations is two causes", () => {
    const r = report(doc(pairLines(0, TOP), bashLike("bash-5.2p37", ""), bashLike("bash-interactive-5.2p37", ""), "• Skipping environment comparison"));
    expect(briefs(r)).toEqual([
      { kind: "source", drv: "bash-5.2p37", source: "fix-pop-var-context-error.patch" },
      { kind: "source", drv: "bash-interactive-5.2p37", source: "fix-pop-var-context-error.patch" },
    ]);
    for (const c of r.causes) expect(c.seenIn).toEqual([c.drv]);
  });

  it("the same derivation printed twice (once per requested outputs) is one cause", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `iproute2-6.11.0` differs",
      pairLines(2, "iproute2-6.11.0"),
      "  • The input derivation named `iptables-1.8.10` differs",
      pairLines(4, "iptables-1.8.10", "dev"),
      "    • The input source named `fix.patch` differs",
      "        ←a←→b→",
      "  • Skipping environment comparison",
      "• The input derivation named `iptables-1.8.10` differs",
      pairLines(2, "iptables-1.8.10", "man,out"),
      "  • The input source named `fix.patch` differs",
      "      ←a←→b→",
      "• The input derivation named `nixos-firewall-tool` differs",
      pairLines(2, "nixos-firewall-tool"),
      "  • Input derivations differ but have already been compared",
      "      iptables-1.8.10",
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "source", drv: "iptables-1.8.10", source: "fix.patch" }]);
    expect(r.causes[0]!.seenIn).toEqual(["iptables-1.8.10"]);
    // The mention means that one derivation pair, printed twice: not ambiguous.
    expect(r.ambiguities).toEqual([]);
    expect(r.summary.ambiguousMentions).toBe(0);
    expect(r.summary.pairs).toBe(4);
    expect(r.summary.pairsPrinted).toBe(5);
  });

  it("two different derivations that share a name (`hook`) and change the same file are two causes", () => {
    const hook = (parent: string, tag: string, change: string): string[] => [
      `• The input derivation named \`${parent}\` differs`,
      pairLines(2, parent),
      "  • The input derivation named `hook` differs",
      pairLines(4, "hook", "out", tag),
      "    • The input source named `setup-hook.sh` differs",
      `        ${change}`,
      "  • Skipping environment comparison",
    ].flat();
    const r = report(doc(pairLines(0, TOP), hook("gcc-wrapper-13.3.0", "1", "←addCVars←→addCFlags→"), hook("python3-3.12.7", "2", "←export←→declare→ PYTHONPATH"), "• Skipping environment comparison"));
    const sources = ofKind(r, "source");
    expect(sources.map(brief)).toEqual([
      { kind: "source", drv: "hook", source: "setup-hook.sh" },
      { kind: "source", drv: "hook", source: "setup-hook.sh" },
    ]);
    expect(sources.map((c) => c.path[1]).sort()).toEqual(["gcc-wrapper-13.3.0", "python3-3.12.7"]);
  });
});

describe("already-compared mentions of a name several pairs share", () => {
  const text = doc(
    pairLines(0, TOP),
    "• The input derivation named `etc` differs",
    pairLines(2, "etc"),
    "  • The input derivation named `source` differs",
    pairLines(4, "source", "out", "1"),
    "    • The environments do not match:",
    "        url=←https://example.org/a-1.0.tar.gz←→https://example.org/a-1.1.tar.gz→",
    "  • Skipping environment comparison",
    "• The input derivation named `hello-2.12.1` differs",
    pairLines(2, "hello-2.12.1"),
    "  • The input derivation named `source` differs",
    pairLines(4, "source", "out", "2"),
    "    • The environments do not match:",
    "        url=←https://example.org/b-2.0.tar.gz←→https://example.org/b-2.1.tar.gz→",
    "  • Skipping environment comparison",
    "• The input derivation named `system-path` differs",
    pairLines(2, "system-path"),
    "  • Input derivations differ but have already been compared",
    "      source",
    "  • Skipping environment comparison",
    "• Skipping environment comparison",
  );

  it("records the ambiguity instead of guessing", () => {
    const r = report(text);
    expect(r.ambiguities).toEqual([{ name: "source", line: 25, candidates: [6, 15], count: 2 }]);
    expect(r.summary.ambiguousMentions).toBe(1);
    expect(r.summary.unresolvedMentions).toBe(0);
    expect(r.summary.alreadyComparedMentions).toBe(1);
  });

  it("keeps the two derivations' changes apart: two causes", () => {
    const r = report(text);
    const changes = ofKind(r, "env", "fixed-output");
    expect(changes).toHaveLength(2);
    for (const c of changes) {
      expect(c.drv).toBe("source");
      expect(c.keys).toEqual(["url"]);
    }
    expect(changes.map((c) => c.path[1]).sort()).toEqual(["etc", "hello-2.12.1"]);
  });
});

describe("already-compared mentions and later pairs of the same name", () => {
  it("links a mention only to pairs printed before it: a later same-named pair is no candidate", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `etc` differs",
      pairLines(2, "etc"),
      "  • The input derivation named `source` differs",
      pairLines(4, "source", "out", "1"),
      "    • The environments do not match:",
      "        url=←https://example.org/a-1.0.tar.gz←→https://example.org/a-1.1.tar.gz→",
      "  • Skipping environment comparison",
      "• The input derivation named `system-path` differs",
      pairLines(2, "system-path"),
      "  • Input derivations differ but have already been compared",
      "      source",
      "  • Skipping environment comparison",
      "• The input derivation named `hello-2.12.1` differs",
      pairLines(2, "hello-2.12.1"),
      "  • The input derivation named `source` differs",
      pairLines(4, "source", "out", "2"),
      "    • The environments do not match:",
      "        url=←https://example.org/b-2.0.tar.gz←→https://example.org/b-2.1.tar.gz→",
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(r.ambiguities).toEqual([]);
    expect(r.summary.ambiguousMentions).toBe(0);
    expect(r.summary.unresolvedMentions).toBe(0);
    expect(r.summary.alreadyComparedMentions).toBe(1);
  });
});

describe("unexplained", () => {
  it("a pair cut off after its path lines is not a cause: the input is said to be cut there (issue #9)", () => {
    const r = report(doc(pairLines(0, TOP), "• The input derivation named `libmnl-1.0.5` differs", pairLines(2, "libmnl-1.0.5", "dev")));
    expect(r.input.truncated).toBe(true);
    expect(r.input.truncatedReason).toContain("libmnl-1.0.5");
    expect(r.input.truncatedLine).toBe(5);
    expect(briefs(r)).toEqual([]);
  });

  it("a fragment cut inside a pair whose builder alone changed: no unexplained guess; the changed builder is the frontier (samples/forum-fragment.txt)", () => {
    const text = readFileSync(new URL("../samples/forum-fragment.txt", import.meta.url), "utf8");
    const r = report(text);
    expect(r.input.unrecognized).toBe(0);
    expect(briefs(r)).toEqual([{ kind: "version", drv: "procps-4.0.4", name: "systemd", from: "257.9", to: "257.10" }]);
    expect(r.summary.builderChanges).toBe(4);
    expect(r.input.truncated).toBe(true);
    expect(r.input.fragment).toBe(true);
    // None of the 23 mentioned names was expanded earlier in the paste.
    expect(r.summary.alreadyComparedMentions).toBe(23);
    expect(r.summary.unresolvedMentions).toBe(23);
    // bash-5.2p37 kept its name and changed its hash: the builder of every pair here.
    const bash = r.frontier[0]!;
    expect(bash.name).toBe("bash-5.2p37");
    expect(bash.builderOf).toBe(4);
    expect(bash.old).not.toBe(bash.new);
    expect(bash.howToSee).toContain("nix-store --query --deriver");
  });

  it("a pair whose environment comparison was skipped is not unexplained", () => {
    const text = doc(
      pairLines(0, TOP),
      "• The input derivation named `procps-4.0.4` differs",
      pairLines(2, "procps-4.0.4"),
      "  • The builders do not match",
      `      - ${sp("a", "bash-5.2p37")}/bin/bash`,
      `      + ${sp("b", "bash-5.2p37")}/bin/bash`,
      "  • Skipping environment comparison",
      "• Skipping environment comparison",
    );
    const r = report(text);
    expect(briefs(r)).toEqual([]);
    expect(r.summary.builderChanges).toBe(1);
    expect(r.summary.skippedEnvironments).toBe(2);
  });

  it("a pair folded by `--skip-already-compared` is not unexplained", () => {
    const text = FOLDED_IPROUTE2;
    const r = report(text);
    expect(briefs(r)).toEqual([{ kind: "env", drv: "libmnl-1.0.5", keys: ["configureFlags"] }]);
    expect(r.summary.foldedPairs).toBe(1);
  });
});

describe("one upstream bump seen under several names", () => {
  const bump = (parent: string, from: string, to: string): string[] => [
    `• The input derivation named \`${parent}\` differs`,
    ...pairLines(2, parent),
    "  • The set of input derivation names do not match:",
    `      - ${from}`,
    `      + ${to}`,
    "  • Skipping environment comparison",
  ];
  it("a kernel and its modules bumped together are one version cause", () => {
    const r = report(doc(pairLines(0, TOP), bump("boot", "linux-6.6.54", "linux-6.6.55"), bump("etc", "linux-6.6.54-modules", "linux-6.6.55-modules"), "• Skipping environment comparison"));
    expect(briefs(r)).toEqual([{ kind: "version", drv: "boot", name: "linux", from: "6.6.54", to: "6.6.55" }]);
    expect(r.causes[0]!.seenIn).toEqual(["boot", "etc"]);
  });
  it("systemd and systemd-minimal-libs with the same versions are one cause; another version is another", () => {
    const r = report(
      doc(
        pairLines(0, TOP),
        bump("procps-4.0.4", "systemd-257.9", "systemd-257.10"),
        bump("dbus-1", "systemd-minimal-libs-257.9", "systemd-minimal-libs-257.10"),
        bump("util-linux", "systemd-minimal-libs-257.9", "systemd-minimal-libs-258.1"),
        "• Skipping environment comparison",
      ),
    );
    const versions = ofKind(r, "version").map((c) => [c.name, c.from, c.to, c.variants ?? []]);
    expect(versions.sort()).toEqual([
      ["systemd", "257.9", "257.10", ["systemd-minimal-libs"]],
      ["systemd-minimal-libs", "257.9", "258.1", []],
    ]);
  });
  it("an archive's extension is not part of its version", () => {
    const r = report(doc(pairLines(0, TOP), bump("hello-2.12", "hello-2.12.tar.gz", "hello-2.13.tar.gz"), "• Skipping environment comparison"));
    expect(ofKind(r, "version").map((c) => [c.name, c.from, c.to])).toEqual([["hello", "2.12", "2.13"]]);
  });
});

describe("outputs and sources: one change, one cause", () => {
  const group = (indent: number, input: string, oldOuts: string, newOuts: string): string[] => {
    const pad = " ".repeat(indent);
    return [
      `${pad}• The set of input derivations named \`${input}\` do not match`,
      `${pad}    - ${drv("old", input)}:{${oldOuts}}`,
      `${pad}    + ${drv("old", input)}:{${newOuts}}`,
    ];
  };

  it("two parents asking for other outputs of one input are one outputs cause seen in both", () => {
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `curl-8.11.0` differs",
        pairLines(2, "curl-8.11.0"),
        ...group(2, "openssl-3.3.2", "out", "dev,out"),
        "  • Skipping environment comparison",
        "• The input derivation named `git-2.47.0` differs",
        pairLines(2, "git-2.47.0"),
        ...group(2, "openssl-3.3.2", "out", "dev,out"),
        "  • Skipping environment comparison",
        "• Skipping environment comparison",
      ),
    );
    expect(r.causes.map((c) => [c.kind, c.input, c.seenIn])).toEqual([["outputs", "openssl-3.3.2", ["curl-8.11.0", "git-2.47.0"]]]);
  });

  it("an input whose own outputs changed, and a parent asking for the new one, are one cause: the input's", () => {
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `libfoo-1.0` differs",
        pairLines(2, "libfoo-1.0"),
        "  • The set of outputs do not match:",
        "      + {dev}",
        "• The input derivation named `app-2.0` differs",
        pairLines(2, "app-2.0"),
        ...group(2, "libfoo-1.0", "out", "dev"),
        "  • Skipping environment comparison",
        "• Skipping environment comparison",
      ),
    );
    expect(r.causes.map((c) => [c.kind, c.drv, c.input])).toEqual([["outputs", "libfoo-1.0", undefined]]);
  });

  it("a patch added to a package, inserted into a structured value, is one source cause and no added input", () => {
    const patch = sp("new", "fix-crash.patch");
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `hello-2.12.1` differs",
        pairLines(2, "hello-2.12.1"),
        "  • The set of input source names do not match:",
        "      + fix-crash.patch",
        "  • The environments do not match:",
        `      patchesJSON=←[]←→["${patch}"]→`,
        "• Skipping environment comparison",
      ),
    );
    expect(r.causes.map((c) => [c.kind, c.drv, c.source])).toEqual([["source", "hello-2.12.1", "fix-crash.patch"]]);
    expect(r.summary.attributedValues).toBe(1);
  });
});

describe("names that embed a bumped package, and inputs that come with a change", () => {
  it("a kernel bump seen as linux, initrd-linux and linux-…-modules-shrunk is one cause", () => {
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The set of input derivation names do not match:",
        "    - initrd-linux-6.6.54",
        "    - linux-6.6.54",
        "    - linux-6.6.54-modules-shrunk",
        "    + initrd-linux-6.6.55",
        "    + linux-6.6.55",
        "    + linux-6.6.55-modules-shrunk",
        "• The environments do not match:",
        `    kernel=←${sp("a", "linux-6.6.54")}←→${sp("b", "linux-6.6.55")}→/bzImage`,
      ),
    );
    expect(r.causes.map((c) => [c.kind, c.name, c.from, c.to])).toEqual([["version", "linux", "6.6.54", "6.6.55"]]);
    expect(r.causes[0]!.variants).toContain("initrd-linux");
  });

  it("perl's bump carries the perl5.40.0-… packages with it: no added or removed inputs", () => {
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `foo-1.0` differs",
        pairLines(2, "foo-1.0"),
        "  • The set of input derivation names do not match:",
        "      - perl-5.40.0",
        "      - perl5.40.0-Apache-Session-1.94",
        "      + perl-5.40.1",
        "      + perl5.40.1-Apache-Session-1.94",
        "• Skipping environment comparison",
      ),
    );
    expect(r.causes.map((c) => [c.kind, c.name, c.from, c.to])).toEqual([["version", "perl", "5.40.0", "5.40.1"]]);
  });

  it("a second input of an existing name is an added input, and its path in the env is that change", () => {
    const r = report(
      doc(
        pairLines(0, "foo-1.0"),
        "• The set of input derivations named `source` do not match",
        `    + ${drv("new", "source")}:{out}`,
        "• The environments do not match:",
        `    srcs=${sp("old", "source")}→ →→${sp("new", "source")}→`,
      ),
    );
    expect(r.causes.map((c) => [c.kind, c.input])).toEqual([["added", "source"]]);
  });

  it("a key that appears with an added patch's path belongs to the patch", () => {
    const r = report(
      doc(pairLines(0, "foo-1.0"), "• The set of input source names do not match:", "    + fix.patch", "• The environments do not match:", `    + patches=${sp("new", "fix.patch")}`),
    );
    expect(r.causes.map((c) => [c.kind, c.source])).toEqual([["source", "fix.patch"]]);
  });
});

describe("values that hold a literal arrow", () => {
  const withText = (...lines: string[]): Report =>
    report(doc(pairLines(0, "foo-1.0"), "• The set of input derivation names do not match:", "    - bar-1.0", "    + bar-1.1", "• The environments do not match:", ...lines));

  it("word mode: a lone → between spaces is text, so a path-only change stays cascade", () => {
    const r = withText(`    text=echo "a → b" ←${sp("a", "bar-1.0")}/bin/bar←→${sp("b", "bar-1.1")}/bin/bar→`);
    expect(r.causes.map((c) => c.kind)).toEqual(["version"]);
  });

  it("line mode: a value line holding → is still read by its `- ` / `+ ` prefixes", () => {
    const r = withText("    text=''", `        - echo "a → b" ${sp("a", "bar-1.0")}/bin/bar`, `        + echo "a → b" ${sp("b", "bar-1.1")}/bin/bar`, "''");
    expect(r.causes.map((c) => c.kind)).toEqual(["version"]);
  });

  it("a real change next to a literal arrow is still a cause", () => {
    const r = withText(`    text=echo "a → b" ←--old←→--new→`);
    expect(r.causes.map((c) => [c.kind, c.keys])).toEqual([["version", undefined], ["env", ["text"]]]);
  });
});
