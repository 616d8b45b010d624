// The built CLI (`node bin/drvsquash.js`, what the package's bin runs) in a real
// pseudo-terminal, the way a user meets it: colour only when stdout is a
// terminal and NO_COLOR is unset, a usage hint (not a hang) when stdin is a
// terminal and no file is named, and --help with its examples and exit codes.
//
// The terminal comes from util-linux `script -qec CMD /dev/null`, which runs
// CMD with stdin, stdout and stderr on a new pty and exits with CMD's status
// (-e); no native module is needed. Without a working `script` (not Linux,
// no util-linux, no /dev/ptmx) the pty cases are skipped, not failed.
//
// dist/ must be current: `npm test` builds it before vitest starts; run alone,
// this file builds it only if it is missing.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "./build.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repo, "bin", "drvsquash.js");
const sample = join(repo, "samples", "seed-tailscale", "default.txt");
const ESC = "\x1b[";


function scriptWorks(): boolean {
  if (process.platform !== "linux") return false;
  const r = spawnSync("script", ["-qec", "test -t 0 && test -t 1", "/dev/null"], { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
  return r.status === 0;
}
const havePty = scriptWorks();

/** The environment without anything that decides colour, plus `extra`. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  delete e["NO_COLOR"];
  delete e["FORCE_COLOR"];
  delete e["CI"];
  return { ...e, TERM: "xterm-256color", ...extra };
}

interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
  timedOut: boolean;
}

/** Spawns and collects; kills (its own process group) after `timeoutMs`. */
function runProcess(cmd: string, args: string[], options: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: repo, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs ?? 15_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        // A pty turns "\n" into "\r\n".
        out: Buffer.concat(out).toString("utf8").replace(/\r\n/g, "\n"),
        err: Buffer.concat(err).toString("utf8"),
        ms: Date.now() - started,
        timedOut,
      });
    });
  });
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `node bin/drvsquash.js ARGS` with stdin, stdout and stderr on a pseudo-terminal. */
function onPty(args: string[], extraEnv: Record<string, string> = {}, timeoutMs?: number): Promise<Run> {
  const cmd = [process.execPath, cli, ...args].map(quote).join(" ");
  return runProcess("script", ["-qec", cmd, "/dev/null"], { env: env(extraEnv), timeoutMs });
}

/** `node bin/drvsquash.js ARGS` with stdout and stderr pipes (stdin /dev/null). */
function piped(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return runProcess(process.execPath, [cli, ...args], { env: env(extraEnv) });
}

beforeAll(() => {
  ensureBuilt();
}, 120_000);

describe("the built CLI with stdout a pipe", () => {
  it("prints the text report without colour", async () => {
    const r = await piped([sample]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("root causes");
    expect(r.out).not.toContain("\x1b");
  });
});

describe.skipIf(!havePty)("the built CLI in a pseudo-terminal (util-linux script)", () => {
  it("colours the text report", async () => {
    const r = await onPty([sample]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("root causes");
    expect(r.out).toContain(ESC);
  });

  it("does not colour with NO_COLOR=1", async () => {
    const r = await onPty([sample], { NO_COLOR: "1" });
    expect(r.code).toBe(0);
    expect(r.out).toContain("root causes");
    expect(r.out).not.toContain("\x1b");
  });

  it("never colours JSON", async () => {
    const r = await onPty(["--format", "json", sample]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("\x1b");
    expect(JSON.parse(r.out)).toHaveProperty("causes");
  });

  it("with a terminal on stdin and no file, prints a usage hint and exits 2 at once", async () => {
    const r = await onPty([], {}, 10_000);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.out).toContain("pipe it in or name a file");
    expect(r.ms).toBeLessThan(10_000);
  });

  it("--help shows the examples and the exit codes", async () => {
    const r = await onPty(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: drvsquash");
    expect(r.out).toContain("Examples:");
    expect(r.out).toContain("nix-diff /run/current-system ./result | drvsquash");
    expect(r.out).toContain("Exit codes:");
    for (const code of ["0", "1", "2", "3"]) expect(r.out).toMatch(new RegExp(`^ {2}${code} {2}\\S`, "m"));
  });
});
