// What several property tests share: the nix-diff outputs shipped in samples/,
// and a small seeded generator so a failure names a case that can be replayed.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { samples } from "./run.js";

export const samplesDir = fileURLToPath(samples);

/** Every complete nix-diff text output in samples/ (`dir/file`, sorted); the forum fragment is not one. */
export function completeOutputs(): string[] {
  const out: string[] = [];
  for (const d of readdirSync(samplesDir)) {
    const p = join(samplesDir, d);
    if (!statSync(p).isDirectory()) continue;
    for (const f of readdirSync(p)) if (f.endsWith(".txt") || d === "upstream") out.push(`${d}/${f}`);
  }
  return out.sort();
}

/** xorshift32 from `seed`: numbers in [0, 1), the same on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
