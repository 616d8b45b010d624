// nix-diff's own quirks become plain sentences, not causes (issue #9, items 5
// and 6): a pair nix-diff stopped at because its names differ, a store outside
// /nix/store (nix-diff's issue #100), the silent environment skip of early
// versions, and one package built for another platform.
import { describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/index.js";
import { parseText } from "../src/parse/parser.js";
import type { Cause, Report } from "../src/report.js";
import { doc, envPaths, hash, pairLines, sp, TOP } from "./fixtures.js";
import { runCli } from "./run.js";

const report = (text: string): Report => analyse(parseText(text), { source: "test", version: "test" });
const brief = (c: Cause): string => [c.kind, c.drv, c.name ?? "", c.from ?? "", c.to ?? "", c.input ?? "", c.source ?? ""].join("|");
const briefs = (r: Report): string[] => r.causes.map(brief).sort();

describe("The derivation names do not match", () => {
  it("at column 0 (a fragment's first pair, or nix-diff before 1.0.3): a version cause of that pair, and a note that nix-diff did not look inside", () => {
    const r = report(
      doc(
        `- /nix/store/${hash("a")}-systemd-257.9.drv:{out}`,
        `+ /nix/store/${hash("b")}-systemd-257.10.drv:{out}`,
        "• The derivation names do not match",
      ),
    );
    expect(briefs(r)).toEqual(["version|systemd-257.9|systemd|257.9|257.10||"]);
    expect(r.input.truncated).toBe(false);
    expect(r.notes.join("\n")).toContain("nix-diff did not look inside `systemd-257.9 → systemd-257.10`: it stops at two derivations whose names differ");
  });

  it("below the top: the change is the parent's input change (seen in the parent)", () => {
    const r = report(
      doc(
        pairLines(0, TOP),
        "• The input derivation named `x` differs",
        pairLines(2, "x"),
        "  • The input derivation named `systemd` differs",
        `    - /nix/store/${hash("a")}-systemd-257.9.drv:{out}`,
        `    + /nix/store/${hash("b")}-systemd-257.10.drv:{out}`,
        "    • The derivation names do not match",
        "  • Skipping environment comparison",
        "• Skipping environment comparison",
      ),
    );
    expect(briefs(r)).toEqual(["version|x|systemd|257.9|257.10||"]);
    expect(r.notes.join("\n")).toContain("nix-diff does not look inside an input whose name changed");
  });
});

describe("a store outside /nix/store: nix-diff cuts names at 44 characters of the path (its issue #100)", () => {
  // 21 characters: 11 more than /nix/store, so each printed name starts with 10 hash characters and a dash.
  const store = "/home/alice/nix/store";
  const path = (label: string, name: string): string => `${store}/${hash(`${label}|${name}`)}-${name}`;
  const printed = (label: string, name: string): string => `${path(label, name)}.drv`.slice(44, -4);
  const top = [`- ${path("old", "system-path")}.drv:{out}`, `+ ${path("new", "system-path")}.drv:{out}`];

  it("the names are recovered: an input that kept its name is not an addition and a removal, a bump is a bump", () => {
    expect(printed("old", "zlib-1.3.1")).toMatch(/^[0-9a-z]{10}-zlib-1\.3\.1$/);
    const r = report(
      doc(
        top,
        "• The set of input derivation names do not match:",
        `    - ${printed("old", "openssl-3.4.2")}`,
        `    - ${printed("old", "zlib-1.3.1")}`,
        `    + ${printed("new", "openssl-3.4.3")}`,
        `    + ${printed("new", "zlib-1.3.1")}`,
        "• The set of input source names do not match:",
        `    - ${`${path("old", "fix.patch")}`.slice(44)}`,
        `    + ${`${path("new", "fix.patch")}`.slice(44)}`,
        "• The environments do not match:",
        "    paths=''",
        `    ←${path("old", "zlib-1.3.1")}←→${path("new", "zlib-1.3.1")}→`,
        "''",
      ),
    );
    expect(briefs(r)).toEqual(["source|system-path|||||fix.patch", "version|system-path|openssl|3.4.2|3.4.3||"]);
    expect(r.causes.find((c) => c.kind === "source")!.summary).toBe("fix.patch changed");
    const notes = r.notes.join("\n");
    expect(notes).toContain(`The store is ${store}, not /nix/store: nix-diff takes a name as the path minus its first 44 characters (its issue #100)`);
    expect(notes).toContain("start with the last 10 characters of the hash and a dash");
    expect(notes).toContain("1 group of same-named inputs differ without nix-diff saying how");
    // Named, not only counted: zlib kept its name, changed, and this nix-diff never compared it.
    expect(r.frontier.map((f) => [f.name, f.seenAs])).toEqual([["zlib-1.3.1", ["name set"]]]);
    expect(r.frontier[0]!.howToSee).toContain("drvsquash OLD.drv NEW.drv");
  });

  it("the text report names the inputs nix-diff never compared, and says it is not an excerpt", async () => {
    const text = doc(
      top,
      "• The set of input derivation names do not match:",
      `    - ${printed("old", "zlib-1.3.1")}`,
      `    + ${printed("new", "zlib-1.3.1")}`,
      "• The environments do not match:",
      "    paths=''",
      `    ←${path("old", "zlib-1.3.1")}←→${path("new", "zlib-1.3.1")}→`,
      "''",
    );
    const t = await runCli(["--color", "never"], { stdin: text });
    expect(t.stdout).toContain(
      "Changed without nix-diff comparing them (1)\n  zlib-1.3.1: kept its name and changed; nix-diff never compared it (its names were garbled by the store directory)\n    to see why: drvsquash OLD.drv NEW.drv compares the two closures",
    );
    const md = await runCli(["--format", "markdown"], { stdin: text });
    expect(md.stdout).toContain("**Changed without nix-diff comparing them (1):**\n\n- `zlib-1.3.1`: kept its name and changed;");
  });

  it("a shorter store: what is lost is said, and path names stay whole", () => {
    const short = "/gnu/st"; // 7 characters: names lose their first 3
    const r = report(doc(`- ${short}/${hash("o")}-hello-2.12.drv:{out}`, `+ ${short}/${hash("n")}-hello-2.12.drv:{out}`, "• The builders do not match", `    - ${short}/${hash("b")}-bash-5.2/bin/bash`, `    + ${short}/${hash("c")}-bash-5.2/bin/bash`, envPaths(0, "PATH", `${short}/${hash("b")}-bash-5.2`, `${short}/${hash("c")}-bash-5.2`)));
    expect(r.top?.name).toBe("hello-2.12");
    expect(r.notes.join("\n")).toContain("lack their first 3 characters, which drvsquash cannot recover");
  });

  it("/nix/store: no note", () => {
    const r = report(doc(pairLines(0, "hello-2.12"), "• The builders do not match", `    - ${sp("a", "bash-5.2")}/bin/bash`, `    + ${sp("b", "bash-5.2")}/bin/bash`));
    expect(r.notes.join("\n")).not.toContain("issue #100");
  });
});

describe("nix-diff before 1.0.8 skipped environments without saying so", () => {
  // The pre-1.0.11 wording ("The input named `x` differs", "The set of input names do not match:"), no Skipping lines.
  const legacy = doc(
    pairLines(0, TOP),
    "• The input named `curl-8.11.0` differs",
    pairLines(2, "curl-8.11.0"),
    "  • The set of input names do not match:",
    "      - zstd-1.5.6",
    "      + zstd-1.5.7",
    envPaths(2, "buildInputs", sp("a", "zstd-1.5.6"), sp("b", "zstd-1.5.7")),
  );

  it("says how many pairs had their environments skipped silently, and how to see them", () => {
    const r = report(legacy);
    expect(r.input.wording).toBe("<1.0.11");
    expect(r.notes.join("\n")).toContain('prints no "Skipping environment comparison": nix-diff before 1.0.8 skipped it without a word whenever it descended into an input, and 1 pair here had its environments skipped silently; a current nix-diff with `--environment` shows them.');
  });

  it("an output that prints the Skipping lines gets no such note", () => {
    const r = report(legacy + "• Skipping environment comparison\n");
    expect(r.notes.join("\n")).not.toContain("skipped silently");
  });
});

describe("one package built for another platform is one rename", () => {
  it("`aarch64-unknown-linux-gnu-foo-1.0` removed and `foo-1.0` added: one renamed cause", () => {
    const r = report(
      doc(
        pairLines(0, "image"),
        "• The set of input derivation names do not match:",
        "    - aarch64-unknown-linux-gnu-gcc-14.2.1",
        "    - x86_64-w64-mingw32-zlib-1.3.1",
        "    + gcc-14.2.1",
        "    + nginx-1.26.2",
        "    + zlib-1.3.1",
        envPaths(0, "paths", sp("a", "aarch64-unknown-linux-gnu-gcc-14.2.1"), sp("b", "gcc-14.2.1")),
      ),
    );
    expect(briefs(r)).toEqual([
      "added|image||||nginx-1.26.2|",
      "renamed|image||aarch64-unknown-linux-gnu-gcc-14.2.1|gcc-14.2.1||",
      "renamed|image||x86_64-w64-mingw32-zlib-1.3.1|zlib-1.3.1||",
    ]);
  });

  it("a name that only starts like a CPU is not cut (`arm-none-eabi` is not a package on the other side)", () => {
    const r = report(doc(pairLines(0, "image"), "• The set of input derivation names do not match:", "    - armadillo-14.0.2", "    + none-1.0", envPaths(0, "paths", sp("a", "armadillo-14.0.2"), sp("b", "none-1.0"))));
    expect(briefs(r)).toEqual(["added|image||||none-1.0|", "removed|image||||armadillo-14.0.2|"]);
  });
});

describe("the same change shown once in the text and Markdown reports", () => {
  // One setup script, the same text change, in three bootstrap stages.
  const stage = (name: string): string[] => [
    `• The input derivation named \`${name}\` differs`,
    pairLines(2, name),
    "  • The input source named `setup-hook.sh` differs",
    "      - export NIX_CFLAGS_COMPILE=-O2",
    "      + export NIX_CFLAGS_COMPILE=-O3",
    "  • Skipping environment comparison",
  ].flat();
  const text = doc(pairLines(0, TOP), stage("bootstrap-stage1-gcc"), stage("bootstrap-stage2-gcc"), stage("bootstrap-stage3-gcc"), "• Skipping environment comparison");

  it("JSON keeps one cause per derivation; text and Markdown show one entry naming where it is seen", async () => {
    const r = report(text);
    expect(r.causes.filter((c) => c.kind === "source")).toHaveLength(3);
    const t = await runCli(["--color", "never"], { stdin: text });
    expect(t.stdout).toContain("Source changes (3)\n  bootstrap-stage1-gcc, bootstrap-stage2-gcc and bootstrap-stage3-gcc: setup-hook.sh changed");
    expect(t.stdout.match(/setup-hook\.sh changed/g)).toHaveLength(1);
    const md = await runCli(["--format", "markdown"], { stdin: text });
    const rows = md.stdout.split("\n").filter((l) => /^\| \d+ \| Source \|/.test(l));
    expect(rows).toEqual(["| 1 | Source | `setup-hook.sh changed (1 line differs)` | `bootstrap-stage1-gcc` and 2 more | 2 |"]);
    expect(md.stdout.match(/<summary>/g)).toHaveLength(1);
    expect(md.stdout).toContain("Seen in `bootstrap-stage1-gcc`, `bootstrap-stage2-gcc`, `bootstrap-stage3-gcc`.");
  });
});

describe("a fragment that starts inside a pair's environment (found by an attack on real pastes)", () => {
  it("an input's version change seen in a value of the pair above the paste is not an environment cause: its name set is not in the paste", () => {
    const r = report(
      doc(
        "• The environments do not match:",
        `    buildInputs=←${sp("a", "openssl-3.4.2-dev")}←→${sp("b", "openssl-3.4.3-dev")}→ ${sp("c", "zlib-1.3.1-dev")}`,
        "    configureFlags=--enable-x→ →→--enable-y→",
      ),
    );
    expect(r.input.fragment).toBe(true);
    expect(r.causes.map((c) => `${c.kind} ${(c.keys ?? []).join(",")}`)).toEqual(["env configureFlags"]);
  });

  it("an input source whose change is in the paste is not 'changed outside the pasted part'", () => {
    const r = report(
      doc(
        "• The input derivation named `shadow-4.16.0` differs",
        pairLines(2, "shadow-4.16.0"),
        "  • The input sources named `keep-path.patch` differ",
        `      - ${sp("a", "keep-path.patch")}`,
        `      + ${sp("b", "keep-path.patch")}`,
        "  • The environments do not match:",
        `      patches=←${sp("a", "keep-path.patch")}←→${sp("b", "keep-path.patch")}→`,
      ),
    );
    expect(r.causes.map((c) => `${c.kind} ${c.source}`)).toEqual(["source keep-path.patch"]);
    expect(r.frontier.map((f) => f.name)).not.toContain("keep-path.patch");
  });
});
