// The command line: arguments → options (decided once) → read → analyse →
// render. Only this module touches argv, the environment and the terminal;
// `main` takes them as arguments so tests call it like a user would.

import { createReadStream, readFileSync, readlinkSync, statSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import type { ParsedDiff } from "./model.js";
import yargs from "yargs";
import { analyseDiff, type Analysis } from "./analyse/index.js";
import { looksLike } from "./input/detect.js";
import { checkMemoryBeforeAnalysis, COLLECT_FROM_LINES, collectReadingGarbage } from "./input/memory.js";
import { InputError, readDiff } from "./input/read.js";
import { DiffParser } from "./parse/parser.js";
import { FORMATS, makeContext, type Format, type RenderContext } from "./render/context.js";
import { renderJson, writeJson } from "./render/json.js";
import { renderText } from "./render/text.js";
import { safeLines, safeText } from "./render/sanitize.js";
import { DrvError } from "./closure/aterm.js";
import { ArgumentError, closureRoots, type ClosureRoots } from "./closure/resolve.js";
import { thousands } from "./thousands.js";

/** Exit codes, documented in --help and the README. */
export const EXIT = {
  ok: 0,
  /** With --exit-code: root causes were found (like `git diff --exit-code`). */
  causesFound: 1,
  /** The input could not be used (missing, empty, binary, not nix-diff; --strict and an unknown line), or bad usage. */
  badInput: 2,
  /** A bug in drvsquash. */
  internal: 3,
} as const;

export interface Io {
  argv: string[];
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** stdout was closed when drvsquash started (`>&-`): the report would be lost. */
  stdoutClosed?: boolean;
}

export interface Options {
  files: string[];
  format: Format;
  colour: boolean;
  width: number;
  why: string | null;
  tree: boolean;
  exitCode: boolean;
  strict: boolean;
  showUnrecognized: boolean;
  progress: boolean;
  /** `--store DIR`: read store path `/nix/store/X` from `DIR/X`. */
  store: string | null;
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

const EPILOG = `Examples:
  nix-diff /run/current-system ./result | drvsquash
      the root causes of a system rebuild, in the terminal
  drvsquash saved.log
      the same, from a saved (or pasted) nix-diff output, coloured or not
  drvsquash --format markdown saved.log > report.md
      a condensed report to paste into a forum post or a pull request
  drvsquash --format json saved.log
      the report as JSON (schema/report.schema.json)
  drvsquash --why procps saved.log
      why does procps differ? its chains down to the causes
  drvsquash --tree saved.log
      nix-diff's tree, pruned to the paths that lead to causes
  nix-diff a.drv b.drv | drvsquash --exit-code >/dev/null || echo "rebuild needed"
      script on the result

Exit codes:
  0  report printed (with --exit-code: no root cause found)
  1  with --exit-code: root causes were found
  2  the input could not be used: missing or unreadable file, empty, binary,
     not nix-diff output (nix-diff-rs, diff-closures, nvd, Markdown, build logs
     are named), a bad option, --strict and a line that is not nix-diff's,
     --why NAME and no derivation of that name (the nearest names are given),
     or stdout closed
  3  an internal error in drvsquash (please report it with the input)`;

type Parsed = { argv: Record<string, unknown> | null; output: string; error: Error | null };

function parseArgs(args: string[], version: string, width: number): Promise<Parsed> {
  return new Promise((resolve) => {
    const parser = yargs()
      .scriptName("drvsquash")
      .usage("Usage: drvsquash [options] [FILE...]\n\nReads nix-diff output (stdin, or FILEs; `-` is stdin) and reports the root causes of the difference.")
      .option("format", { alias: "f", choices: FORMATS, default: "text" as Format, describe: "report format" })
      .option("color", { choices: ["auto", "always", "never"] as const, default: "auto", describe: "colour the text report (auto: if stdout is a terminal; NO_COLOR and FORCE_COLOR=0 turn it off)" })
      .option("width", { type: "number", describe: "cut text lines to this many columns (0: never; default: the terminal's width, never when not a terminal)" })
      .option("why", { type: "string", describe: "explain why one derivation (name or package name) differs: its chains down to the causes" })
      .option("tree", { type: "boolean", default: false, describe: "print nix-diff's tree pruned to the pairs on paths to causes" })
      .option("exit-code", { type: "boolean", default: false, describe: "exit 1 when root causes were found, 0 when none" })
      .option("strict", { type: "boolean", default: false, describe: "fail (exit 2) on the first line that is not nix-diff output" })
      .option("show-unrecognized", { type: "boolean", default: false, describe: "list the input lines that were not recognised (on stderr)" })
      .option("progress", { type: "boolean", describe: "show progress on stderr for large files (default: when stderr is a terminal)" })
      .option("store", { type: "string", describe: "with two derivations: read store path /nix/store/X from DIR/X (a copied closure)" })
      .completion("completion", "print a shell completion script (bash/zsh): drvsquash completion >> ~/.bashrc")
      .epilog(EPILOG)
      .version(version)
      .help()
      .alias("h", "help")
      .alias("V", "version")
      // Unknown options are errors; positionals are the files (a default command would hide `completion`).
      .strictOptions()
      .wrap(Math.min(100, width || 100))
      .exitProcess(false);
    // A shell asking for completions gets a first call without them; wait for the one that has them.
    const completing = args.includes("--get-yargs-completions");
    let done = false;
    parser.parse(args, {}, (error: Error | null | undefined, argv: Record<string, unknown>, output: string) => {
      if (done || (completing && !output && !error)) return;
      done = true;
      resolve({ argv: error ? null : argv, output: output ?? "", error: error ?? null });
    });
    if (completing) {
      setTimeout(() => {
        if (!done) resolve({ argv: null, output: "\n", error: null });
      }, 50);
    }
  });
}

export function decideColour(flag: string, env: Io["env"], isTTY: boolean): boolean {
  if (flag === "always") return true;
  if (flag === "never") return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "") return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return isTTY;
}

/** Messages can quote the input or an argument (yargs echoes a bad option): stderr is sanitised whole. */
function writer(io: Io): (stream: Writable, text: string) => void {
  return (stream, text) => {
    stream.write(stream === io.stderr ? safeLines(text) : text);
  };
}

export async function main(io: Io): Promise<number> {
  const write = writer(io);
  const version = packageVersion();
  const parsed = await parseArgs(io.argv, version, io.stdout.columns || 100);
  if (parsed.output && !parsed.error) {
    // --help, --version, completion: yargs has produced the text.
    write(io.stdout, parsed.output.endsWith("\n") ? parsed.output : parsed.output + "\n");
    return EXIT.ok;
  }
  if (parsed.error || !parsed.argv) {
    write(io.stderr, `drvsquash: ${parsed.error?.message ?? "bad arguments"}\nTry drvsquash --help.\n`);
    return EXIT.badInput;
  }
  const a = parsed.argv;
  const format = a["format"] as Format;
  const options: Options = {
    files: ((a["_"] as unknown[] | undefined) ?? []).map(String),
    format,
    colour: format === "text" && decideColour(String(a["color"]), io.env, io.stdout.isTTY === true),
    // A terminal that reports 0 columns (no controlling terminal, as under `script` in CI) gets 100;
    // a report saved to a file or piped on keeps whole lines.
    width: typeof a["width"] === "number" && Number.isFinite(a["width"]) ? Math.max(0, a["width"] as number) : io.stdout.isTTY ? io.stdout.columns || 100 : 0,
    why: typeof a["why"] === "string" ? (a["why"] as string) : null,
    tree: a["tree"] === true,
    exitCode: a["exitCode"] === true,
    strict: a["strict"] === true,
    showUnrecognized: a["showUnrecognized"] === true,
    progress: typeof a["progress"] === "boolean" ? (a["progress"] as boolean) : io.stderr.isTTY === true && !io.env.CI,
    store: typeof a["store"] === "string" ? (a["store"] as string) : null,
  };

  if (io.stdoutClosed && !options.exitCode) {
    write(io.stderr, "drvsquash: stdout is closed, so the report has nowhere to go (redirect it to a file, or to /dev/null to discard it)\n");
    return EXIT.badInput;
  }

  // Two derivations or output paths: read the closures themselves.
  let roots: ClosureRoots | null = null;
  try {
    roots = closureRoots(options.files, options.store);
    if (roots) {
      // Loaded only for closures: a pipe of nix-diff text starts without the walk and the comparer.
      const { analyseClosures } = await import("./closure/index.js");
      const { analysis, diff } = analyseClosures(roots, { source: `${roots.old} ${roots.new}`, version });
      return await output(analysis, diff, options, io);
    }
  } catch (e) {
    if (e instanceof DrvError || e instanceof ArgumentError) {
      write(io.stderr, `drvsquash: ${e instanceof DrvError ? `${safeText(e.file)}: ` : ""}${safeText(e.message)}\n`);
      return EXIT.badInput;
    }
    throw e;
  }

  if (options.files.length === 0 && io.stdin.isTTY) {
    write(
      io.stderr,
      "drvsquash: reading nix-diff output from the terminal is not useful; pipe it in or name a file:\n" +
        "  nix-diff OLD.drv NEW.drv | drvsquash\n  drvsquash saved.log\n(drvsquash --help for more)\n",
    );
    return EXIT.badInput;
  }

  let parser: DiffParser | null = new DiffParser();
  const sources = options.files.length === 0 ? ["-"] : options.files;
  let reading = "stdin";
  try {
    for (const file of sources) {
      reading = file === "-" ? "stdin" : file;
      const progress = options.progress ? progressFor(file, io) : null;
      try {
        await readDiff(openInput(file, io), parser, progress ? { onProgress: progress.update } : {});
      } finally {
        progress?.done();
      }
    }
  } catch (e) {
    if (e instanceof InputError) {
      write(io.stderr, `drvsquash: ${sources.length > 1 || sources[0] !== "-" ? `${safeText(reading)}: ` : ""}${safeText(e.message)}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
  const diff = parser.end();
  // Its Maps and buffers are not needed any more: collectable (below).
  parser = null;
  if (options.showUnrecognized) {
    for (const u of diff.stats.unrecognizedSample) write(io.stderr, `unrecognized line ${u.line}: ${safeText(u.text)}\n`);
    if (diff.stats.unrecognized > diff.stats.unrecognizedSample.length) {
      write(io.stderr, `… and ${diff.stats.unrecognized - diff.stats.unrecognizedSample.length} more\n`);
    }
  }
  if (options.strict && diff.stats.unrecognized > 0) {
    const first = diff.stats.unrecognizedSample[0];
    write(io.stderr, `drvsquash: --strict: line ${first?.line ?? "?"} is not nix-diff output: ${safeText(first?.text ?? "")}\n`);
    return EXIT.badInput;
  }
  if (diff.pairs.length === 0) {
    write(io.stderr, "drvsquash: no nix-diff output found in the input (no derivation pair or section heading was recognised)\n");
    return EXIT.badInput;
  }
  // A few nix-diff words in someone's own summary are not nix-diff output: without a single
  // path line and with most lines something else, reporting "0 root causes" would mislead.
  const written = diff.stats.lines - diff.stats.blank;
  if (diff.pairs.every((p) => p.inferred) && diff.stats.nixDiffLines * 2 < written) {
    const kind = looksLike(diff.stats.unrecognizedSample.map((u) => u.text));
    write(
      io.stderr,
      `drvsquash: no nix-diff output found in the input: no derivation path line, and ${diff.stats.nixDiffLines} of ${written} lines read as nix-diff's` +
        `${kind ? ` (the rest looks like ${kind})` : ""}; give nix-diff's own output (\`nix-diff OLD.drv NEW.drv | drvsquash\`)\n`,
    );
    return EXIT.badInput;
  }

  try {
    // Before the check, so that it counts what the input holds, not what reading it left behind.
    if (diff.stats.lines >= COLLECT_FROM_LINES) collectReadingGarbage();
    checkMemoryBeforeAnalysis();
  } catch (e) {
    write(io.stderr, `drvsquash: ${(e as Error).message}\n`);
    return EXIT.badInput;
  }
  return await output(analyseDiff(diff, { source: sources.join(" "), version }), diff, options, io);
}

/** The report (or --why, --tree) on stdout, the same for both front ends; the exit code. */
async function output(analysis: Analysis, diff: ParsedDiff, options: Options, io: Io): Promise<number> {
  const write = writer(io);
  const report = analysis.report;
  const ctx: RenderContext = makeContext(options.colour, options.width);
  if (options.why !== null) {
    // --why, --tree and Markdown are loaded when asked for: the common pipe starts sooner (issue 11's 10-line target).
    const [{ explainWhy, whyFoundNothing }, { renderWhy }] = await Promise.all([import("./analyse/why.js"), import("./render/why.js")]);
    const why = explainWhy(analysis, diff, options.why);
    if (whyFoundNothing(why)) {
      const near = why.nearest.length > 0 ? `; nearest: ${why.nearest.map(safeText).join(", ")}` : "";
      write(io.stderr, `drvsquash: --why: no derivation named ${safeText(why.query)} in the input${near}\n`);
      return EXIT.badInput;
    }
    write(io.stdout, renderWhy(report, why, options.format, ctx));
    return EXIT.ok;
  }
  if (options.format === "json" && !options.tree) writeJson(report, (chunk) => write(io.stdout, chunk));
  else write(io.stdout, await render(analysis, diff, options, ctx));
  const realCauses = report.causes.filter((c) => c.kind !== "unexplained").length;
  return options.exitCode && realCauses > 0 ? EXIT.causesFound : EXIT.ok;
}

const PROGRESS_MIN_BYTES = 20 * 1024 * 1024;

/** Bytes and lines read, on stderr, for big files; cleared when done. */
function progressFor(file: string, io: Io): { update: (bytes: number, lines: number) => void; done: () => void } | null {
  if (file === "-") return null;
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    return null;
  }
  if (size < PROGRESS_MIN_BYTES) return null;
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update: (bytes, lines) => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      const mb = bytes / 1048576;
      const rate = mb / Math.max(0.001, (now - started) / 1000);
      io.stderr.write(`\r\x1b[Kdrvsquash: ${mb.toFixed(0)} of ${(size / 1048576).toFixed(0)} MB, ${thousands(lines)} lines (${rate.toFixed(0)} MB/s)`);
    },
    done: () => {
      if (shown) io.stderr.write("\r\x1b[K");
    },
  };
}

function openInput(file: string, io: Io): Readable {
  if (file === "-") return io.stdin;
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new InputError("no such file");
  }
  if (st.isDirectory()) throw new InputError("is a directory; give a file holding nix-diff output");
  return createReadStream(file);
}

async function render(analysis: Analysis, diff: ReturnType<DiffParser["end"]>, options: Options, ctx: RenderContext): Promise<string> {
  const report = analysis.report;
  if (options.tree) {
    const [{ prunedTree }, { renderTree }] = await Promise.all([import("./analyse/tree.js"), import("./render/tree.js")]);
    return renderTree(report, prunedTree(analysis, diff), options.format, ctx);
  }
  switch (options.format) {
    case "json":
      return renderJson(report);
    case "markdown":
      return (await import("./render/markdown.js")).renderMarkdown(report);
    case "text":
      return renderText(report, ctx);
  }
}

/**
 * Node reopens a closed stdout (`>&-`) on /dev/null before any code runs, so
 * writes to it succeed and the report is lost in silence. It opens it
 * read-write, where a shell's `>/dev/null` opens it write-only: on Linux,
 * /proc tells the two apart. (Elsewhere this cannot be known: false.)
 */
function stdoutWasClosed(): boolean {
  try {
    if (readlinkSync("/proc/self/fd/1") !== "/dev/null") return false;
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync("/proc/self/fdinfo/1", "utf8"));
    return flags !== null && (parseInt(flags[1]!, 8) & 3) === 2;
  } catch {
    return false;
  }
}

/** The one line for a bug: its message made inert and cut short (a message can quote a whole input line). */
export function internalErrorMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const text = safeText(raw.length > 300 ? raw.slice(0, 300) : raw);
  return `drvsquash: internal error: ${text.length > 300 || raw.length > 300 ? text.slice(0, 300) + "…" : text} (please report it, with the input)\n`;
}

/** Entry point for bin/drvsquash.js: the real process, quiet on a closed pipe. */
export function run(): void {
  // A reader that went away (`| head`) ends us quietly; any other write error
  // (a full disk, a closed terminal) is one line on stderr and exit 2, not a trace.
  let failed = false;
  const onWriteError = (stream: "stdout" | "stderr") => (e: NodeJS.ErrnoException): void => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    if (failed) return;
    failed = true;
    if (stream === "stdout") {
      try {
        process.stderr.write(`drvsquash: cannot write the report: ${safeText(e.message)}\n`);
      } catch {
        // stderr is gone too: nothing left to tell.
      }
    }
    process.exit(EXIT.badInput);
  };
  process.stdout.on("error", onWriteError("stdout"));
  process.stderr.on("error", onWriteError("stderr"));
  // If main() never settles (a stream that neither ends nor fails), Node would exit 0 in silence.
  let settled = false;
  process.on("beforeExit", () => {
    if (settled) return;
    settled = true;
    process.stderr.write("drvsquash: internal error: the input was never finished reading (please report it, with the input)\n");
    process.exitCode = EXIT.internal;
  });
  main({ argv: process.argv.slice(2), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, stdoutClosed: stdoutWasClosed() }).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e: unknown) => {
      settled = true;
      process.stderr.write(internalErrorMessage(e));
      if (process.env.DRVSQUASH_DEBUG) process.stderr.write(`${safeLines((e as Error)?.stack ?? "")}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
