// Progress on stderr while reading a big file: only for a file over 20 MB,
// only when stderr is a terminal, never in CI, and cleared when done.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { runCli } from "./run.js";

let dir = "";
let big = "";
let small = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "drvsquash-progress-"));
  big = join(dir, "big.txt");
  small = join(dir, "small.txt");
  writeFileSync(big, generate({ lines: 450_000, seed: 7, color: false, legacy: false }));
  writeFileSync(small, generate({ lines: 2_000, seed: 7, color: false, legacy: false }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("progress", () => {
  it("shows bytes, lines and rate on a terminal for a file over 20 MB, then clears itself", { timeout: 60_000 }, async () => {
    const { code, stderr } = await runCli(["--format", "json", big], { stderrTTY: true });
    expect(code).toBe(0);
    expect(stderr).toMatch(/\r\x1b\[Kdrvsquash: \d+ of \d+ MB, [\d,]+ lines \(\d+ MB\/s\)/);
    expect(stderr.endsWith("\r\x1b[K")).toBe(true);
  });

  it("never when stderr is not a terminal, never in CI, never for a small file", { timeout: 60_000 }, async () => {
    expect((await runCli(["--format", "json", big], { stderrTTY: false })).stderr).toBe("");
    expect((await runCli(["--format", "json", big], { stderrTTY: true, env: { CI: "true" } })).stderr).toBe("");
    expect((await runCli(["--format", "json", small], { stderrTTY: true })).stderr).toBe("");
  });
});
