#!/usr/bin/env node
// Thin shim: all behaviour lives in src/cli.ts (compiled and bundled into
// dist/drvsquash.js by `npm run build`, scripts/build.mjs).
// `--version` alone is answered here, before the CLI and its dependencies load:
// scripts call it often and Node's own start-up is most of its cost.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // `drvsquash --version | true`: the reader may be gone before we write; a
  // closed pipe is not worth a stack trace, and another write error (a full
  // disk) is one line, exit 2: not 1 (that means "causes found"), not 3 (a bug).
  process.stdout.on("error", (e) => {
    if (e.code === "EPIPE") return;
    process.stderr.on("error", () => {});
    process.stderr.write(`drvsquash: cannot write to stdout: ${e.message}\n`);
    process.exitCode = 2;
  });
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { run } = await import("../dist/drvsquash.js");
  run();
}
