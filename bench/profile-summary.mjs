#!/usr/bin/env node
// bench/profile-summary.mjs FILE.cpuprofile|FILE.heapprofile [N]: the top N
// (default 15) self-time functions of a `node --cpu-prof` profile, or the top
// allocation sites of a `node --heap-prof` profile, as file:line function.
// Used to write bench/PROFILE.md.

import { readFileSync } from "node:fs";
import { relative } from "node:path";

const [file, nArg] = process.argv.slice(2);
const N = Number(nArg ?? 15);
const p = JSON.parse(readFileSync(file, "utf8"));
const where = (cf) => {
  const url = cf.url ? relative(process.cwd(), cf.url.replace(/^file:\/\//, "")) : "";
  return `${url || "(native)"}:${cf.lineNumber + 1} ${cf.functionName || "(anonymous)"}`;
};

if (p.nodes && p.samples) {
  // CPU profile: self time = samples whose leaf is the node, × the sampling interval.
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = (p.endTime - p.startTime) / p.samples.length / 1000; // ms per sample
  const self = new Map();
  for (const id of p.samples) {
    const key = where(byId.get(id).callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const total = p.samples.length * dt;
  console.log(`total ${total.toFixed(0)} ms of samples`);
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, N)) console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`);
} else {
  // Heap profile (sampling): bytes allocated per site, self.
  const self = new Map();
  const walk = (n) => {
    const bytes = (n.selfSize ?? 0) || (n.samples ?? []).reduce((x, s) => x + s.size, 0);
    const key = where(n.callFrame);
    self.set(key, (self.get(key) ?? 0) + bytes);
    for (const c of n.children ?? []) walk(c);
  };
  walk(p.head);
  const total = [...self.values()].reduce((x, y) => x + y, 0);
  console.log(`total ${(total / 2 ** 20).toFixed(1)} MB sampled live at exit or allocated (node --heap-prof)`);
  for (const [k, b] of [...self].sort((a, b) => b[1] - a[1]).slice(0, N)) console.log(`${(b / 2 ** 20).toFixed(1).padStart(7)} MB ${((100 * b) / total).toFixed(1).padStart(5)}%  ${k}`);
}
