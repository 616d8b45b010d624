// Runs the CLI's main() in-process, the way a user runs drvsquash.
import { PassThrough, Readable } from "node:stream";
import { main } from "../src/cli.js";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  options: {
    stdin?: string | Buffer;
    stdinTTY?: boolean;
    stdoutTTY?: boolean;
    stderrTTY?: boolean;
    env?: Record<string, string | undefined>;
    columns?: number;
  } = {},
): Promise<RunResult> {
  const stdin = Readable.from(options.stdin === undefined ? [] : [typeof options.stdin === "string" ? Buffer.from(options.stdin) : options.stdin]) as Readable & {
    isTTY?: boolean;
  };
  stdin.isTTY = options.stdinTTY ?? false;
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stdout.isTTY = options.stdoutTTY ?? false;
  if (options.columns !== undefined) stdout.columns = options.columns;
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  stderr.isTTY = options.stderrTTY ?? false;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await main({ argv, stdin, stdout, stderr, env: options.env ?? {} });
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

/** main() with stdin from any stream (runCli takes a string or a Buffer); a stream not marked a TTY is not one. */
export async function runStream(argv: string[], stdin: Readable): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const tty = stdin as Readable & { isTTY?: boolean };
  tty.isTTY ??= false;
  const code = await main({ argv, stdin: tty, stdout, stderr, env: {} });
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

export const samples = new URL("../samples/", import.meta.url);
