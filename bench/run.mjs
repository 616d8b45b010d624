#!/usr/bin/env node
// bench/run.mjs (`npm run bench`): how fast and how big drvsquash runs on large
// nix-diff outputs. A report, not a test: a missed target is printed, never
// fatal; the exit status is non-zero only if a measured command fails (crashes,
// is killed, or exits with a status not in --ok-exit).
//
//   node bench/run.mjs [--sizes 10000,100000,1000000] [--runs 5] [--ok-exit 0]
//
// 1. Writes bench/out/nixdiff-<N>.txt with bench/generate.mjs (seed 1, plain
//    1.0.21 text), unless a file newer than the generator is already there.
// 2. Per size, runs each command --runs times (at most 3 from 1M lines on),
//    round-robin, and reports the median wall time, the ratio to the floor
//    (bench/floor.mjs: a bare split2 line count in Node), lines per second and
//    the child's peak RSS: `wc -l`, the floor, `drvsquash --format json` and
//    `--format text`; then the 100k → 1M growth, the same four on the largest
//    text file in samples/, and `drvsquash --version` against `node -e 0`.
// 3. Prints the machine and whether each target holds.
//
// Peak RSS: each command runs under GNU `/usr/bin/time -f %M -o FILE`, which
// reads the child's rusage from wait4() (exact, no polling; the wrapper adds
// about a millisecond to every wall time alike). Without /usr/bin/time, Node
// commands run as `node --import bench/report-rss.mjs …`, which writes the
// child's own process.resourceUsage().maxRSS on exit, and `wc` gets no RSS.

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
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
const opts = { sizes: [10000, 100000, 1000000], runs: 5, okExit: [0] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const list = () => (argv[++i] ?? "").split(",").map((s) => Number(s.trim()));
  if (a === "--sizes") opts.sizes = list();
  else if (a === "--runs") opts.runs = Number(argv[++i]);
  else if (a === "--ok-exit") opts.okExit = list();
  else if (a === "--help" || a === "-h") {
    console.log("usage: node bench/run.mjs [--sizes 10000,100000,1000000] [--runs 5] [--ok-exit 0]");
    process.exit(0);
  } else {
    console.error(`bench: unknown argument ${a}`);
    process.exit(2);
  }
}
if (![...opts.sizes, opts.runs].every((n) => Number.isInteger(n) && n > 0) || !opts.okExit.every(Number.isInteger)) {
  console.error("bench: --sizes, --runs and --ok-exit take whole numbers");
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
  const b = readFileSync(file);
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n + (b.length > 0 && b[b.length - 1] !== 10 ? 1 : 0);
};

function fileCommands(file) {
  const node = process.execPath;
  return [
    { label: "wc -l", argv: ["wc", "-l", file] },
    { label: "split2 floor (node)", argv: [node, join(ROOT, "bench", "floor.mjs"), file], floor: true },
    { label: "drvsquash --format json", argv: [node, CLI, "--format", "json", file], json: true, cli: true },
    { label: "drvsquash --format text", argv: [node, CLI, "--format", "text", file], cli: true },
  ].filter((c) => cliBuilt || !c.cli);
}

/** Measures the four commands on one file and prints its table; returns stats by label. */
function benchFile(title, file, runs) {
  const lines = lineCount(file);
  const bytes = statSync(file).size;
  console.log(`\n${title}: ${relative(ROOT, file)}, ${lines} lines, ${fmt(bytes / MB)} MB, ${runs} runs each`);
  const results = measureAll(fileCommands(file), runs);
  const floor = stat(results.find((r) => r.floor));
  const rows = [["command", "median ms", "× floor", "lines/s", "peak RSS MB"]];
  const byLabel = {};
  for (const r of results) {
    const s = stat(r);
    byLabel[r.label] = { ...s, bytes, lines };
    if (s.failed) rows.push([r.label, "FAILED", "", "", ""]);
    else rows.push([r.label, fmt(s.ms), fmt(s.ms / floor.ms, 2), Math.round(lines / (s.ms / 1000)).toLocaleString("en-US"), fmt(s.rssMB)]);
  }
  table(rows);
  const json = results.find((r) => r.json && !r.failed);
  if (json) {
    try {
      const report = JSON.parse(readFileSync(stdoutFile(json.label), "utf8"));
      const i = report.input ?? {};
      console.log(`  json report: input.lines ${i.lines}, unrecognized ${i.unrecognized}, truncated ${i.truncated}, causes ${report.causes?.length}`);
    } catch (e) {
      console.log(`  json report: not readable as JSON (${e.message})`);
    }
  }
  return byLabel;
}

// ---------------------------------------------------------------- main
const cliBuilt = existsSync(join(ROOT, "dist", "cli.js"));
const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model ?? "unknown";
console.log("drvsquash benchmark");
console.log(`machine: ${cpu}, ${os.availableParallelism?.() ?? os.cpus().length} cores, ${fmt(os.totalmem() / 1024 ** 3)} GB RAM, node ${process.version}, ${os.type()} ${os.release()}`);
console.log(`peak RSS via ${haveTime ? `${GNU_TIME} -f %M` : "node --import bench/report-rss.mjs (wc: none)"}`);
if (!cliBuilt) {
  console.error("bench: dist/cli.js is missing (run `npm run build`); measuring wc and the floor only");
  failures++;
}

const generator = join(ROOT, "bench", "generate.mjs");
const bySize = {};
for (const size of opts.sizes) {
  const file = join(OUT, `nixdiff-${size}.txt`);
  if (!existsSync(file) || statSync(file).mtimeMs < statSync(generator).mtimeMs) {
    const fd = openSync(file, "w");
    generateTo({ lines: size, seed: 1 }, (chunk) => writeSync(fd, chunk));
    closeSync(fd);
  }
  bySize[size] = benchFile(`${size.toLocaleString("en-US")} lines`, file, size >= 1000000 ? Math.min(opts.runs, 3) : opts.runs);
}

const cliLabels = ["drvsquash --format json", "drvsquash --format text"];
const allLabels = ["wc -l", "split2 floor (node)", ...cliLabels];
const [big, mid] = [bySize[1000000], bySize[100000]];
if (big && mid) {
  console.log("\ngrowth from 100k to 1M lines (time ratio; 10 = linear)");
  table([["command", "× time"], ...allLabels.filter((l) => big[l] && mid[l]).map((l) => [l, fmt(big[l].ms / mid[l].ms, 2)])]);
}

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

let startup = NaN;
if (cliBuilt) {
  const runs = Math.max(opts.runs, 10);
  console.log(`\nstartup, ${runs} runs each`);
  const [bare, version] = measureAll(
    [{ label: "node -e 0", argv: [process.execPath, "-e", "0"] }, { label: "drvsquash --version", argv: [process.execPath, CLI, "--version"] }],
    runs,
  ).map(stat);
  table([["command", "median ms", "× node -e 0", "peak RSS MB"],
    ["node -e 0", fmt(bare.ms), "1.00", fmt(bare.rssMB)],
    ["drvsquash --version", version.failed ? "FAILED" : fmt(version.ms), fmt(version.ms / bare.ms, 2), fmt(version.rssMB)]]);
  startup = version.ms / bare.ms;
}

// ---------------------------------------------------------------- targets
console.log("\ntargets");
const verdict = (ok, text) => console.log(`  ${ok === null ? "n/a " : ok ? "PASS" : "MISS"}  ${text}`);
const missing = (...sizes) => `needs --sizes with ${sizes.join(" and ")}`;
for (const l of cliLabels) {
  const [r, floor] = [big?.[l], big?.["split2 floor (node)"]];
  const ok = r && floor && !r.failed && !floor.failed;
  verdict(ok ? r.ms <= 2 * floor.ms : null, `1M lines: ${l} ≤ 2.0 × split2 floor: ${ok ? fmt(r.ms / floor.ms, 2) : big ? "failed" : missing(1000000)}`);
}
for (const l of cliLabels) {
  const ok = big?.[l] && mid?.[l] && !big[l].failed && !mid[l].failed;
  verdict(ok ? big[l].ms <= 11 * mid[l].ms : null, `${l}: 1M time ≤ 11 × 100k time: ${ok ? fmt(big[l].ms / mid[l].ms, 2) : big && mid ? "failed" : missing(100000, 1000000)}`);
}
for (const l of cliLabels) {
  const r = big?.[l];
  const limit = r ? (1.5 * r.bytes) / MB + 60 : NaN;
  const ok = r && !r.failed && Number.isFinite(r.rssMB);
  verdict(ok ? r.rssMB <= limit : null, `1M lines: ${l} peak RSS ≤ 1.5 × input + 60 MB: ${ok ? `${fmt(r.rssMB)} MB (limit ${fmt(limit)} MB)` : big ? "failed or not measured" : missing(1000000)}`);
}
verdict(Number.isFinite(startup) ? startup <= 1.5 : null, `drvsquash --version ≤ 1.5 × node -e 0: ${Number.isFinite(startup) ? fmt(startup, 2) : "failed"}`);

for (const f of readdirSync(OUT)) if (f.endsWith(".tmp")) rmSync(join(OUT, f));
if (failures > 0) console.error(`\nbench: ${failures} command(s) failed`);
process.exitCode = failures > 0 ? 1 : 0;
