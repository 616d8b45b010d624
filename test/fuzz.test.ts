// A seeded mutation fuzzer over samples/: thousands of damaged, hostile
// inputs through main(), each checked for what must hold whatever the input:
// no exception escapes, the exit code is 0, 1 or 2 (3 is a bug), JSON output
// parses, a refusal is one line, Markdown keeps its structure, and nothing
// from the input reaches the terminal as a control: no ESC but our own SGR
// colours (text with --color always), no other C0 control but \n and \t, no
// DEL, no C1 control, no bidi control.
//
// Reproduce a failure: the case's seed is printed with it;
//   FUZZ_SEED=<seed> FUZZ_CASES=1 npx vitest run test/fuzz.test.ts
// runs that one case (mutations, arguments and all are a function of the seed).
// FUZZ_CASES=<n> runs more or fewer cases (default 5,000).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import * as gen from "./generators.js";
import { runCli, samples } from "./run.js";

const dir = fileURLToPath(samples);
const CASES = Number(process.env.FUZZ_CASES ?? 5000);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const BATCH = 500;

/** nix-diff outputs (every mode, coloured or not, 1.0.10 to 1.0.21, fragments) and one --json. */
function sampleFiles(d: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(d).sort()) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) out.push(...sampleFiles(path));
    else if (name.endsWith(".txt") || name === "diff.json" || path.includes("/upstream/")) out.push(path);
  }
  return out;
}
const SOURCES = sampleFiles(dir).map((f) => ({ file: f.slice(dir.length), lines: readFileSync(f, "utf8").replace(/\n$/, "").split("\n") }));

/** mulberry32: small, fast, good enough to pick mutations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Things a terminal acts on, and things that only look like them.
const HOSTILE = [
  "\x1b[31m", "\x1b[0m", "\x1b[1;2m", "\x1b[41m", "\x1b[42m", "\x1b[2J", "\x1b[6n", "\x1b[?1049h", "\x1b[", "\x1b",
  "\x1b]0;pwned\x07", "\x1b]52;c;cHduZWQ=\x07", "\x1b]8;;https://evil.example\x1b\\", "\x1b]8;;\x1b\\", "\x1b]0;unterminated",
  "\x1bP+q544e\x1b\\", "\x1bc", "\x1b7", "\x1b8", "\x1b#8", "\x1b(0", "\x1bN",
  "\x9b31m", "\x9b6n", "\x9d0;t\x07", "\x9d", "\x90x\x9c", "\x85", "\x9c",
  "\x07", "\x08", "\x7f", "\x0b", "\x0c", "\r",
  "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c", "\u2028", "\u2029",
  "```", "<script>", "|", "</details>", "\ufffd", "\ufeff",
  // Issue 12: characters that hide text, and Markdown that pings, links or references.
  "\u200b", "\u200c", "\u200d", "\u2060", "\u{e0041}", "\u{e007f}", "\x1b]8;;", "\x9d".repeat(64),
  "@octocat", "#123", "https://evil.example/x", "www.evil.example", "`", "``x",
];
const BULLET_STAND_INS = ["* ", "- ", "· ", "", "â€¢ "];

interface Case {
  seed: number;
  source: string;
  ops: string[];
  input: Buffer;
  argv: string[];
}

/** One case: a window of a sample, 1–5 mutations, and the arguments; a pure function of the seed. */
function makeCase(seed: number): Case {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
  const src = pick(SOURCES);
  const start = int(Math.max(1, src.lines.length - 20));
  let lines = src.lines.slice(start, start + 1 + int(200));
  if (r() < 0.15) lines = src.lines.slice(0, 1 + int(200)); // from the top, as most pastes are
  const ops: string[] = [];
  /** Insert `s` into a random line at a random place, or into a name or a value when there is one. */
  const insert = (s: string): void => {
    const i = int(lines.length);
    const l = lines[i];
    if (l === undefined) return;
    const named = l.indexOf("named `");
    const drv = l.lastIndexOf(".drv:{");
    const eq = l.indexOf("=");
    const at = named >= 0 && r() < 0.6 ? named + 7 + int(Math.max(1, l.length - named - 16)) : drv > 45 && r() < 0.6 ? drv - int(6) : eq >= 0 && r() < 0.6 ? eq + 1 + int(l.length - eq) : int(l.length + 1);
    lines[i] = l.slice(0, at) + s + l.slice(at);
  };
  const n = 1 + int(5);
  for (let k = 0; k < n; k++) {
    const op = int(17);
    switch (op) {
      case 0: {
        lines = lines.slice(0, int(lines.length + 1));
        ops.push("cut at a line");
        break;
      }
      case 1: {
        const i = int(lines.length);
        if (lines[i] !== undefined) lines[i] = lines[i]!.slice(0, int(lines[i]!.length + 1));
        lines = lines.slice(0, i + 1);
        ops.push("cut inside a line");
        break;
      }
      case 2: {
        const a = int(lines.length);
        const b = int(lines.length);
        const block = lines.splice(Math.min(a, b), Math.abs(a - b));
        lines.splice(int(lines.length + 1), 0, ...block);
        ops.push("move a block");
        break;
      }
      case 3: {
        const pad = " ".repeat(1 + int(10));
        lines = lines.map((l) => pad + l);
        ops.push(`re-indent by ${pad.length}`);
        break;
      }
      case 4: {
        const q = pick(["> ", "> > ", ">"]);
        lines = lines.map((l) => q + l);
        ops.push("quote");
        break;
      }
      case 5: {
        lines = lines.map((l) => l + "\r");
        ops.push("CRLF");
        break;
      }
      case 6: {
        lines = lines.map((l) => (r() < 0.3 ? l.replace(/^(\s*)(.*)$/, (_m, a: string, b: string) => `${a}\x1b[1;3${1 + int(2)}m${b}\x1b[0m`) : l));
        ops.push("colour codes");
        break;
      }
      case 7: {
        for (let j = 1 + int(6); j > 0; j--) insert(pick(HOSTILE));
        ops.push("hostile sequences");
        break;
      }
      case 8: {
        for (let j = 1 + int(4); j > 0; j--) {
          let junk = "";
          for (let q = 1 + int(8); q > 0; q--) junk += String.fromCharCode(1 + int(0x2100));
          insert(junk);
        }
        ops.push("random characters");
        break;
      }
      case 9: {
        const a = int(lines.length);
        lines.splice(int(lines.length + 1), 0, ...lines.slice(a, a + 1 + int(40)));
        ops.push("duplicate a fragment");
        break;
      }
      case 10: {
        lines = lines.map((l) => l.replace(/^( {8})+/, (m) => "\t".repeat(m.length / 8)));
        ops.push("tabs");
        break;
      }
      case 11: {
        const s = pick(BULLET_STAND_INS);
        lines = lines.map((l) => l.replace(/^(\s*)• /, (_m, a: string) => a + s));
        ops.push(`bullets → ${JSON.stringify(s)}`);
        break;
      }
      case 12: {
        lines = ["Here is what I get:", "", "```console", "$ nix-diff /run/current-system ./result", ...lines, "```", "", "Any idea?"];
        ops.push("fence and prompt");
        break;
      }
      case 13: {
        lines = lines.map((l) => l.replace(/^ +/, (m) => (r() < 0.5 ? m : "\u00a0".repeat(m.length))));
        ops.push("non-breaking spaces");
        break;
      }
      case 14: {
        const w = 40 + int(160);
        lines = lines.map((l) => l.slice(0, w));
        ops.push(`cut at ${w} columns`);
        break;
      }
      case 15: {
        const other = pick(SOURCES);
        const a = int(other.lines.length);
        lines.splice(int(lines.length + 1), 0, ...other.lines.slice(a, a + 1 + int(60)));
        ops.push(`splice in ${other.file}`);
        break;
      }
      case 16: {
        for (let i = lines.length - 1; i > 0 && r() < 0.9; i--) {
          const j = int(i + 1);
          [lines[i], lines[j]] = [lines[j]!, lines[i]!];
          if (r() < 0.2) break;
        }
        ops.push("swap lines");
        break;
      }
    }
  }
  let input = Buffer.from(lines.join("\n") + (r() < 0.8 ? "\n" : ""));
  if (r() < 0.12) {
    // Raw bytes: invalid UTF-8, and now and then a NUL (binary).
    input = Buffer.from(input);
    for (let j = 1 + int(6); j > 0 && input.length > 0; j--) input[int(input.length)] = r() < 0.1 ? 0 : 0x80 + int(128);
    ops.push("random bytes");
  }

  const format = (["json", "text", "markdown"] as const)[seed % 3]!;
  const argv = ["--format", format, "--color", Math.floor(seed / 3) % 2 === 0 ? "always" : "never"];
  if (r() < 0.12) argv.push("--tree");
  else if (r() < 0.1) argv.push("--why", pick(["bash", "etc", "system-path", "libmnl-1.0.5", "openssl", "x"]));
  if (r() < 0.1) argv.push("--show-unrecognized");
  if (r() < 0.05) argv.push("--strict");
  if (r() < 0.1) argv.push("--exit-code");
  if (r() < 0.1) argv.push("--width", String(int(100)));
  return { seed, source: `${src.file}:${start + 1}`, ops, input, argv };
}

const SGR = /\x1b\[[0-9;]*m/g;
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]|\udb40[\udc00-\udc7f]/;
// DEL, C1, bidi and line separators: what JSON.stringify leaves raw (it escapes C0 itself).
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]|\udb40[\udc00-\udc7f]/;
const md = new MarkdownIt({ html: true });

function unsafeAt(text: string, allowSgr: boolean): string | null {
  for (const line of text.split("\n")) {
    const rest = allowSgr ? line.replace(SGR, "") : line;
    const m = UNSAFE.exec(rest);
    if (m) return `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} in ${JSON.stringify(rest.slice(Math.max(0, m.index - 50), m.index + 20))}`;
  }
  return null;
}

/** Everything that must hold for one case; the list of what did not. */
async function check(c: Case): Promise<{ code: number; problems: string[] }> {
  const problems: string[] = [];
  let res;
  try {
    res = await runCli(c.argv, { stdin: c.input });
  } catch (e) {
    return { code: -1, problems: [`exception: ${(e as Error)?.stack ?? String(e)}`] };
  }
  const { code, stdout, stderr } = res;
  const format = c.argv[1];
  if (code !== 0 && code !== 1 && code !== 2) problems.push(`exit code ${code}: ${stderr.slice(0, 300)}`);
  if (code === 2) {
    if (stdout !== "") problems.push("exit 2 with a report on stdout");
    if (!stderr.startsWith("drvsquash: ") && !stderr.startsWith("unrecognized line ")) problems.push(`exit 2 without a message: ${stderr.slice(0, 200)}`);
  }
  if ((code === 0 || code === 1) && format === "json") {
    try {
      JSON.parse(stdout);
    } catch (e) {
      problems.push(`JSON does not parse: ${(e as Error).message}`);
    }
  }
  if ((code === 0 || code === 1) && format === "markdown") {
    const tokens = md.parse(stdout, {});
    for (const t of tokens.flatMap((x) => [x, ...(x.children ?? [])])) {
      if ((t.type === "html_block" || t.type === "html_inline") && t.content.replace(/<\/?(?:details|summary|sub|code)>/g, "").includes("<")) {
        problems.push(`Markdown: input-made HTML ${JSON.stringify(t.content.slice(0, 120))}`);
      }
    }
    const opened = (stdout.match(/^<details>$/gm) ?? []).length;
    if (opened !== (stdout.match(/^<\/details>$/gm) ?? []).length) problems.push("Markdown: <details> not balanced");
    if (tokens.filter((t) => t.type === "fence").length < (c.argv.includes("--tree") || c.argv.includes("--why") ? 0 : opened)) {
      problems.push("Markdown: a fence was broken");
    }
  }
  const colourText = format === "text" && c.argv.includes("always");
  const outBad = format === "json" ? jsonUnsafe(stdout) : unsafeAt(stdout, colourText);
  if (outBad) problems.push(`stdout: ${outBad}`);
  const errBad = unsafeAt(stderr, false);
  if (errBad) problems.push(`stderr: ${errBad}`);
  return { code, problems };
}

function jsonUnsafe(stdout: string): string | null {
  const m = JSON_UNSAFE.exec(stdout) ?? UNSAFE.exec(stdout.replace(/\n/g, ""));
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} raw in JSON` : null;
}

function describeFailure(c: Case, problems: string[]): string {
  const input = c.input.length <= 600 ? JSON.stringify(c.input.toString("utf8")) : `${c.input.length} bytes`;
  return `seed ${c.seed} (FUZZ_SEED=${c.seed} FUZZ_CASES=1): ${c.source} [${c.ops.join(", ")}] drvsquash ${c.argv.join(" ")}\n  ${problems.join("\n  ")}\n  input: ${input}`;
}

describe(`fuzz: ${CASES} mutated samples through main() (base seed ${BASE_SEED})`, () => {
  const batches = Math.ceil(CASES / BATCH);
  const codes = new Map<number, number>();
  for (let b = 0; b < batches; b++) {
    const first = BASE_SEED + b * BATCH;
    const count = Math.min(BATCH, CASES - b * BATCH);
    it(`cases ${first}…${first + count - 1}`, { timeout: 60_000 }, async () => {
      const failures: string[] = [];
      for (let s = first; s < first + count; s++) {
        const c = makeCase(s);
        const { code, problems } = await check(c);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (problems.length > 0) failures.push(describeFailure(c, problems));
      }
      for (const f of failures.slice(0, 5)) console.error(f);
      expect(failures.slice(0, 5), `${failures.length} of ${count} cases failed`).toEqual([]);
    });
  }

  // Runs after the batches (tests in a file run in order) and reads the exit codes they saw.
  it("the mutations reach every outcome: reports, refusals, causes found; never exit 3", async () => {
    if (codes.size === 0) {
      // Run on its own (-t): see for itself.
      for (let s = BASE_SEED; s < BASE_SEED + Math.min(CASES, 600); s++) {
        const { code } = await check(makeCase(s));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    const total = [...codes.values()].reduce((a, b) => a + b, 0);
    expect(codes.get(3) ?? 0).toBe(0);
    expect(codes.get(-1) ?? 0).toBe(0);
    if (total < 600) return;
    expect((codes.get(0) ?? 0) / total).toBeGreaterThan(0.3);
    expect((codes.get(1) ?? 0) / total).toBeGreaterThan(0.01);
    expect((codes.get(2) ?? 0) / total).toBeGreaterThan(0.03);
  });
});

// Issue 12: the shapes that crashed drvsquash, took minutes or blew up its
// output, at random sizes, with a random hostile payload in their names and
// values, through the same checks. The sizes stay small here; each shape's
// worst size is in hostile-round2.test.ts.
const SHAPES: { name: string; make: (n: number, r: () => number) => string }[] = [
  { name: "back mentions", make: (n) => gen.backMentions(n) },
  { name: "shared name", make: (n) => gen.sharedName(n) },
  { name: "long store dir", make: (n) => gen.longStoreDir(n * 40, ["a", ".", "+", "(", "\\"][n % 5]!) },
  { name: "many bumps", make: (n) => gen.manyBumps(n) },
  { name: "plus run", make: (n) => gen.plusRun(n * 10) },
  { name: "many causes", make: (n, r) => gen.manyCauses(n, 1 + Math.floor(r() * 8)) },
  { name: "deep json", make: (n) => gen.deepJson(n) },
  { name: "CR only", make: (_n, r) => gen.crOnly(SOURCES[Math.floor(r() * SOURCES.length)]!.lines.join("\n") + "\n") },
  { name: "two documents", make: (n) => gen.backMentions(n) + gen.sharedName(n) },
];

describe("fuzz: issue 12 shapes at random sizes, with hostile payloads", () => {
  const cases = Math.max(20, Math.floor(CASES / 25));
  it(`${cases} cases`, { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    for (let s = BASE_SEED; s < BASE_SEED + cases; s++) {
      const r = rng(s);
      const shape = SHAPES[s % SHAPES.length]!;
      const n = 1 + Math.floor(r() * 300);
      let text = shape.make(n, r);
      const payload = [...HOSTILE, ...gen.LIVE_MARKDOWN, ...gen.INVISIBLE][Math.floor(r() * (HOSTILE.length + gen.LIVE_MARKDOWN.length + gen.INVISIBLE.length))]!;
      // Into every name and every value of one kind.
      text = r() < 0.5 ? text.replaceAll("named `", "named `" + payload) : text.replaceAll("=←", "=←" + payload);
      const format = (["json", "text", "markdown"] as const)[s % 3]!;
      const argv = ["--format", format, "--color", r() < 0.5 ? "always" : "never"];
      if (r() < 0.3) argv.push("--tree");
      else if (r() < 0.2) argv.push("--why", pick(r, ["top", "source", "c1", "pkg0"]));
      const c: Case = { seed: s, source: `${shape.name} ×${n}`, ops: [`payload ${JSON.stringify(payload)}`], input: Buffer.from(text), argv };
      const { problems } = await check(c);
      if (format === "markdown") {
        const out = (await runCli(argv, { stdin: c.input })).stdout;
        if (out.length > 60_000) problems.push(`Markdown of ${out.length} characters`);
      }
      if (problems.length > 0) failures.push(describeFailure(c, problems));
    }
    for (const f of failures.slice(0, 5)) console.error(f);
    expect(failures.slice(0, 5), `${failures.length} of ${cases} cases failed`).toEqual([]);
  });
});

function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)]!;
}
