// The built CLI (`node bin/drvsquash.js`) as a process in a pipeline: a reader
// that goes away (`| head`) ends it quietly, Ctrl-C stops it at once, a slow
// reader still gets every byte, and an input it gives up on does not keep it
// waiting for the writer. These need a real process (signals, closed pipes,
// file descriptors), so they spawn one; `npm test` builds dist/ first.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTo } from "../bench/generate.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repo, "bin", "drvsquash.js");
const work = mkdtempSync(join(tmpdir(), "drvsquash-pipes-"));
/** ~2.5 MB of valid nix-diff: its --tree and JSON reports are far bigger than a pipe's buffer. */
const big = join(work, "big.txt");
const STACK = /\n\s+at |EPIPE|Unhandled|node:internal|internal error/;

beforeAll(() => {
  if (!existsSync(join(repo, "dist", "drvsquash.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does)");
  const fd = openSync(big, "w");
  try {
    generateTo({ lines: 50_000, seed: 7 }, (chunk) => writeSync(fd, chunk));
  } finally {
    closeSync(fd);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sh(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", ["-c", script], { cwd: repo, encoding: "utf8", timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Spawn the CLI with stdin, stdout and stderr as pipes; `exited` resolves when it is gone. */
function start(args: string[]): { child: ChildProcessWithoutNullStreams; exited: Promise<Exit> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [cli, ...args], { cwd: repo, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.on("error", () => {}); // the child may stop reading first: that is what some tests check
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const exited = new Promise<Exit>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, ms: Date.now() - t0, stdout, stderr }));
  });
  return { child, exited };
}

/** Resolves with the exit, or with null if the process is still running after `ms` (then kills it). */
async function within(run: { child: ChildProcessWithoutNullStreams; exited: Promise<Exit> }, ms: number): Promise<Exit | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  const r = await Promise.race([run.exited, late]);
  clearTimeout(timer);
  if (r === null) {
    run.child.kill("SIGKILL");
    await run.exited;
  }
  return r;
}

// Every test spawns node at least once; on a loaded 2-core machine that takes more than vitest's default 5 s.
const SLOW = { timeout: 30_000 };

describe("a reader that goes away", SLOW, () => {
  it("`drvsquash --tree big | head -n 1` ends quietly: no EPIPE, no stack trace", () => {
    for (const args of ["--color always --tree", "--format json"]) {
      const r = sh(`node bin/drvsquash.js ${args} ${big} | head -n 1; echo "status \${PIPESTATUS[0]}" >&2`);
      expect({ args, stdoutLines: r.stdout.split("\n").length }).toEqual({ args, stdoutLines: 2 });
      expect({ args, stderr: r.stderr }).toEqual({ args, stderr: "status 0\n" });
    }
  });

  it("`drvsquash --version | true` (the fast path in the shim) ends quietly", () => {
    // `true` exits before node has started, so the write meets a closed pipe every time.
    for (let i = 0; i < 3; i++) {
      const r = sh(`node bin/drvsquash.js --version | true; echo "status \${PIPESTATUS[0]}" >&2`);
      expect(r.stderr).toBe("status 0\n");
    }
  });

  it("--version to a full disk: one line, exit 2", () => {
    if (!existsSync("/dev/full")) return;
    const r = sh("node bin/drvsquash.js --version > /dev/full");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("drvsquash: cannot write to stdout: ENOSPC: no space left on device, write\n");
  });

  it("a report to a full disk: one line on stderr, exit 2, no stack trace", () => {
    if (!existsSync("/dev/full")) return;
    const r = sh(`node bin/drvsquash.js ${join(repo, "samples", "env-change", "default.txt")} > /dev/full`);
    expect(r.stderr).toBe("drvsquash: cannot write the report: ENOSPC: no space left on device, write\n");
    expect(r.status).toBe(2);
  });
});

describe("Ctrl-C", SLOW, () => {
  it("stops a run reading from a stdin that never ends, within 2 s", async () => {
    const run = start([]);
    run.child.stdin.write(readFileSync(big).subarray(0, 1024 * 1024)); // more than the sniffed head: parsing has begun
    await new Promise((r) => setTimeout(r, 400));
    run.child.kill("SIGINT");
    const sent = Date.now();
    const r = await within(run, 2000);
    expect(r).not.toBeNull();
    expect(r!.signal === "SIGINT" || r!.code === 130).toBe(true);
    expect(Date.now() - sent).toBeLessThan(2000);
    expect(r!.stderr).not.toMatch(STACK);
  });

  it("stops a run in the middle of a big input, within 2 s", async () => {
    const run = start(["--format", "json"]);
    const data = readFileSync(big);
    // Feed it as fast as it reads; interrupt while it is busy.
    run.child.stdin.write(data);
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill("SIGINT");
    const r = await within(run, 2000);
    expect(r).not.toBeNull();
    expect(r!.signal === "SIGINT" || r!.code === 130).toBe(true);
  });
});

describe("output is complete", SLOW, () => {
  it("to a reader that starts late and reads slowly: the JSON ends with `}`", async () => {
    const run = start(["--format", "json", big]);
    run.child.stdout.pause();
    await new Promise((r) => setTimeout(r, 500));
    // Read in dribs: one chunk every few milliseconds.
    run.child.stdout.on("readable", () => {});
    const slow = setInterval(() => run.child.stdout.read(4096), 2);
    const r = await run.exited;
    clearInterval(slow);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const last = r.stdout.trimEnd().split("\n").pop();
    expect(last).toBe("}");
    expect(JSON.parse(r.stdout).input.lines).toBeGreaterThan(45_000);
  });

  it("through `| (sleep 0.3; cat)`: every byte arrives", () => {
    const direct = join(work, "direct.json");
    const slow = join(work, "slow.json");
    const r = sh(`node bin/drvsquash.js --format json ${big} > ${direct}; node bin/drvsquash.js --format json ${big} | (sleep 0.3; cat) > ${slow}`);
    expect(r.stderr).toBe("");
    const all = readFileSync(direct, "utf8");
    expect(all.length).toBeGreaterThan(100_000);
    expect(readFileSync(slow, "utf8")).toBe(all);
    expect(all.trimEnd().split("\n").pop()).toBe("}");
  });
});

describe("an input it gives up on does not keep it waiting", SLOW, () => {
  it("a NUL byte past the sniffed head, with the writer still there: exit 2 at once", async () => {
    const run = start([]);
    run.child.stdin.write(Buffer.concat([readFileSync(big).subarray(0, 100_000), Buffer.from([0])]));
    const r = await within(run, 3000);
    expect(r).not.toBeNull();
    expect(r!.code).toBe(2);
    expect(r!.stderr).toBe("drvsquash: the input is binary, not nix-diff output (a NUL byte at offset 100000)\n");
    run.child.stdin.destroy();
  });

  it("something else (a little over the 64 KiB sniffed), with the writer still there: exit 2 at once", async () => {
    const run = start([]);
    // What is left after the sniffed head is too little to fill the stream's buffer and stop the reading.
    run.child.stdin.write("just some words\n".repeat(4500));
    const r = await within(run, 3000);
    expect(r).not.toBeNull();
    expect(r!.code).toBe(2);
    expect(r!.stderr).toContain("does not look like nix-diff output");
    run.child.stdin.destroy();
  });

  it("stdin is a directory (`drvsquash < dir`): said, not taken for empty input", () => {
    const r = sh("node bin/drvsquash.js < samples");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("drvsquash: stdin is a directory, not nix-diff output; give a file, or pipe nix-diff into drvsquash\n");
  });
});
