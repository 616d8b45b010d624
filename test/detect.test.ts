import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sniff, SNIFF_BYTES } from "../src/input/detect.js";

const SAMPLES = fileURLToPath(new URL("../samples/", import.meta.url));
const SHARED = "/work/shared";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const kind = (s: string | Uint8Array): string => sniff(typeof s === "string" ? bytes(s) : s).kind;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = `${dir.replace(/\/$/, "")}/${name}`;
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

const A = "ssfr95ll5ivkbckm4zw6hhbw57pbr1ci";
const B = "0sbi7kjkinka3xavsccz4ncmgq0nlnp6";
const PATHS = `- /nix/store/${A}-hello-2.12.drv:{out}\n+ /nix/store/${B}-hello-2.12.drv:{out}\n`;

describe("empty and binary input", () => {
  it("no bytes, or only whitespace, is empty", () => {
    expect(kind(new Uint8Array())).toBe("empty");
    expect(kind(" \n\t\r\n\n")).toBe("empty");
    expect(kind("\ufeff\n")).toBe("empty");
  });

  it("a NUL byte is binary, and says where", () => {
    const s = sniff(bytes(`${PATHS}\0more`));
    expect(s).toEqual({ kind: "binary", reason: `a NUL byte at offset ${bytes(PATHS).length}` });
  });

  it("a large share of control bytes is binary; colour escapes and tabs are not", () => {
    expect(kind(new Uint8Array(100).fill(0x01))).toBe("binary");
    expect(kind("abc\x02\x03\x04\x05\x06\x07\x08")).toBe("binary");
    expect(kind("\x1b[1;31m- x\x1b[0m\n\t\tvalue\r\n".repeat(20))).not.toBe("binary");
    expect(kind("\x1b[m".repeat(50) + "text")).not.toBe("binary");
  });

  it("names compressed data and UTF-16 text with what to do", () => {
    const gz = sniff(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00]));
    expect(gz.kind).toBe("binary");
    expect(gz.kind === "binary" && gz.reason).toContain("zcat");
    const utf16 = sniff(new Uint8Array([0xff, 0xfe, 0x2d, 0x00, 0x20, 0x00]));
    expect(utf16.kind === "binary" && utf16.reason).toContain("UTF-16");
  });
});

describe("nix-diff text", () => {
  it("a path line is enough", () => {
    expect(kind(PATHS)).toBe("nix-diff-text");
    expect(kind(`\x1b[1;31m- /nix/store/${A}-hello-2.12.drv:{out}\x1b[0m\n`)).toBe("nix-diff-text");
  });

  it("a known heading is enough (a fragment)", () => {
    expect(kind("• The builders do not match\n    - /bin/sh\n    + /bin/bash\n")).toBe("nix-diff-text");
    expect(kind("• The input named `foo` differs\n")).toBe("nix-diff-text");
  });

  it("an unknown bullet or a store path that is not a .drv line is not", () => {
    expect(kind("• hello world\n")).toBe("unknown");
    expect(kind(`- /nix/store/${A}-hello-2.12\n`)).toBe("unknown");
    expect(kind(`- /nix/store/${A.slice(0, 31)}-hello.drv:{out}\n`)).toBe("unknown");
  });

  it("recognises a damaged paste: quoted, fenced, prompt, bullets lost, CRLF", () => {
    expect(kind("> ```\n> • The input derivation named `x` differs\n> ```\n")).toBe("nix-diff-text");
    expect(kind("$ nix-diff a b\n```text\n* The builders do not match\n```\n")).toBe("nix-diff-text");
    expect(kind("The set of input derivation names do not match:\r\n    - a\r\n")).toBe("nix-diff-text");
  });

  it("accepts a forum post with prose and another tool's output around the diff", () => {
    const post = [
      "Comparing system derivations yields 17k lines of logs",
      "",
      "• The input derivation named `iptables-1.8.11` differs",
      `          - /nix/store/${A}-iptables-1.8.11.drv:{out}`,
      "",
      "nix store diff-closures /run/current-system ./result",
      "libarchive: 3.8.0 → 3.8.2",
      "openssl: 3.4.2 → 3.4.3, +8.0 KiB",
      "systemd: 257.9 → 257.10, +35.7 KiB",
      "tailscale: -11.6 KiB",
    ].join("\n");
    expect(kind(post)).toBe("nix-diff-text");
  });

  it("every text sample in the repository", () => {
    const files = walk(SAMPLES).filter((f) => f.endsWith(".txt") || f.includes("/upstream/"));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect({ f, kind: kind(readFileSync(f)) }).toEqual({ f, kind: "nix-diff-text" });
  });

  it("looks at the first 64 KiB only", () => {
    const padding = "x".repeat(99) + "\n";
    const late = padding.repeat(Math.ceil(SNIFF_BYTES / padding.length)) + PATHS;
    expect(kind(late)).toBe("unknown");
    expect(kind(padding.repeat(10) + PATHS)).toBe("nix-diff-text");
  });
});

describe("nix-diff JSON", () => {
  it("an object with nix-diff's keys", () => {
    expect(kind('{"tag":"DerivationDiff","outputStructure":{}}')).toBe("nix-diff-json");
    expect(kind('\n  {\n  "argumentsDiff": null, "inputsDiff": {}}')).toBe("nix-diff-json");
  });

  it("other JSON is not", () => {
    expect(kind('{"/nix/store/x.drv": {"outputs": {}}}')).toBe("unknown");
    expect(kind('[{"tag":"x"}]')).toBe("unknown");
  });

  it("every diff.json sample", () => {
    const files = walk(SAMPLES).filter((f) => f.endsWith(".json") && !f.endsWith("truth.json"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect({ f, kind: kind(readFileSync(f)) }).toEqual({ f, kind: "nix-diff-json" });
  });
});

describe("other tools' output gets a hint", () => {
  it("nix-diff-rs", () => {
    const rs = [
      `--- /nix/store/${A}-hello-2.12.drv`,
      `+++ /nix/store/${B}-hello-2.12.drv`,
      "Input derivations:",
      "  • bash-5.2p37.drv",
      "  • stdenv-linux.drv (already compared)",
      "Environment:",
      "  version:",
      "    - 2.12",
      "    + 2.13",
    ].join("\n");
    const s = sniff(bytes(rs));
    expect(s.kind).toBe("nix-diff-rs");
    expect(s.kind === "nix-diff-rs" && s.hint).toContain("haskellPackages.nix-diff");
  });

  it("older nix-diff-rs, which borrows nix-diff's wording but keeps `.drv` in names", () => {
    const rs = [
      "Outputs:",
      "  Output 'out':",
      "    Path:",
      "      - /nix/store/HASH-hello-v1",
      "      + /nix/store/HASH-hello-v2",
      "The input derivation named `dep1.drv` differs",
      "  Arguments:",
      "    Argument 0:",
      "      - echo 1",
      "      + echo 2",
    ].join("\n");
    expect(kind(rs)).toBe("nix-diff-rs");
  });

  it("nix store diff-closures", () => {
    const s = sniff(bytes("libapparmor: 4.1.1 → 4.1.2\nopenssl: 3.4.2 → 3.4.3, +8.0 KiB\nfoo: ε → ∅, -1.0 KiB\ntailscale: -11.6 KiB\n"));
    expect(s.kind).toBe("diff-closures");
    expect(s.kind === "diff-closures" && s.hint).toContain("nix-diff OLD.drv NEW.drv | drvsquash");
  });

  it("nvd and dix", () => {
    const nvd = [
      "<<< /run/current-system",
      ">>> /nix/var/nix/profiles/system-124-link",
      "Version changes:",
      "[U.]  #1  openssl  3.4.2 -> 3.4.3",
      "Closure size: 1234 -> 1240 (12 paths added, 6 paths removed, delta +6, disk usage +1.2MiB).",
    ].join("\n");
    const s = sniff(bytes(nvd));
    expect(s.kind).toBe("nvd");
    expect(s.kind === "nvd" && s.hint).toContain("nix-diff OLD.drv NEW.drv");
    const dix = "<<< /nix/var/nix/profiles/system-1-link\n>>> /run/current-system\n\nCHANGED\n[C] openssl 3.4.2 -> 3.4.3\nSIZE: 1.2 GiB -> 1.2 GiB\n";
    expect(kind(dix)).toBe("nvd");
  });

  it("a single weak mark is not enough to name a tool", () => {
    expect(kind("Environment:\nsomething else\n")).toBe("unknown");
  });
});

describe("unknown input", () => {
  it("samples the first non-empty line, sanitized and cut to 80 characters", () => {
    expect(sniff(bytes("\n\n  hello world  \nsecond"))).toEqual({ kind: "unknown", sample: "hello world", looksLike: "prose" });
    const s = sniff(bytes(`\x1b]0;owned\x07\x1b[31mred\u202e${"y".repeat(200)}\n`));
    expect(s.kind).toBe("unknown");
    const sample = s.kind === "unknown" ? s.sample : "";
    expect(Array.from(sample).length).toBeLessThanOrEqual(80);
    expect(sample.startsWith("red<U+202E>yyy")).toBe(true);
    expect(sample.endsWith("…")).toBe(true);
    expect(sample).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
  });

  it("does not cut a `<U+…>` notation in half", () => {
    const s = sniff(bytes("x".repeat(77) + "\u202e\u202e\u202e"));
    expect(s).toEqual({ kind: "unknown", sample: "x".repeat(77) + "…", looksLike: null });
  });
});

describe.skipIf(!existsSync(`${SHARED}/corpus`))("the shared corpus and goldens (outside the repository)", () => {
  it("every corpus text file and upstream's human-readable goldens are nix-diff text", () => {
    const files = [
      ...walk(`${SHARED}/corpus`).filter((f) => f.endsWith(".txt") && !f.endsWith("/lines.txt")),
      `${SHARED}/upstream-golden/human-readable`,
      `${SHARED}/upstream-golden/skip-already-compared`,
    ];
    expect(files.length).toBeGreaterThan(70);
    for (const f of files) expect({ f, kind: kind(readFileSync(f)) }).toEqual({ f, kind: "nix-diff-text" });
  });

  it("every corpus diff.json and upstream's json golden are nix-diff JSON", () => {
    const files = [...walk(`${SHARED}/corpus`).filter((f) => f.endsWith("/diff.json")), `${SHARED}/upstream-golden/json`];
    for (const f of files) expect({ f, kind: kind(readFileSync(f)) }).toEqual({ f, kind: "nix-diff-json" });
  });

  it("the seed forum thread, prose and diff-closures output included, contains nix-diff text", () => {
    expect(kind(readFileSync(`${SHARED}/seed/forum-thread.txt`))).toBe("nix-diff-text");
  });
});
