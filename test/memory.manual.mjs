#!/usr/bin/env node
// Manual check (not run by vitest; too big for the suite): a 1 GB input streams
// with memory bounded by the graph, not the text. Writes a file of SIZE MB to a
// temporary directory, runs the built CLI on it (`node bin/drvsquash.js
// --format json FILE`) and prints the wall time, the peak RSS and what the
// report read. Build first (`npm run build`).
//
//   node test/memory.manual.mjs [--size MB] [--kind value|tree] [--keep]
//
//   --kind value  (default) one pair whose env value is a `''` block of SIZE MB:
//                 the text is huge, the graph is one pair; peak RSS must stay
//                 flat (~100 MB) whatever SIZE is.
//   --kind tree   bench/generate.mjs output of SIZE MB: a realistic system diff,
//                 whose graph (pairs, "already compared" mentions) grows with
//                 the text; peak RSS follows the graph.
//
// Measured (2 cores, Node 20, 2026-11-28): value 1024 MB: 9.9 s, peak RSS 93 MB
// (64 MB: 93 MB, so flat). tree 281 MB (5.3M lines, 339k pairs): 24 s, peak RSS
// 1.6 GB. tree 1159 MB (~22M lines): V8 out of memory at its default ~4 GB heap
// after 538 s; the graph, not the text, is what does not fit.
//   --size MB     default 1024
//   --keep        leave the generated file in place (its path is printed)
//
// Exit status: 0 when the run succeeded and, for --kind value, peak RSS stayed
// under 256 MB; 1 otherwise.

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateTo } from "../bench/generate.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const sizeMB = Number(arg("--size", "1024"));
const kind = arg("--kind", "value");
const keep = process.argv.includes("--keep");
const bytes = sizeMB * 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), "drvsquash-memory-"));
const file = join(dir, `${kind}-${sizeMB}MB.txt`);
const t0 = Date.now();
const fd = openSync(file, "w");
try {
  if (kind === "value") {
    const A = "ssfr95ll5ivkbckm4zw6hhbw57pbr1ci";
    const B = "0sbi7kjkinka3xavsccz4ncmgq0nlnp6";
    writeSync(fd, `- /nix/store/${A}-hello-2.12.drv:{out}\n+ /nix/store/${B}-hello-2.12.drv:{out}\n• The environments do not match:\n    + extra=1\n    buildCommand=''\n`);
    const block = Buffer.from("        echo building the hello package with a long script line →new→ ←old← done\n".repeat(8192));
    for (let n = 0; n < bytes; n += block.length) writeSync(fd, block);
    writeSync(fd, "''\n");
  } else {
    // bench/generate.mjs's --lines is approximate; ~51 bytes a line.
    generateTo({ lines: Math.round(bytes / 51), seed: 1 }, (chunk) => writeSync(fd, chunk));
  }
} finally {
  closeSync(fd);
}
const size = statSync(file).size;
console.log(`wrote ${file}: ${(size / 1048576).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// Peak RSS from /usr/bin/time -v when there is one (it reports a crashed run too),
// else from the child itself (bench/report-rss.mjs, written on a normal exit).
const rssFile = join(dir, "rss");
const haveTime = existsSync("/usr/bin/time");
const node = [process.execPath, "--import", join(repo, "bench", "report-rss.mjs"), join(repo, "bin", "drvsquash.js"), "--format", "json", file];
const t1 = Date.now();
const r = spawnSync(haveTime ? "/usr/bin/time" : node[0], haveTime ? ["-v", ...node] : node.slice(1), {
  env: { ...process.env, BENCH_RSS_FILE: rssFile },
  encoding: "utf8",
  maxBuffer: 1024 * 1024 * 1024,
});
const seconds = (Date.now() - t1) / 1000;
const fromTime = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? "")?.[1];
const rssKiB = fromTime ? Number(fromTime) : existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : NaN;
const rssMB = rssKiB / 1024;
const childErr = (r.stderr ?? "")
  .replace(/\n\tCommand being timed:[\s\S]*$/, "")
  .split("\n")
  .filter((l) => !/^\s*\d+: 0x|^\s*$/.test(l))
  .join(" | ");
let summary = "";
try {
  const report = JSON.parse(r.stdout);
  summary = `${report.input.lines.toLocaleString("en-US")} lines, ${report.summary.pairsPrinted.toLocaleString("en-US")} pairs printed, ${report.causes.length} causes, ${report.input.valuesCut} values cut`;
} catch {
  summary = `no report (${childErr.slice(0, 400) || `status ${r.status}, signal ${r.signal}, ${r.error?.message ?? ""}`})`;
}
// /usr/bin/time exits with the child's status.
console.log(`exit ${r.status}: ${seconds.toFixed(1)} s, ${((size / 1048576) / seconds).toFixed(0)} MB/s, peak RSS ${rssMB.toFixed(0)} MB (input ${(size / 1048576).toFixed(0)} MB); ${summary}`);
if (keep) console.log(`kept ${file}`);
else rmSync(dir, { recursive: true, force: true });
process.exitCode = r.status === 0 && (kind !== "value" || rssMB < 256) ? 0 : 1;
