import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IndentRepair, looksCutAtWidth, PasteRepair } from "../src/input/paste.js";

const SAMPLES = fileURLToPath(new URL("../samples/", import.meta.url));
const CORPUS = "/work/shared/corpus";

/** Every nix-diff text file under a folder: `*.txt` (but the corpus's `lines.txt` statistics) and upstream's extensionless goldens. */
function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = `${dir.replace(/\/$/, "")}/${name}`;
    if (statSync(path).isDirectory()) out.push(...textFiles(path));
    else if ((name.endsWith(".txt") && name !== "lines.txt") || path.includes("/upstream/")) out.push(path);
  }
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Run lines through a fresh PasteRepair; dropped lines are left out. */
function repairAll(lines: string[]): { out: string[]; repair: PasteRepair } {
  const repair = new PasteRepair();
  const out: string[] = [];
  for (const line of lines) {
    const r = repair.push(line);
    if (r !== null) out.push(r);
  }
  return { out, repair };
}

function expectPassThrough(files: string[]): void {
  let lines = 0;
  for (const file of files) {
    const repair = new PasteRepair();
    for (const line of splitLines(readFileSync(file, "utf8"))) {
      lines++;
      const r = repair.push(line);
      if (r !== line) expect({ file, line, got: r }).toEqual({ file, line, got: line });
    }
    expect({ file, repairs: repair.repairs, dropped: repair.dropped }).toEqual({ file, repairs: 0, dropped: 0 });
  }
  expect(lines).toBeGreaterThan(1000);
}

const FRAGMENT = splitLines(readFileSync(`${SAMPLES}forum-fragment.txt`, "utf8"));
const HASH_A = "ssfr95ll5ivkbckm4zw6hhbw57pbr1ci";
const HASH_B = "0sbi7kjkinka3xavsccz4ncmgq0nlnp6";

describe("clean nix-diff text passes through byte-identical", () => {
  it("every line of samples/ (coloured, every mode, fragments)", () => {
    const files = textFiles(SAMPLES);
    expect(files.some((f) => f.endsWith("color.txt"))).toBe(true);
    expect(files.some((f) => f.endsWith("/upstream/human-readable"))).toBe(true);
    expectPassThrough(files);
  });

  describe.skipIf(!existsSync(CORPUS))("the shared corpus (outside the repository)", () => {
    it("every line of every scenario and mode", () => {
      expectPassThrough(textFiles(CORPUS));
    });
  });

  it("value lines that look like decoration, once the diff has begun", () => {
    const lines = [
      `- /nix/store/${HASH_A}-hello.drv:{out}`,
      `+ /nix/store/${HASH_B}-hello.drv:{out}`,
      "• The environments do not match:",
      "    - script=echo hi",
      "$ nix-diff a b",
      "# nix-diff is run here",
      "> quoted text",
      "```",
      "~~~",
      "\tindented with a tab",
      "* The builders do not match",
      "- Skipping environment comparison",
      "The arguments do not match",
      "    buildPhase=''",
      "        ```text",
      "        > not a quote",
      "        - Skipping environment comparison",
      "''",
    ];
    const { out, repair } = repairAll(lines);
    expect(out).toEqual(lines);
    expect(repair.repairs).toBe(0);
    expect(repair.dropped).toBe(0);
  });
});

describe("line ends and byte-order mark", () => {
  it("strips a trailing CR", () => {
    const { out, repair } = repairAll(["• The builders do not match\r", "    - /bin/sh\r", ""]);
    expect(out).toEqual(["• The builders do not match", "    - /bin/sh", ""]);
    expect(repair.repairs).toBe(2);
    expect(repair.byKind.crlf).toBe(2);
  });

  it("strips a byte-order mark from the first line only", () => {
    const { out } = repairAll(["\ufeff• The builders do not match", "\ufeffx"]);
    expect(out).toEqual(["• The builders do not match", "\ufeffx"]);
  });
});

describe("quote prefixes", () => {
  it("strips `> ` when the diff itself is quoted", () => {
    const { out, repair } = repairAll(FRAGMENT.map((l) => (l === "" ? ">" : `> ${l}`)));
    expect(out).toEqual(FRAGMENT);
    expect(repair.byKind.quote).toBe(FRAGMENT.length);
  });

  it("strips nested `> > ` and `>>` quotes", () => {
    const lines = FRAGMENT.slice(0, 6);
    expect(repairAll(lines.map((l) => `> > ${l}`)).out).toEqual(lines);
    expect(repairAll(lines.map((l) => `>> ${l}`)).out).toEqual(lines);
  });

  it("learns a deeper quote from the lines before the diff (a reply quoting a quote)", () => {
    const lines = FRAGMENT.slice(0, 6);
    const { out } = repairAll(["> Alice wrote:", ">", ...lines.map((l) => `> > ${l}`)]);
    expect(out).toEqual(["Alice wrote:", "", ...lines]);
  });

  it("strips a bare `>` (e-mail style) without eating the indentation", () => {
    const lines = FRAGMENT.slice(0, 6);
    expect(repairAll(lines.map((l) => `>${l}`)).out).toEqual(lines);
  });

  it("keeps a lazy continuation line that has no prefix", () => {
    const { out } = repairAll(["> • The builders do not match", "    - /bin/sh", ">     + /bin/bash"]);
    expect(out).toEqual(["• The builders do not match", "    - /bin/sh", "    + /bin/bash"]);
  });

  it("stops stripping when the quote was prose and the diff is not quoted", () => {
    const lines = [
      "> Can you post the diff?",
      "",
      `- /nix/store/${HASH_A}-hello.drv:{out}`,
      `+ /nix/store/${HASH_B}-hello.drv:{out}`,
      "• The environments do not match:",
      "    - motd=hello",
      "> a value line",
    ];
    const { out } = repairAll(lines);
    expect(out[0]).toBe("Can you post the diff?");
    expect(out.slice(1)).toEqual(lines.slice(1));
  });

  it("never starts quoting once the diff has begun", () => {
    const lines = [`- /nix/store/${HASH_A}-hello.drv:{out}`, "> not a quote"];
    expect(repairAll(lines).out).toEqual(lines);
  });
});

describe("Markdown code fences", () => {
  it("drops the fences around a pasted diff (```text, ~~~)", () => {
    for (const [open, close] of [
      ["```text", "```"],
      ["```", "```"],
      ["~~~", "~~~"],
      ["````", "````"],
    ] as const) {
      const { out, repair } = repairAll(["Here is my diff:", "", open, ...FRAGMENT, close, "", "Any idea?"]);
      expect(out).toEqual(["Here is my diff:", "", ...FRAGMENT, "", "Any idea?"]);
      expect(repair.dropped).toBe(2);
      expect(repair.byKind.fence).toBe(2);
    }
  });

  it("closes only on the opener's character and at least its length", () => {
    const { out } = repairAll(["````", "• The builders do not match", "```", "~~~", "````"]);
    expect(out).toEqual(["• The builders do not match", "```", "~~~"]);
  });

  it("drops the fences of a second code block in the same paste", () => {
    const { out, repair } = repairAll(["```", FRAGMENT[0]!, FRAGMENT[1]!, "```", "and later", "```", FRAGMENT[2]!, "```"]);
    expect(out).toEqual([FRAGMENT[0], FRAGMENT[1], "and later", FRAGMENT[2]]);
    expect(repair.dropped).toBe(4);
  });

  it("repairs the forum paste as posted in Markdown: prompt, fence and quote", () => {
    const posted = [
      "> ```console",
      "> $ nix-diff /nix/store/old.drv /nix/store/new.drv",
      ...FRAGMENT.map((l) => `> ${l}`),
      "> ```",
    ];
    const { out, repair } = repairAll(posted);
    expect(out).toEqual(FRAGMENT);
    expect(repair.dropped).toBe(3);
    expect(repair.byKind.prompt).toBe(1);
  });
});

describe("shell prompt lines before the output", () => {
  const prompts = [
    "$ nix-diff a b",
    "# nix-diff /nix/store/a.drv /nix/store/b.drv",
    "% nix-diff a b",
    "❯ nix-diff a b",
    "user@host:~$ nix-diff a b",
    "root@nixos:/etc/nixos# nix-diff a b",
    "[user@nixos:~]$ nix-diff $(nix-store -qd /run/current-system) result",
    "$ nix-diff a b | head",
  ];
  for (const prompt of prompts) {
    it(`drops \`${prompt}\``, () => {
      const { out, repair } = repairAll([prompt, ...FRAGMENT.slice(0, 3)]);
      expect(out).toEqual(FRAGMENT.slice(0, 3));
      expect(repair.dropped).toBe(1);
    });
  }

  it("keeps a Markdown heading and prose that only look like prompts", () => {
    const lines = ["# My system rebuild", "% of lines changed", "$5 is cheap", FRAGMENT[0]!];
    expect(repairAll(lines).out).toEqual(lines);
  });
});

describe("Unicode spaces and tabs in the indentation", () => {
  it("turns non-breaking spaces in the indentation into spaces", () => {
    const pasted = FRAGMENT.map((l) => l.replace(/^ +/, (m) => "\u00a0".repeat(m.length)));
    const { out, repair } = repairAll(pasted);
    expect(out).toEqual(FRAGMENT);
    expect(repair.byKind.unicodeSpace).toBeGreaterThan(10);
  });

  it("repairs a Unicode space between the bullet and the text, but not inside the text", () => {
    const { out } = repairAll(["\u2007\u2007•\u00a0The input derivation named `a\u00a0b` differs"]);
    expect(out).toEqual(["  • The input derivation named `a\u00a0b` differs"]);
  });

  it("expands tabs (tab stop 8) when the diff is indented with tabs", () => {
    const lines = [
      "• The input derivation named `x` differs",
      `\t  - /nix/store/${HASH_A}-x.drv:{out}`,
      `\t  + /nix/store/${HASH_B}-x.drv:{out}`,
      "\t  • The builders do not match",
      "\t\t  - /bin/sh",
    ];
    const { out, repair } = repairAll(lines);
    expect(out).toEqual([
      "• The input derivation named `x` differs",
      `          - /nix/store/${HASH_A}-x.drv:{out}`,
      `          + /nix/store/${HASH_B}-x.drv:{out}`,
      "          • The builders do not match",
      "                  - /bin/sh",
    ]);
    expect(repair.byKind.tab).toBe(4);
  });

  it("leaves tabs alone when the diff is indented with spaces", () => {
    const lines = [
      "• The environments do not match:",
      "    - script=case x in",
      "\tfoo) ;;",
      "    + script=case y in",
      "\t\tbar) ;;",
    ];
    expect(repairAll(lines).out).toEqual(lines);
  });
});

describe("lost or replaced bullets", () => {
  it("puts the bullet back for `*`, `-`, `·`, nothing, and the mojibake `â€¢`", () => {
    const cases: Array<[string, string]> = [
      ["* The input derivation named `x` differs", "• The input derivation named `x` differs"],
      ["  - Skipping environment comparison", "  • Skipping environment comparison"],
      ["  · The builders do not match", "  • The builders do not match"],
      ["    The set of input derivation names do not match:", "    • The set of input derivation names do not match:"],
      ["â€¢ These two derivations have already been compared", "• These two derivations have already been compared"],
      ["•The platforms do not match", "• The platforms do not match"],
    ];
    for (const [pasted, repaired] of cases) {
      const { out, repair } = repairAll([pasted]);
      expect(out).toEqual([repaired]);
      expect(repair.byKind.bullet).toBe(1);
    }
  });

  it("repairs a whole bullet-less paste the parser could not read", () => {
    const pasted = FRAGMENT.map((l) => l.replace("• ", ""));
    const { out, repair } = repairAll(pasted);
    // Every heading gets its bullet back; path lines and list items are untouched.
    expect(out).toEqual(FRAGMENT);
    expect(repair.byKind.bullet).toBe(FRAGMENT.filter((l) => l.includes("• ")).length);
  });

  it("never rewrites a path line or a list item", () => {
    const lines = [
      "* The input derivation named `procps-4.0.4` differs",
      `  - /nix/store/${HASH_A}-procps-4.0.4.drv:{out}`,
      `  + /nix/store/${HASH_B}-procps-4.0.4.drv:{out}`,
      "  * The set of input derivation names do not match:",
      "      - systemd-257.9",
      "      + systemd-257.10",
      "      - The platforms",
      "  # The builders do not match",
    ];
    const { out } = repairAll(lines);
    expect(out[0]).toBe("• The input derivation named `procps-4.0.4` differs");
    expect(out[3]).toBe("  • The set of input derivation names do not match:");
    expect([out[1], out[2], out[4], out[5], out[6], out[7]]).toEqual([lines[1], lines[2], lines[4], lines[5], lines[6], lines[7]]);
  });

  it("trims trailing whitespace that keeps a heading from being recognised", () => {
    const { out, repair } = repairAll(["• The builders do not match  ", "    - /bin/sh  "]);
    expect(out).toEqual(["• The builders do not match", "    - /bin/sh  "]);
    expect(repair.byKind.trailingSpace).toBe(1);
  });

  it("keeps a consistent extra indentation (the parser accepts any base column)", () => {
    const lines = FRAGMENT.slice(0, 8).map((l) => `    ${l}`);
    const { out, repair } = repairAll(lines);
    expect(out).toEqual(lines);
    expect(repair.repairs).toBe(0);
  });
});

describe("looksCutAtWidth", () => {
  function histogram(lines: string[], cut?: number): Map<number, number> {
    const h = new Map<number, number>();
    for (const l of lines) {
      const n = cut === undefined ? l.length : Math.min(l.length, cut);
      h.set(n, (h.get(n) ?? 0) + 1);
    }
    return h;
  }
  const files = textFiles(SAMPLES).filter((f) => f.endsWith("default.txt") || f.endsWith("forum-fragment.txt") || f.includes("/upstream/"));

  it("says no for the samples as they are", () => {
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) expect({ f, w: looksCutAtWidth(histogram(splitLines(readFileSync(f, "utf8")))) }).toEqual({ f, w: null });
  });

  it("finds the width of a `cut -c1-W`", () => {
    const lines = splitLines(readFileSync(`${SAMPLES}seed-tailscale/default.txt`, "utf8"));
    expect(looksCutAtWidth(histogram(lines, 80))).toBe(80);
    expect(looksCutAtWidth(histogram(lines, 60))).toBe(60);
  });

  it("ignores widths under 40 and a longest length held by few lines", () => {
    expect(looksCutAtWidth(new Map([[30, 500], [10, 3]]))).toBeNull();
    expect(looksCutAtWidth(new Map([[120, 4], [60, 100]]))).toBeNull();
    expect(looksCutAtWidth(new Map([[120, 15], [115, 100], [60, 100]]))).toBeNull();
    // seed-tailscale/default.txt through `cut -c1-100`: 81 lines at 100, 309 in the ten lengths below (2.6x their average).
    expect(looksCutAtWidth(new Map([[100, 81], [99, 40], [97, 60], [95, 80], [92, 129], [60, 900]]))).toBe(100);
    expect(looksCutAtWidth(new Map([[120, 40], [115, 10], [60, 100]]))).toBe(120);
    expect(looksCutAtWidth(new Map())).toBeNull();
  });
});

describe("IndentRepair", () => {
  function relayout(lines: string[]): { out: (string | null)[]; emittedBeforeEnd: number } {
    const out: (string | null)[] = [];
    const indent = new IndentRepair<number>((l) => out.push(l));
    for (const l of lines) indent.push(l, 0);
    const emittedBeforeEnd = out.length;
    indent.end();
    return { out, emittedBeforeEnd };
  }

  it("learns a doubled indentation from the first heading with a deeper line, and scales every line back", () => {
    const lines = [`- /nix/store/${HASH_A}-x.drv:{out}`, `+ /nix/store/${HASH_B}-x.drv:{out}`, "• The builders do not match", "        - /bin/sh", "        + /bin/bash"];
    expect(relayout(lines).out).toEqual([lines[0], lines[1], lines[2], "    - /bin/sh", "    + /bin/bash"]);
  });

  it("does not learn from a first heading (a forum may have moved it to column 0)", () => {
    const lines = ["• The input derivation named `x` differs", `    - /nix/store/${HASH_A}-x.drv:{out}`, `    + /nix/store/${HASH_B}-x.drv:{out}`, "    • The builders do not match", "        - /bin/sh"];
    expect(relayout(lines).out).toEqual(lines);
  });

  it("holds back a bounded number of lines while the indentation is unknown", () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `  text ${i}`);
    const { out, emittedBeforeEnd } = relayout(lines);
    expect(out).toEqual(lines);
    expect(emittedBeforeEnd).toBeGreaterThan(1000 - 300);
  });

  it("keeps dropped lines (null) in their place", () => {
    const lines = ["x", null, `- /nix/store/${HASH_A}-x.drv:{out}`, null, "• The builders do not match", "  - /bin/sh"];
    const out: (string | null)[] = [];
    const indent = new IndentRepair<number>((l) => out.push(l));
    for (const l of lines) indent.push(l, 0);
    indent.end();
    expect(out).toEqual(["x", null, lines[2], null, "• The builders do not match", "    - /bin/sh"]);
  });
});
