// A list of one old and one new line (a builder, a platform) is kept as a
// OneEach once its pair is done; it must read exactly as the arrays it
// replaces, and a list of any other shape must stay as it was printed.
import { describe, expect, it } from "vitest";
import { OneEach, OneEachFinding, type Finding, type OldNew } from "../src/model.js";
import { DiffParser, parseText } from "../src/parse/parser.js";
import { doc, pairLines, sp } from "./fixtures.js";

const plain = (items: OldNew): { old: unknown[]; new: unknown[] } => ({ old: [...items.old], new: [...items.new] });
const listOf = (findings: Finding[], kind: Finding["kind"]): OldNew => {
  const f = findings.find((x) => x.kind === kind);
  if (!f || !("items" in f)) throw new Error(`no ${kind} list`);
  return f.items;
};

describe("OneEach", () => {
  it("reads as one old and one new Located", () => {
    const items = new OneEach({ text: "a", line: 3 }, { text: "b", line: 4 });
    expect(plain(items)).toEqual({ old: [{ text: "a", line: 3 }], new: [{ text: "b", line: 4 }] });
    expect(items.old.length).toBe(1);
    expect(items.new[0]!.text).toBe("b");
  });

  it("gives a new list on each read: a caller cannot change what the next one reads", () => {
    const items = new OneEach({ text: "a", line: 3 }, { text: "b", line: 4 });
    (items.old as { text: string; line: number }[]).push({ text: "x", line: 9 });
    (items.old[0] as { text: string }).text = "changed";
    expect(plain(items).old).toEqual([{ text: "a", line: 3 }]);
  });
});

describe("the parser's lists once their pair is done", () => {
  const d = parseText(
    doc(
      ...pairLines(0, "hello-2.12"),
      "• The builders do not match",
      `    - ${sp("a", "bash-5.2p37")}/bin/bash`,
      `    + ${sp("b", "bash-5.2p37")}/bin/bash`,
      "• The set of input derivation names do not match:",
      "    - zstd-1.5.6",
      "    + zstd-1.5.7",
      "    + xz-5.6.3",
      "• The platforms do not match",
      "    + aarch64-linux",
    ),
  );
  const findings = d.pairs[0]!.findings;

  it("a builder of one line each is a OneEach with its texts and lines", () => {
    const items = listOf(findings, "builder");
    expect(items).toBeInstanceOf(OneEach);
    expect(plain(items)).toEqual({
      old: [{ text: `${sp("a", "bash-5.2p37")}/bin/bash`, line: 4 }],
      new: [{ text: `${sp("b", "bash-5.2p37")}/bin/bash`, line: 5 }],
    });
  });

  it("that builder's finding is one object: its own items, with its heading's kind and line", () => {
    const f = findings.find((x) => x.kind === "builder")!;
    expect(f).toBeInstanceOf(OneEachFinding);
    expect(f.kind).toBe("builder");
    expect(f.line).toBe(3);
    expect("items" in f && f.items).toBe(f);
    expect(findings.map((x) => x.kind)).toEqual(["builder", "inputNameSet", "platform"]);
  });

  it("a list of one line each whose finding carries a name stays a finding with a OneEach", () => {
    const g = parseText(
      doc(
        ...pairLines(0, "hello-2.12"),
        "• The set of input derivations named `zstd` do not match",
        `    - ${sp("a", "zstd-1.5.6")}.drv:{out}`,
        `    + ${sp("b", "zstd-1.5.6")}.drv:{bin,out}`,
        "• Skipping environment comparison",
      ),
    ).pairs[0]!.findings;
    const f = g.find((x) => x.kind === "inputGroup")!;
    expect(f).not.toBeInstanceOf(OneEachFinding);
    expect(f.incomplete).toBeUndefined();
    expect(f.kind === "inputGroup" && f.name).toBe("zstd");
    expect("items" in f && f.items).toBeInstanceOf(OneEach);
  });

  it("a list of one old and two new lines stays its arrays, in order", () => {
    const items = listOf(findings, "inputNameSet");
    expect(items).not.toBeInstanceOf(OneEach);
    expect(plain(items)).toEqual({
      old: [{ text: "zstd-1.5.6", line: 7 }],
      new: [
        { text: "zstd-1.5.7", line: 8 },
        { text: "xz-5.6.3", line: 9 },
      ],
    });
  });

  it("a list with nothing on one side stays its arrays", () => {
    const items = listOf(findings, "platform");
    expect(items).not.toBeInstanceOf(OneEach);
    expect(plain(items)).toEqual({ old: [], new: [{ text: "aarch64-linux", line: 11 }] });
  });
});

describe("lists of two or more lines a side, filled as their lines come", () => {
  const d = parseText(
    doc(
      ...pairLines(0, "hello-2.12"),
      "• The set of input derivation names do not match:",
      "    - zstd-1.5.6",
      "    + zstd-1.5.7",
      "    - xz-5.6.2",
      "    + xz-5.6.3",
      "• The set of input source names do not match:",
      "    + a.patch",
      "    - b.patch",
      "    + c.patch",
      "    + d.patch",
      "    - e.patch",
    ),
  );
  const findings = d.pairs[0]!.findings;

  it("two old and two new lines are two arrays of two, each side in input order", () => {
    const items = listOf(findings, "inputNameSet");
    expect(items).not.toBeInstanceOf(OneEach);
    expect(plain(items)).toEqual({
      old: [
        { text: "zstd-1.5.6", line: 4 },
        { text: "xz-5.6.2", line: 6 },
      ],
      new: [
        { text: "zstd-1.5.7", line: 5 },
        { text: "xz-5.6.3", line: 7 },
      ],
    });
  });

  it("interleaved sides keep each side's order, its first line included", () => {
    expect(plain(listOf(findings, "sourceNameSet"))).toEqual({
      old: [
        { text: "b.patch", line: 10 },
        { text: "e.patch", line: 13 },
      ],
      new: [
        { text: "a.patch", line: 9 },
        { text: "c.patch", line: 11 },
        { text: "d.patch", line: 12 },
      ],
    });
  });

  it("a pair's findings are in the order their headings came", () => {
    expect(findings.map((f) => f.kind)).toEqual(["inputNameSet", "sourceNameSet"]);
  });
});

describe("a pair that ends inside a list, then another pair", () => {
  // Each pair's last section is its builder (nothing after it closes the list
  // but the next pair's heading): each must keep its own lines.
  const child = (name: string, bash: string): string[] => [
    `• The input derivation named \`${name}\` differs`,
    ...pairLines(2, name),
    "  • The builders do not match",
    `      - ${sp("a", bash)}/bin/bash`,
    `      + ${sp("b", bash)}/bin/bash`,
    "  • The platforms do not match",
    "      - x86_64-linux",
    `      + aarch64-${name}`,
    `      + riscv64-${name}`,
  ];
  const d = parseText(doc(...pairLines(0, "top-1"), ...child("one-1", "bash-5.1"), ...child("two-2", "bash-5.2"), ...child("three-3", "bash-5.3")));

  it("each keeps its own lists", () => {
    expect(d.pairs.map((p) => [p.name, p.depth])).toEqual([["top-1", 0], ["one-1", 1], ["two-2", 1], ["three-3", 1]]);
    const byName = new Map(d.pairs.map((p) => [p.name, p.findings]));
    for (const [name, bash] of [["one-1", "bash-5.1"], ["two-2", "bash-5.2"], ["three-3", "bash-5.3"]] as const) {
      const findings = byName.get(name)!;
      expect(plain(listOf(findings, "builder")).old.map((l) => (l as { text: string }).text)).toEqual([`${sp("a", bash)}/bin/bash`]);
      expect(plain(listOf(findings, "platform")).new.map((l) => (l as { text: string }).text)).toEqual([`aarch64-${name}`, `riscv64-${name}`]);
    }
  });

  it("a list a pair ended inside is its finished form, not the section that filled it", () => {
    for (const p of d.pairs) for (const f of p.findings) if ("items" in f) expect(f.items.constructor.name).toMatch(/^(OneEach|OneEachFinding|Object)$/);
  });
});

describe("a list read while it is still being filled", () => {
  it("gives what it has so far, and later lines do not show up in what was read", () => {
    const p = new DiffParser({});
    const seen: unknown[][] = [];
    // Read the name set through the open pair's findings after each of its lines.
    const lines = doc(
      ...pairLines(0, "hello-2.12"),
      "• The set of input derivation names do not match:",
      "    - zstd-1.5.6",
      "    + zstd-1.5.7",
      "    + xz-5.6.3",
      "    + lz4-1.10.0",
    ).split("\n");
    for (const l of lines) {
      p.push(l);
      const f = (p as unknown as { pairs: { findings: Finding[] }[] }).pairs[0]?.findings.find((x) => x.kind === "inputNameSet");
      if (f && "items" in f) seen.push([...f.items.new].map((x) => x.text));
      if (f && "items" in f && f.items.new.length === 2) (f.items.new as unknown[]).push("kept by a reader");
    }
    const states = seen.filter((x, i) => i === 0 || JSON.stringify(x) !== JSON.stringify(seen[i - 1]));
    expect(states).toEqual([[], ["zstd-1.5.7"], ["zstd-1.5.7", "xz-5.6.3"], ["zstd-1.5.7", "xz-5.6.3", "lz4-1.10.0"]]);
    expect(listOf(p.end().pairs[0]!.findings, "inputNameSet").new.map((x) => x.text)).toEqual(["zstd-1.5.7", "xz-5.6.3", "lz4-1.10.0"]);
  });
});
