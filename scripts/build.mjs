#!/usr/bin/env node
// `npm run build`: tsc compiles src/ into dist/ module by module (what the
// tests and bench scripts import), then rolldown bundles dist/cli.js into
// dist/drvsquash.js and the chunks it loads on demand (closure reader,
// --why, --tree, markdown), which bin/drvsquash.js runs. Node loads ~35
// modules one by one in ~15 ms of a 10-line run; the bundle is 8 files.
// yargs, split2 and picocolors stay packages of their own (not bundled).
//
// `--out DIR` builds into DIR instead of dist/ (test/build.ts builds aside,
// then renames into place).
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const repo = fileURLToPath(new URL("..", import.meta.url));
const at = process.argv.indexOf("--out");
const out = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : join(repo, "dist");

const tsc = spawnSync(process.execPath, [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", join(repo, "tsconfig.build.json"), "--outDir", out], {
  cwd: repo,
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// A chunk's name carries its content's hash: drop the previous build's.
for (const f of readdirSync(out)) if (f.startsWith("drvsquash")) rmSync(join(out, f));
const bundle = await rolldown({
  input: { drvsquash: join(out, "cli.js") },
  platform: "node",
  // Anything imported by a bare name is a package (or node:): loaded as it is.
  external: (id) => !id.startsWith(".") && !id.startsWith("/"),
  logLevel: "warn",
});
await bundle.write({ dir: out, format: "esm", entryFileNames: "[name].js", chunkFileNames: "drvsquash-[name]-[hash].js" });
await bundle.close();
