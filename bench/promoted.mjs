#!/usr/bin/env node
// bench/promoted.mjs [--analyse] FILE [N]: where the old generation's garbage
// comes from. Reads and parses FILE (as drvsquash does; with --analyse, then
// analyses it, as for a report) twice, in two
// child processes, under V8's sampling heap profiler: once keeping the samples
// of objects a full collection freed (`includeObjectsCollectedByMajorGC`), so
// it counts every object that left the young generation, dead or alive; once
// without, so it counts what is still alive at the end. Per allocation site,
// the first minus the second is garbage that was promoted or pretenured (V8
// allocates straight into the old generation at sites whose objects mostly
// survive, short-lived ones included), which a run with few full collections
// keeps in its peak. Prints the top N sites (default 15). Used to write
// bench/PROFILE.md (seventh session); needs `npm run build` first.

import { spawnSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { Session } from "node:inspector/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const analyse = args[0] === "--analyse";
if (analyse) args.shift();
const [file, nArg, mode] = args;

if (mode === "--child-all" || mode === "--child-live") {
  // Child: profile one read, print the per-site bytes as JSON.
  const { DiffParser } = await import(new URL("../dist/parse/parser.js", import.meta.url).href);
  const { readDiff } = await import(new URL("../dist/input/read.js", import.meta.url).href);
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 8192,
    includeObjectsCollectedByMajorGC: mode === "--child-all",
    includeObjectsCollectedByMinorGC: false,
  });
  const parser = new DiffParser({});
  await readDiff(createReadStream(file), parser, {});
  const diff = parser.end();
  if (analyse) {
    const { analyseDiff } = await import(new URL("../dist/analyse/index.js", import.meta.url).href);
    analyseDiff(diff, { source: file, version: "bench" });
  }
  const { profile } = await session.post("HeapProfiler.stopSampling");
  const bySite = {};
  const walk = (n) => {
    const cf = n.callFrame;
    const url = cf.url ? relative(ROOT, cf.url.replace(/^file:\/\//, "")) : "(native)";
    const key = `${url}:${cf.lineNumber + 1} ${cf.functionName || "(anonymous)"}`;
    bySite[key] = (bySite[key] ?? 0) + (n.selfSize ?? 0);
    for (const c of n.children ?? []) walk(c);
  };
  walk(profile.head);
  // Read after the profile is taken, so the tree is alive when it is.
  process.stdout.write(JSON.stringify({ pairs: diff.pairs.length, bySite }));
} else {
  if (!file) {
    console.error("usage: node bench/promoted.mjs [--analyse] FILE [N]");
    process.exit(2);
  }
  const N = Number(nArg ?? 15);
  const run = (m) => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...(analyse ? ["--analyse"] : []), file, "0", m], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    return JSON.parse(r.stdout);
  };
  const { pairs, bySite: all } = run("--child-all");
  const { bySite: live } = run("--child-live");
  const MB = (b) => (b / 2 ** 20).toFixed(1).padStart(7);
  const sum = (o) => Object.values(o).reduce((x, y) => x + y, 0);
  // The two runs sample independently, so a small site's difference is noise (one sample is ~8 kB).
  const rows = Object.keys(all).map((k) => [k, all[k], live[k] ?? 0]).sort((a, b) => b[1] - b[2] - (a[1] - a[2]));
  console.log(`${file} (${pairs.toLocaleString("en-US")} pairs): ${MB(sum(all))} MB left the young generation, ${MB(sum(live))} MB of it alive at the end (sampled)`);
  console.log("  garbage MB   alive MB  site");
  for (const [k, a, l] of rows.slice(0, N)) console.log(`  ${MB(Math.max(0, a - l))}    ${MB(l)}  ${k}`);
}
