#!/usr/bin/env node
// Thin shim: all behaviour lives in src/cli.ts (compiled to dist/ by `npm run build`).
// `--version` alone is answered here, before the CLI and its dependencies load:
// scripts call it often and Node's own start-up is most of its cost.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { run } = await import("../dist/cli.js");
  run();
}
