// Issue 12, "hostile input, second round": one `describe` per point. Nothing
// here times anything: a test that guards a quadratic path runs the input at
// a size where the quadratic path would take hours (and the linear one well
// under a second), or counts the work or the output it produced.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { generateTo } from "../bench/generate.mjs";
import { safeText } from "../src/render/sanitize.js";
import type { Report } from "../src/report.js";
import { internalErrorMessage } from "../src/cli.js";
import { MAX_JSON_DEPTH } from "../src/parse/jsonToText.js";
import { above, MAX_LINKS, type PairGraph } from "../src/analyse/graph.js";
import { MAX_VIA, reach } from "../src/analyse/reach.js";
import { MAX_SPLITS, rebuild } from "../src/values/textDiff.js";
import MarkdownIt from "markdown-it";
import { backMentions, crOnly, deepJson, INVISIBLE, LIVE_MARKDOWN, longStoreDir, manyBumps, plusRun, sharedName } from "./generators.js";
import { runCli, runStream, samples } from "./run.js";
import { graphOf } from "./graphKit.js";

const dir = fileURLToPath(samples);
const read = (f: string): string => readFileSync(join(dir, f), "utf8");
const ENV = read("env-change/default.txt");

async function json(stdin: string | Buffer, extra: string[] = []): Promise<Report> {
  const r = await runCli(["--format", "json", ...extra], { stdin });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe("5. safeText is linear in its input", () => {
  it("a name of 2 million U+009D (8-bit OSC introducers, none terminated) is shown, not rescanned from each", { timeout: 60_000 }, () => {
    const s = "\x9d".repeat(2_000_000);
    const out = safeText(s);
    expect(out).toBe("<U+009D>".repeat(2_000_000));
  });

  it("so are 1 million unterminated ESC ] and ESC P, and 8-bit introducers each before an ESC that ends nothing", () => {
    expect(safeText("\x1b]".repeat(500_000) + "x")).toBe("␛]".repeat(500_000) + "x");
    expect(safeText("\x90\x1bZ".repeat(300_000))).toBe("<U+0090>".repeat(300_000));
  });

  it("terminated sequences are still removed", () => {
    expect(safeText("a\x9d0;t\x9cb\x1b]0;t\x07c\x1bP1\x1b\\d\x9b31me")).toBe("abcde");
  });
});

describe("14. zero-width characters and an unterminated ESC ]", () => {
  it("every zero-width and tag character is made visible by safeText", () => {
    for (const ch of INVISIBLE.slice(0, 7)) {
      const out = safeText(`a${ch}b`);
      expect(out).toBe(`a<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>b`);
    }
  });

  it("an unterminated ESC ] keeps the rest of its line, shown", () => {
    expect(safeText("ok\x1b]52;c;aGVsbG8= rest")).toBe("ok␛]52;c;aGVsbG8= rest");
  });

  it("in every format: a name holding them shows them, JSON escapes them", async () => {
    const hidden = INVISIBLE.slice(0, 7).join("");
    const text = ENV.replaceAll("libmnl-1.0.5", `lib${hidden}mnl-1.0.5`);
    for (const argv of [["--color", "never"], ["--format", "markdown"], ["--tree"], ["--why", "ethtool"], ["--format", "markdown", "--tree"]]) {
      const r = await runCli(argv, { stdin: text });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/[\u200b-\u200d\u2060\ufeff]|\udb40[\udc00-\udc7f]/);
      if (!argv.includes("--why")) expect(r.stdout).toContain("lib<U+200B><U+200C><U+200D><U+2060><U+FEFF><U+E0041><U+E007F>mnl");
    }
    const j = await runCli(["--format", "json"], { stdin: text });
    expect(j.stdout).not.toMatch(/[\u200b-\u200d\u2060\ufeff]|\udb40[\udc00-\udc7f]/);
    expect((JSON.parse(j.stdout) as Report).causes[0]!.drv).toBe(`lib${hidden}mnl-1.0.5`);
  });

  it("the parser does not let an unterminated ESC ] swallow the rest of an input line", async () => {
    const text = ENV.replace("configureFlags=", "configureFlags=\x1b]0;x ");
    const r = await json(text);
    expect(r.causes[0]!.summary).toContain("--disable-silent-rules");
  });
});

/** Raw terminal controls: ESC, other C0 but tab and newline, DEL, C1. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe("3. a 32k-character store directory; every message sanitised", () => {
  it("a store directory of 40,000 characters (with escapes) is read and reported, not an internal error", async () => {
    for (const fill of ["a", ".", "+"]) {
      const r = await runCli(["--format", "json"], { stdin: longStoreDir(40_000, fill) });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.causes.map((c) => c.summary)).toEqual(["k: x → y"]);
    }
    const t = await runCli(["--color", "never"], { stdin: longStoreDir(40_000) });
    expect(t.code).toBe(0);
    expect(t.stdout).not.toMatch(RAW_CONTROL);
  });

  it("yargs' option errors echo the bad option or value inertly", async () => {
    for (const argv of [["--bad\x1bc\x9d0;t\x07x"], ["--format", "x\x1b]0;t\x07"], ["--color", "\u202e"]]) {
      const r = await runCli(argv, { stdin: ENV });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^drvsquash: /);
      expect(r.stderr).not.toMatch(RAW_CONTROL);
      expect(r.stderr).not.toContain("\u202e");
    }
  });

  it("an internal error's message is sanitised and cut to a bounded length", () => {
    const msg = internalErrorMessage(new Error(`Invalid regular expression: /${"\x1bc\x9d0;t\x07".repeat(10_000)}/`));
    expect(msg).not.toMatch(RAW_CONTROL);
    expect(msg.length).toBeLessThan(1000);
    expect(msg).toMatch(/^drvsquash: internal error: Invalid regular expression: .*… \(please report it, with the input\)\n$/);
  });
});

describe("15. stdout closed", () => {
  const repo = fileURLToPath(new URL("..", import.meta.url));
  const sh = (script: string): { status: number | null; stderr: string } => {
    const r = spawnSync("bash", ["-c", script], { cwd: repo, encoding: "utf8", timeout: 30_000 });
    return { status: r.status, stderr: r.stderr };
  };

  it("`>&-`: exit 2 and a message on stderr, not a lost report and exit 0", { timeout: 30_000 }, () => {
    for (const args of ["samples/env-change/default.txt", "--format json samples/env-change/default.txt", "--tree samples/env-change/default.txt"]) {
      const r = sh(`node bin/drvsquash.js ${args} >&-`);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe("drvsquash: stdout is closed, so the report has nowhere to go (redirect it to a file, or to /dev/null to discard it)\n");
    }
  });

  it("`>/dev/null`, and `--exit-code` with stdout closed, still run (the exit code is the answer)", { timeout: 30_000 }, () => {
    expect(sh("node bin/drvsquash.js samples/env-change/default.txt >/dev/null")).toEqual({ status: 0, stderr: "" });
    expect(sh("node bin/drvsquash.js --exit-code samples/env-change/default.txt >&-")).toEqual({ status: 1, stderr: "" });
  });
});

describe("12. lone CR line ends", () => {
  const causesOf = (r: Report): string[] => r.causes.map((c) => `${c.kind} ${c.drv} ${c.summary}`);

  it("a CR-only file is read like the LF one, not refused as not nix-diff", async () => {
    const clean = await json(ENV);
    const r = await json(crOnly(ENV));
    expect(causesOf(r)).toEqual(causesOf(clean));
    expect(r.input.lines).toBe(clean.input.lines);
    expect(r.input.unrecognized).toBe(0);
  });

  it("mixed CRLF, LF and CR ends, and a CRLF split across chunks", async () => {
    const clean = await json(ENV);
    const ends = ["\r\n", "\n", "\r"];
    const mixed = ENV.replace(/\n$/, "").split("\n").map((l, i) => l + ends[i % 3]).join("");
    const r = await json(mixed);
    expect(causesOf(r)).toEqual(causesOf(clean));
    expect(r.input.lines).toBe(clean.input.lines);
    expect(r.input.unrecognized).toBe(0);
    // One byte per chunk: every CR arrives before the byte that says whether it is a CRLF.
    const bytes = Buffer.from(mixed);
    const s = await runStream(["--format", "json"], Readable.from((function* () { for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1); })()));
    expect(s.code).toBe(0);
    const byByte = JSON.parse(s.stdout) as Report;
    expect(causesOf(byByte)).toEqual(causesOf(clean));
    expect(byByte.input.lines).toBe(clean.input.lines);
  });
});

describe("9. nix-diff --json nested 100k deep", () => {
  it("is refused in one line naming the depth limit, before its quadratic text is built", { timeout: 60_000 }, async () => {
    const r = await runCli([], { stdin: deepJson(100_000) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `drvsquash: the nix-diff --json input nests derivation pairs more than ${MAX_JSON_DEPTH.toLocaleString("en-US")} deep, drvsquash's limit (a real derivation graph is a few hundred deep)\n`,
    );
  });

  it("up to the limit it is read, down to the change at the bottom", async () => {
    const r = await json(deepJson(MAX_JSON_DEPTH - 1));
    expect(r.input.json).toBe(true);
    expect(r.causes.map((c) => `${c.kind} ${c.drv}`)).toEqual([`env d${MAX_JSON_DEPTH - 1}`]);
  });
});

describe("7. line-mode readings of `- + + + …`", () => {
  it("a value of 30k `+ ` gives at most MAX_SPLITS + 1 readings, and one of 300k is reported", { timeout: 60_000 }, async () => {
    const line = "- " + "+ ".repeat(30_000) + "a";
    expect(rebuild(line).length).toBeLessThanOrEqual(MAX_SPLITS + 1);
    const r = await json(plusRun(300_000));
    expect(r.causes).toHaveLength(1);
  });

  it("the split that makes both sides equally long is still among them", () => {
    const half = "+ x ".repeat(50);
    const line = `- ${half}+ ${half}`;
    const readings = rebuild(line);
    expect(readings.some((x) => x.old === x.new)).toBe(true);
  });
});

/** A PairGraph for reach(): the top (0) with inputs 1…k, each mentioning `m` earlier ones. */
function mentionGraph(k: number, m: number): PairGraph {
  const n = k + 1;
  const out: number[][] = Array.from({ length: n }, () => []);
  const link = (a: number, b: number): void => {
    out[a]!.push(b);
  };
  for (let i = 1; i <= k; i++) link(0, i);
  for (let i = 2; i <= k; i++) for (let j = 1; j <= m; j++) link(i, 1 + ((i * 7919 + j * 104729) % (i - 1)));
  return graphOf(n, out);
}

/** Distinct pairs with `id` below them, by a search up the reverse edges. */
function ancestorCount(g: PairGraph, id: number): number {
  const seen = new Set([id]);
  const stack = [id];
  while (stack.length > 0) for (const u of above(g, stack.pop()!)) if (!seen.has(u)) (seen.add(u), stack.push(u));
  return seen.size;
}

describe("8. reach over many causes", () => {
  it("100k causes and 1.6M mention edges: work bounded by a constant times the graph, affects estimated and said", { timeout: 60_000 }, () => {
    const g = mentionGraph(100_000, 16);
    const causes = Array.from({ length: 100_000 }, (_, i) => [i + 1]);
    const r = reach(g, causes);
    const size = g.size + g.outList.length;
    // Bitsets for every cause would be size × 100k / 32 ≈ 3,000 × size.
    expect(r.work).toBeLessThan(200 * size);
    expect(r.estimated).toBe(true);
    for (const c of [1, 10, 1000, 50_000, 99_000, 99_999]) {
      const truth = ancestorCount(g, c + 1);
      expect(Math.abs(r.affects[c]! - truth) / truth, `cause ${c}: ${r.affects[c]} for ${truth}`).toBeLessThan(0.4);
    }
    // via: exact, first MAX_VIA in the top's order, and cut when there are more.
    expect(r.via[99_999]).toEqual([100_000]);
    expect(r.viaCut[99_999]).toBe(false);
    expect(r.via[0]!.length).toBe(MAX_VIA);
    expect(r.viaCut[0]).toBe(true);
    expect(r.via[0]![0]).toBe(1);
  });

  it("past the budget but with fewer causes than the estimate's rounds (× 32): still exact, the estimate would cost more", () => {
    const g = mentionGraph(300, 3);
    const causes = Array.from({ length: 300 }, (_, i) => [i + 1]);
    const r = reach(g, causes, 1);
    expect(r.estimated).toBe(false);
    for (const c of [0, 5, 150, 299]) expect(r.affects[c]).toBe(ancestorCount(g, c + 1));
  });

  it("past the budget with more causes than the rounds × 32: estimated", () => {
    const g = mentionGraph(3000, 3);
    const causes = Array.from({ length: 3000 }, (_, i) => [i + 1]);
    expect(reach(g, causes, 1).estimated).toBe(true);
  });

  it("a small graph is counted exactly", () => {
    const g = mentionGraph(300, 3);
    const causes = Array.from({ length: 300 }, (_, i) => [i + 1]);
    const r = reach(g, causes);
    expect(r.estimated).toBe(false);
    for (const c of [0, 5, 150, 299]) expect(r.affects[c]).toBe(ancestorCount(g, c + 1));
  });
});

describe("1. mentions pointing back up the tree", () => {
  it("10k inputs of the top that each mention the top: the report stays linear (via capped, said)", { timeout: 60_000 }, async () => {
    const input = backMentions(10_000);
    const r = await runCli(["--format", "json"], { stdin: input });
    expect(r.code).toBe(0);
    // Before: every cause listed all 10k inputs as `via` (100M names, a V8 abort).
    expect(r.stdout.length).toBeLessThan(input.length * 20);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.causes).toHaveLength(10_000);
    for (const c of report.causes) {
      expect(c.via.length).toBeLessThanOrEqual(MAX_VIA);
      expect(c.viaCut).toBe(true);
    }
    expect(report.notes.join("\n")).toContain("`via` lists the first 16");
    const md = await runCli(["--format", "markdown"], { stdin: input });
    expect(md.code).toBe(0);
  });
});

describe("2. --tree with a name shared by many pairs", () => {
  it("5,000 pairs named `source` and 5,000 mentions of it: each reference lists its own nearest targets only", { timeout: 60_000 }, async () => {
    const r = await runCli(["--tree", "--color", "never", "--width", "0"], { stdin: sharedName(5_000) });
    expect(r.code).toBe(0);
    const refs = r.stdout.split("\n").filter((l) => l.includes("↪ source: already compared"));
    expect(refs).toHaveLength(5_000);
    // Before: every reference listed the union of all of them (5,000 line numbers each).
    for (const l of refs) expect(l.split(" or ").length).toBeLessThanOrEqual(MAX_LINKS);
    expect(refs.at(-1)).toMatch(/shown at line \d+( or \d+){15}$/);
  });
});

describe("6. version-bump folding", () => {
  it("one name set with 20k bumps and 20k names embedding them: each folded into its bump", { timeout: 60_000 }, async () => {
    // Before: every candidate tried every bump (10k bumps: 107 s).
    const r = await json(manyBumps(20_000));
    expect(r.causes).toHaveLength(20_000);
    expect(r.causes.every((c) => c.kind === "version" && c.variants?.length === 1 && c.variants[0] === `wrap-${c.name}`)).toBe(true);
  });
});

describe("10. Markdown that stays inert where it is pasted", () => {
  const live = LIVE_MARKDOWN.join(" ");
  // A hostile env key (in the <summary> title), value (in summaries, --why) and a note quoting a name with backticks.
  const text =
    ENV.replace("configureFlags=--enable-static=no→ →→--disable-silent-rules→", `cfg@octocat#12=--enable-static=no→ →→--x ${live}→`) +
    "• The input derivation named `x`@octocat`#123 https://evil.example/` differs\n";
  const md = new MarkdownIt({ html: true, linkify: true });
  /** Text a reader sees outside code: every text token not in a code span, fence or <code>. */
  function prose(out: string): string[] {
    const found: string[] = [];
    const walk = (tokens: ReturnType<typeof md.parse>, inCode: boolean): void => {
      let code = inCode;
      for (const t of tokens) {
        if (t.type === "html_inline") code = /^<code>/.test(t.content) ? true : /^<\/code>/.test(t.content) ? false : code;
        if (t.type === "html_block") found.push(t.content.replace(/<code>[^<]*<\/code>/g, "").replace(/<[^>]*>/g, ""));
        if (t.type === "text" && !code) found.push(t.content);
        if (t.type === "link_open") found.push(`LINK ${t.attrGet("href")}`);
        if (t.children) walk(t.children, code);
      }
    };
    walk(md.parse(out, {}), false);
    return found;
  }
  const LIVE = /@\w|#\d|:\/\/|www\.|GH-\d|LINK/;

  for (const argv of [["--format", "markdown"], ["--format", "markdown", "--why", "libmnl"], ["--format", "markdown", "--tree"]]) {
    it(`${argv.slice(2).join(" ") || "the report"}: no ping, issue reference or link outside code`, async () => {
      const r = await runCli(argv, { stdin: text });
      expect(r.code).toBe(0);
      const live = prose(r.stdout).filter((t) => LIVE.test(t));
      expect(live).toEqual([]);
    });
  }

  it("the hostile parts are still shown, in code", async () => {
    const r = await runCli(["--format", "markdown"], { stdin: text });
    expect(r.stdout).toContain("<code>cfg@octocat#12</code>");
  });
});

describe("11. the Markdown budget covers the whole report", () => {
  /** `k` inputs of the top with names of `len` characters, each with its own change. */
  const longNames = (k: number, len: number): string => {
    let out = "- /nix/store/" + "a".repeat(32) + "-top.drv:{out}\n+ /nix/store/" + "b".repeat(32) + "-top.drv:{out}\n";
    for (let i = 0; i < k; i++) {
      const name = `n${i}-${"x".repeat(len)}`;
      const h = String(i).padStart(32, "0");
      out += `• The input derivation named \`${name}\` differs\n  - /nix/store/${h}-${name}.drv:{out}\n  + /nix/store/${h.replace(/^0/, "1")}-${name}.drv:{out}\n`;
      out += `  • The environments do not match:\n      k${"y".repeat(len)}=←a${i}←→b${i}→\n`;
    }
    return out;
  };

  for (const [what, argv, said] of [
    ["the report (table and summary too)", [], /left out/],
    ["--tree", ["--tree"], /left out/],
    ["--why", ["--why", "top"], /left out/],
  ] as const) {
    it(`${what}: at most 60,000 characters, and it says what it left out`, { timeout: 60_000 }, async () => {
      const r = await runCli(["--format", "markdown", ...argv], { stdin: longNames(400, 3000) });
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeLessThanOrEqual(60_000);
      expect(r.stdout).toMatch(said);
      // What is kept is still well-formed: fences and <details> closed.
      const md = new MarkdownIt({ html: true });
      const fences = md.parse(r.stdout, {}).filter((t) => t.type === "fence");
      for (const f of fences) expect(f.markup.length).toBeGreaterThanOrEqual(3);
      expect((r.stdout.match(/^<details>$/gm) ?? []).length).toBe((r.stdout.match(/^<\/details>$/gm) ?? []).length);
    });
  }
});

describe("13. several documents are separate comparisons", () => {
  // A second output whose only input mentions libmnl-1.0.5 as already compared: in its own run.
  const second = `- /nix/store/${"c".repeat(32)}-other.drv:{out}\n+ /nix/store/${"d".repeat(32)}-other.drv:{out}\n• The input derivation named \`user\` differs\n  - /nix/store/${"f".repeat(32)}-user.drv:{out}\n  + /nix/store/${"g".repeat(32)}-user.drv:{out}\n  • Input derivations differ but have already been compared\n      libmnl-1.0.5\n`;

  it("a mention links only within its own document, concatenated or as two files", async () => {
    const alone = await json(ENV);
    const joined = await json(ENV + second);
    expect(joined.input.documents).toBe(2);
    expect(joined.summary.unresolvedMentions).toBe(alone.summary.unresolvedMentions + 1);
    const cause = (r: Report) => r.causes.find((c) => c.kind === "env")!;
    expect(cause(joined).affects).toBe(cause(alone).affects);
    expect(joined.notes.join("\n")).toContain("analysed as separate comparisons");
    const work = mkdtempSync(join(tmpdir(), "drvsquash-docs-"));
    try {
      writeFileSync(join(work, "a.txt"), ENV);
      writeFileSync(join(work, "b.txt"), second);
      const files = JSON.parse((await runCli(["--format", "json", join(work, "a.txt"), join(work, "b.txt")])).stdout) as Report;
      expect(files.summary.unresolvedMentions).toBe(joined.summary.unresolvedMentions);
      expect(cause(files).affects).toBe(cause(alone).affects);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("4. memory on big inputs", () => {
  const repo = fileURLToPath(new URL("..", import.meta.url));
  const work = mkdtempSync(join(tmpdir(), "drvsquash-mem-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("past the heap limit: exit 2 naming the limit, never V8's abort", { timeout: 120_000 }, () => {
    const file = join(work, "big.txt");
    const fd = openSync(file, "w");
    try {
      // Big enough to need well past the larger limit below: it has needed less as the parser
      // shrank (400k lines fit once stored paths were one byte a character; 600k fit in 64 MB once
      // paths were kept as hashes, and in 52 once pairs were PrintedPairs), so it is a size that
      // needs 72-80 MB at 2026-12's parser, not one a few MB past the limit.
      generateTo({ lines: 1_000_000, seed: 7 }, (chunk: string) => writeSync(fd, chunk));
    } finally {
      closeSync(fd);
    }
    for (const [heap, format] of [["48", "json"], ["56", "text"]] as const) {
      const r = spawnSync(process.execPath, [`--max-old-space-size=${heap}`, join(repo, "bin", "drvsquash.js"), "--format", format, file], { encoding: "utf8", timeout: 60_000 });
      expect({ heap, status: r.status, signal: r.signal }).toEqual({ heap, status: 2, signal: null });
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(new RegExp(`^drvsquash: .*big\\.txt: the input needs more memory than Node's heap limit allows: \\d+ MB of ${heap} MB in use .*--max-old-space-size=\\d+.*\\n$`));
    }
    // With room, the same input is reported.
    const ok = spawnSync(process.execPath, ["--max-old-space-size=256", join(repo, "bin", "drvsquash.js"), "--format", "json", file], { encoding: "utf8", timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
    expect(ok.status).toBe(0);
  });
});
