// Builds small closures of `.drv` files for the tests: ATerm written as Nix
// writes it, store paths with hashes derived from the content (so a change
// below changes every output path above it, as input addressing does, and a
// fixed output's path depends only on its name and hash).
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const STORE = "/nix/store";
const B32 = "0123456789abcdfghijklmnpqrsvwxyz";

function hash32(s: string): string {
  const d = createHash("sha256").update(s).digest();
  let out = "";
  for (let i = 0; i < 32; i++) out += B32[d[i]! % 32];
  return out;
}

export interface Ref {
  /** The .drv store path. */
  drv: string;
  name: string;
  /** Output name → store path. */
  out: Record<string, string>;
}

export interface DrvSpec {
  name: string;
  outputs?: string[];
  /** Fixed output: `{ algo: "r:sha256", hash }`; its only output is `out`. */
  fixed?: { algo: string; hash: string };
  inputs?: [Ref, string[]][];
  srcs?: string[];
  env?: Record<string, string>;
  builder?: string;
  args?: string[];
  system?: string;
  /** Write `DrvWithVersion("xp-dyn-drv", …)`. */
  withVersion?: boolean;
}

export const esc = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;

export class Kit {
  readonly dir: string;
  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), "drvsquash-closure-"));
    mkdirSync(this.dir, { recursive: true });
  }

  file(base: string): string {
    return join(this.dir, base);
  }

  src(name: string, content: string): string {
    const p = `${STORE}/${hash32(`src:${name}:${content}`)}-${name}`;
    writeFileSync(this.file(p.slice(STORE.length + 1)), content);
    return p;
  }

  drv(spec: DrvSpec): Ref {
    const outputs = spec.fixed ? ["out"] : [...(spec.outputs ?? ["out"])].sort();
    const inputs = [...(spec.inputs ?? [])].sort((a, b) => (a[0].drv < b[0].drv ? -1 : 1));
    const srcs = [...(spec.srcs ?? [])].sort();
    const builder = spec.builder ?? "/bin/sh";
    const system = spec.system ?? "x86_64-linux";
    const seed = JSON.stringify({ ...spec, inputs: inputs.map(([r, o]) => [r.out, o]) });
    const out: Record<string, string> = {};
    for (const o of outputs) {
      out[o] = spec.fixed ? `${STORE}/${hash32(`fixed:${spec.name}:${spec.fixed.hash}`)}-${spec.name}` : `${STORE}/${hash32(`${seed}:${o}`)}-${spec.name}${o === "out" ? "" : `-${o}`}`;
    }
    const env: Record<string, string> = { builder, name: spec.name, system, ...spec.env };
    for (const o of outputs) env[o] = out[o]!;
    if (spec.fixed) Object.assign(env, { outputHash: spec.fixed.hash, outputHashMode: spec.fixed.algo.startsWith("r:") ? "recursive" : "flat" });
    const envKeys = Object.keys(env).sort();
    const text =
      (spec.withVersion ? `DrvWithVersion("xp-dyn-drv",` : "Derive(") +
      `[${outputs.map((o) => `(${esc(o)},${esc(out[o]!)},${esc(spec.fixed ? spec.fixed.algo : "")},${esc(spec.fixed ? spec.fixed.hash : "")})`).join(",")}],` +
      `[${inputs.map(([r, o]) => `(${esc(r.drv)},[${[...o].sort().map(esc).join(",")}])`).join(",")}],` +
      `[${srcs.map(esc).join(",")}],${esc(system)},${esc(builder)},[${(spec.args ?? []).map(esc).join(",")}],` +
      `[${envKeys.map((k) => `(${esc(k)},${esc(env[k]!)})`).join(",")}])`;
    const drv = `${STORE}/${hash32(text)}-${spec.name}.drv`;
    writeFileSync(this.file(drv.slice(STORE.length + 1)), text);
    return { drv, name: spec.name, out };
  }
}
