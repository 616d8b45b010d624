#!/usr/bin/env node
// bench/run.mjs (`npm run bench`): how fast and how big drvsquash runs on large
// nix-diff outputs. A report, not a test: a missed target is printed, never
// fatal; the exit status is non-zero only if a measured command fails (crashes,
// is killed, or exits with a status not in --ok-exit).
//
//   node bench/run.mjs [--sizes 10000,100000,1000000] [--runs 5] [--forms default,env] [--ok-exit 0]
//
// 1. Writes bench/out/nixdiff-<N>.txt and nixdiff-<N>-env.txt with
//    bench/generate.mjs (seed 1; the default and the --environment form of one
//    generated whole-system rebuild; N counts the default form's lines), unless
//    files newer than the generator are already there.
// 2. Per size and form, runs each command --runs times (at most 3 from 1M
//    lines on, 1 from 10M), round-robin, and reports the median wall time, the
//    ratio to the floor (bench/floor.mjs: a bare split2 line count in Node),
//    lines per second and the child's peak RSS against its limit (1.5 × the
//    input + 60 MB): `wc -l`, the floor, `drvsquash --format json` and
//    `--format text`; then the 100k → 1M and 1M → 10M growth, the same on the
//    largest text file in samples/, and a 10-line input end to end against
//    bench/bare.mjs (node importing yargs, split2 and picocolors, nothing else).
// 3. Prints the machine and whether each target of issue 11 holds.
//
// Peak RSS: each command runs under GNU `/usr/bin/time -f %M -o FILE`, which
// reads the child's rusage from wait4() (exact, no polling; the wrapper adds
// about a millisecond to every wall time alike). Without /usr/bin/time, Node
// commands run as `node --import bench/report-rss.mjs …`, which writes the
// child's own process.resourceUsage().maxRSS on exit, and `wc` gets no RSS.

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import os from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateTo } from "./generate.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "bench", "out");
const CLI = join(ROOT, "bin", "drvsquash.js");
const GNU_TIME = "/usr/bin/time";
const MB = 1024 * 1024;
mkdirSync(OUT, { recursive: true }); // git-ignored, so absent on a fresh clone

// ---------------------------------------------------------------- options
const opts = { sizes: [10000, 100000, 1000000], runs: 5, okExit: [0], forms: ["default", "env"] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const list = () => (argv[++i] ?? "").split(",").map((s) => Number(s.trim()));
  if (a === "--sizes") opts.sizes = list();
  else if (a === "--runs") opts.runs = Number(argv[++i]);
  else if (a === "--ok-exit") opts.okExit = list();
  else if (a === "--forms") opts.forms = (argv[++i] ?? "").split(",").map((s) => s.trim());
  else if (a === "--help" || a === "-h") {
    console.log("usage: node bench/run.mjs [--sizes 10000,100000,1000000] [--runs 5] [--forms default,env] [--ok-exit 0]");
    process.exit(0);
  } else {
    console.error(`bench: unknown argument ${a}`);
    process.exit(2);
  }
}
if (![...opts.sizes, opts.runs].every((n) => Number.isInteger(n) && n > 0) || !opts.okExit.every(Number.isInteger) ||
  !opts.forms.every((f) => f === "default" || f === "env")) {
  console.error("bench: --sizes, --runs and --ok-exit take whole numbers, --forms default and/or env");
  process.exit(2);
}

// ---------------------------------------------------------------- measuring
const haveTime = existsSync(GNU_TIME);
const rssFile = join(OUT, "rss.tmp");
const stdoutFile = (label) => join(OUT, `stdout-${label.replace(/\W+/g, "_")}.tmp`);
let failures = 0;

/** Runs `cmd` `runs` times (round-robin with the others in `cmds`); returns per-command samples. */
function measureAll(cmds, runs) {
  const results = cmds.map((c) => ({ ...c, ms: [], rssKB: [], failed: null }));
  for (let i = 0; i < runs; i++) {
    for (const r of results) {
      if (r.failed) continue;
      const one = runOnce(r.label, r.argv);
      if (one.failed) {
        r.failed = one.failed;
        failures++;
        console.error(`bench: ${r.label} failed: ${one.failed}`);
      } else {
        r.ms.push(one.ms);
        if (one.rssKB !== null) r.rssKB.push(one.rssKB);
      }
    }
  }
  return results;
}

function runOnce(label, args) {
  rmSync(rssFile, { force: true });
  let cmd = args;
  const env = { ...process.env };
  if (haveTime) cmd = [GNU_TIME, "-f", "%M", "-o", rssFile, ...args];
  else if (args[0] === process.execPath) {
    cmd = [args[0], "--import", pathToFileURL(join(ROOT, "bench", "report-rss.mjs")).href, ...args.slice(1)];
    env.BENCH_RSS_FILE = rssFile;
  }
  const out = openSync(stdoutFile(label), "w");
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: ROOT, env, stdio: ["ignore", out, "pipe"], maxBuffer: 256 * MB });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(out);
  const timeOut = existsSync(rssFile) ? readFileSync(rssFile, "utf8") : "";
  const tail = () => (r.stderr?.toString() ?? "").split("\n").filter((l) => l.trim()).slice(0, 5).join("\n  ");
  if (r.error) return { failed: `could not start: ${r.error.message}` };
  if (r.signal || /terminated by signal/.test(timeOut)) return { failed: `killed (${r.signal ?? timeOut.trim().split("\n")[0]})\n  ${tail()}` };
  if (!opts.okExit.includes(r.status ?? -1)) return { failed: `exit status ${r.status}\n  ${tail()}` };
  const kb = Number(timeOut.trim().split("\n").pop());
  return { ms, rssKB: timeOut && Number.isFinite(kb) ? kb : null };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stat = (r) => ({ ms: median(r.ms), rssMB: r.rssKB.length ? Math.max(...r.rssKB) / 1024 : NaN, failed: r.failed });

// ---------------------------------------------------------------- printing
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
const table = (rows) => {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const [i, r] of rows.entries()) {
    console.log("  " + r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("   "));
    if (i === 0) console.log("  " + widths.map((w) => "-".repeat(w)).join("   "));
  }
};
const lineCount = (file) => {
  // In 64 MB pieces: the 10M --environment file is several GB.
  const fd = openSync(file, "r");
  const b = Buffer.alloc(64 * MB);
  let n = 0;
  let last = 10;
  for (let got; (got = readSync(fd, b, 0, b.length, null)) > 0; ) {
    for (let i = b.indexOf(10); i !== -1 && i < got; i = b.indexOf(10, i + 1)) n++;
    last = b[got - 1];
  }
  closeSync(fd);
  return n + (last !== 10 ? 1 : 0);
};
const sizeLabel = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));
/** The RSS target: 1.5 × the input + 60 MB. */
const rssLimit = (bytes) => (1.5 * bytes) / MB + 60;

const JSON_LABEL = "drvsquash --format json";
const TEXT_LABEL = "drvsquash --format text";
const FLOOR_LABEL = "split2 floor (node)";
const CLI_LABELS = [JSON_LABEL, TEXT_LABEL];

function fileCommands(file) {
  const node = process.execPath;
  return [
    { label: "wc -l", argv: ["wc", "-l", file] },
    { label: FLOOR_LABEL, argv: [node, join(ROOT, "bench", "floor.mjs"), file], floor: true },
    { label: JSON_LABEL, argv: [node, CLI, "--format", "json", file], json: true, cli: true },
    { label: TEXT_LABEL, argv: [node, CLI, "--format", "text", file], cli: true },
  ].filter((c) => cliBuilt || !c.cli);
}

/** Measures the four commands on one file and prints its table; returns stats by label. */
function benchFile(title, file, runs) {
  const lines = lineCount(file);
  const bytes = statSync(file).size;
  console.log(`\n${title}: ${relative(ROOT, file)}, ${lines.toLocaleString("en-US")} lines, ${fmt(bytes / MB)} MB, ${runs} run${runs > 1 ? "s" : ""} each`);
  const results = measureAll(fileCommands(file), runs);
  const floor = stat(results.find((r) => r.floor));
  const limit = rssLimit(bytes);
  const rows = [["command", "median ms", "× floor", "lines/s", "peak RSS MB", `≤ ${fmt(limit)} MB`]];
  const byLabel = {};
  for (const r of results) {
    const s = stat(r);
    byLabel[r.label] = { ...s, bytes, lines };
    if (s.failed) rows.push([r.label, "FAILED", "", "", "", ""]);
    else {
      rows.push([r.label, fmt(s.ms), fmt(s.ms / floor.ms, 2), Math.round(lines / (s.ms / 1000)).toLocaleString("en-US"), fmt(s.rssMB),
        !r.cli || !Number.isFinite(s.rssMB) ? "" : s.rssMB <= limit ? "yes" : `no (${fmt(s.rssMB / limit, 2)}×)`]);
    }
  }
  table(rows);
  const json = results.find((r) => r.json && !r.failed);
  if (json) {
    try {
      const report = JSON.parse(readFileSync(stdoutFile(json.label), "utf8"));
      const i = report.input ?? {};
      const kinds = {};
      for (const c of report.causes ?? []) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
      console.log(`  json report: input.lines ${i.lines}, unrecognized ${i.unrecognized}, truncated ${i.truncated}, pairs ${report.summary?.pairs}, ` +
        `causes ${report.causes?.length} (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ")})`);
      byLabel.causes = report.causes?.length;
    } catch (e) {
      console.log(`  json report: not readable as JSON (${e.message})`);
    }
  }
  return byLabel;
}

// ---------------------------------------------------------------- main
const cliBuilt = existsSync(join(ROOT, "dist", "drvsquash.js"));
const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model ?? "unknown";
console.log("drvsquash benchmark");
console.log(`machine: ${cpu}, ${os.availableParallelism?.() ?? os.cpus().length} cores, ${fmt(os.totalmem() / 1024 ** 3)} GB RAM, node ${process.version}, ${os.type()} ${os.release()}`);
console.log(`peak RSS via ${haveTime ? `${GNU_TIME} -f %M` : "node --import bench/report-rss.mjs (wc: none)"}`);
if (!cliBuilt) {
  console.error("bench: dist/drvsquash.js is missing (run `npm run build`); measuring wc and the floor only");
  failures++;
}

const generator = join(ROOT, "bench", "generate.mjs");
const FORMS = { default: { suffix: "", environment: false, title: "default form" }, env: { suffix: "-env", environment: true, title: "--environment form" } };
/** results[form][size] = stats by label */
const results = { default: {}, env: {} };
for (const size of opts.sizes) {
  for (const form of opts.forms) {
    const { suffix, environment, title } = FORMS[form];
    const file = join(OUT, `nixdiff-${size}${suffix}.txt`);
    if (!existsSync(file) || statSync(file).mtimeMs < statSync(generator).mtimeMs) {
      const fd = openSync(file, "w");
      const t0 = Date.now();
      generateTo({ lines: size, seed: 1, environment }, (chunk) => writeSync(fd, chunk));
      closeSync(fd);
      if (size >= 1000000) console.log(`\n(generated ${relative(ROOT, file)} in ${fmt((Date.now() - t0) / 1000)} s)`);
    }
    const runs = size >= 10000000 ? 1 : size >= 1000000 ? Math.min(opts.runs, 3) : opts.runs;
    results[form][size] = benchFile(`${sizeLabel(size)} lines, ${title}`, file, runs);
  }
}

const growth = (from, to) => {
  const rows = [["form", "command", `${sizeLabel(to)} ms / ${sizeLabel(from)} ms`]];
  for (const form of opts.forms) {
    const [a, b] = [results[form][from], results[form][to]];
    if (!a || !b) return;
    for (const l of [FLOOR_LABEL, ...CLI_LABELS]) if (a[l] && b[l]) rows.push([form, l, fmt(b[l].ms / a[l].ms, 2)]);
  }
  console.log(`\ngrowth from ${sizeLabel(from)} to ${sizeLabel(to)} lines (time ratio; ${to / from} = linear)`);
  table(rows);
};
growth(100000, 1000000);
growth(1000000, 10000000);

const samples = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (!/\.(md|json|gz)$/.test(e.name) && !readFileSync(p).subarray(0, 8192).includes(0)) samples.push([statSync(p).size, p]);
  }
};
walk(join(ROOT, "samples"));
samples.sort((a, b) => b[0] - a[0]);
if (samples[0]) benchFile("largest sample", samples[0][1], opts.runs);

// A 10-line input end to end (the etc pair of a host rename), against node importing only the stack.
const TINY = [
  "- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01-24.11.20241012.54cce65.drv:{out}",
  "+ /nix/store/13c011r3al5hh5h7ia0cnzb927i4dr6x-nixos-system-web02-24.11.20241012.54cce65.drv:{out}",
  "• The input derivation named `etc` differs",
  "  - /nix/store/p30acg5vryq3lfxg15f8ia9mn1syij70-etc.drv:{out}",
  "  + /nix/store/qvhx0iz646zr2amnz413jyx2lm4qsvpm-etc.drv:{out}",
  "  • The environments do not match:",
  "      text=''",
  "      127.0.0.1 localhost ←web01←→web02→",
  "  ''",
  "• Skipping environment comparison",
];
let tiny = null;
if (cliBuilt) {
  const file = join(OUT, "tiny-10.txt");
  writeFileSync(file, TINY.join("\n") + "\n");
  const runs = Math.max(opts.runs, 10);
  console.log(`\n10-line input end to end, ${runs} runs each`);
  const node = process.execPath;
  const [bare0, bare, json, text] = measureAll([
    { label: "node -e 0", argv: [node, "-e", "0"] },
    { label: "node bench/bare.mjs (yargs, split2, picocolors)", argv: [node, join(ROOT, "bench", "bare.mjs")] },
    { label: JSON_LABEL, argv: [node, CLI, "--format", "json", file] },
    { label: TEXT_LABEL, argv: [node, CLI, "--format", "text", file] },
  ], runs).map((r) => ({ label: r.label, ...stat(r) }));
  const rows = [["command", "median ms", "× bare.mjs", "peak RSS MB"]];
  for (const r of [bare0, bare, json, text]) rows.push([r.label, r.failed ? "FAILED" : fmt(r.ms), fmt(r.ms / bare.ms, 2), fmt(r.rssMB)]);
  table(rows);
  tiny = { bare, json, text };
}

// ---------------------------------------------------------------- targets
console.log("\ntargets (issue 11)");
const verdict = (ok, text) => console.log(`  ${ok === null ? "n/a " : ok ? "PASS" : "MISS"}  ${text}`);
const missing = (...sizes) => `needs --sizes with ${sizes.map(sizeLabel).join(" and ")}`;
for (const form of opts.forms) {
  for (const l of CLI_LABELS) {
    const big = results[form][1000000];
    const [r, floor] = [big?.[l], big?.[FLOOR_LABEL]];
    const ok = r && floor && !r.failed && !floor.failed;
    verdict(ok ? r.ms <= 2 * floor.ms : null, `1M lines, ${form}: ${l} ≤ 2.0 × split2 floor: ${ok ? fmt(r.ms / floor.ms, 2) : big ? "failed" : missing(1000000)}`);
    const okR = r && !r.failed && Number.isFinite(r.rssMB);
    verdict(okR ? r.rssMB <= rssLimit(r.bytes) : null,
      `1M lines, ${form}: ${l} peak RSS ≤ 1.5 × input + 60 MB: ${okR ? `${fmt(r.rssMB)} MB (limit ${fmt(rssLimit(r.bytes))} MB, ${fmt(r.rssMB / rssLimit(r.bytes), 2)}×)` : big ? "failed or not measured" : missing(1000000)}`);
  }
}
for (const form of opts.forms) {
  for (const l of CLI_LABELS) {
    const [a, b] = [results[form][1000000]?.[l], results[form][10000000]?.[l]];
    const ok = a && b && !a.failed && !b.failed;
    verdict(ok ? b.ms <= 11 * a.ms : null, `${form}: ${l}: 10M time ≤ 11 × 1M time: ${ok ? fmt(b.ms / a.ms, 2) : a && b ? "failed" : missing(1000000, 10000000)}`);
  }
}
if (tiny) {
  for (const r of [tiny.json, tiny.text]) {
    const ok = !r.failed && !tiny.bare.failed;
    verdict(ok ? r.ms <= 1.3 * tiny.bare.ms : null, `10-line input: ${r.label} ≤ 1.3 × node importing yargs, split2, picocolors: ${ok ? fmt(r.ms / tiny.bare.ms, 2) : "failed"}`);
  }
} else verdict(null, "10-line input ≤ 1.3 × bare node: needs dist/ (npm run build)");

for (const f of readdirSync(OUT)) if (f.endsWith(".tmp")) rmSync(join(OUT, f));
if (failures > 0) console.error(`\nbench: ${failures} command(s) failed`);
process.exitCode = failures > 0 ? 1 : 0;
