// Bytes in, parsed tree out. Streams the input through split2 into the
// synchronous parser, so memory follows the tree, not the text: a line longer
// than the cap is cut (and counted), a NUL byte means the input is binary, and
// nix-diff's `--json` output is rendered back to its text form first.

import { Transform, type Readable, type TransformCallback } from "node:stream";
import split2 from "split2";
import type { ParsedDiff } from "../model.js";
import { DiffParser } from "../parse/parser.js";
import { jsonToLines, JsonShapeError } from "../parse/jsonToText.js";
import { PasteRepair } from "./paste.js";
import { sniff, type Sniff } from "./detect.js";

/** Why the input cannot be read as nix-diff output; the CLI prints `message` and exits 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

export interface ReadOptions {
  /** Longest line kept, in bytes; the rest of the line is dropped and counted. */
  maxLineBytes?: number;
  /** Called now and then with bytes and lines read so far (progress display). */
  onProgress?: (bytes: number, lines: number) => void;
}

const SNIFF_BYTES = 64 * 1024;
const DEFAULT_MAX_LINE = 1024 * 1024;

/** Cuts over-long lines and stops at a NUL byte, before split2 buffers anything. */
class LineGuard extends Transform {
  private lineBytes = 0;
  private dropping = false;
  cutLines = 0;
  bytes = 0;
  constructor(private readonly maxLine: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (chunk.indexOf(0) >= 0) {
      done(new InputError("the input contains NUL bytes: it is a binary file, not nix-diff output"));
      return;
    }
    let start = 0;
    const parts: Buffer[] = [];
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl + 1;
      const piece = chunk.subarray(start, end);
      if (this.dropping) {
        if (nl >= 0) {
          parts.push(chunk.subarray(nl, end));
          this.dropping = false;
          this.lineBytes = 0;
        }
      } else {
        const room = this.maxLine - this.lineBytes;
        if (piece.length - (nl >= 0 ? 1 : 0) > room) {
          parts.push(piece.subarray(0, room));
          this.cutLines++;
          if (nl >= 0) parts.push(chunk.subarray(nl, end));
          else this.dropping = true;
          this.lineBytes = nl >= 0 ? 0 : this.maxLine;
        } else {
          parts.push(piece);
          this.lineBytes = nl >= 0 ? 0 : this.lineBytes + piece.length;
        }
      }
      start = end;
    }
    done(null, parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }
}

/** Read one whole input (a file's or stdin's stream) into a parser. */
export async function readDiff(stream: Readable, parser: DiffParser, options: ReadOptions = {}): Promise<void> {
  const head = await readHead(stream, SNIFF_BYTES);
  const kind = sniff(head.bytes);
  rejectUnless(kind);
  if (kind.kind === "nix-diff-json") return readJson(head, stream, parser);

  const guard = new LineGuard(options.maxLineBytes ?? DEFAULT_MAX_LINE);
  const splitter = split2();
  const repair = new PasteRepair();
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown): void => {
      stream.unpipe?.(guard);
      reject(e);
    };
    splitter.on("data", (line: string) => {
      lines++;
      if (line.indexOf("\uFFFD") >= 0) parser.countInvalidUtf8();
      const repaired = repair.push(line);
      if (repaired === null) parser.skipLine();
      else parser.push(repaired);
      if (options.onProgress && (lines & 0xffff) === 0) options.onProgress(guard.bytes, lines);
    });
    splitter.on("end", resolve);
    splitter.on("error", fail);
    guard.on("error", fail);
    stream.on("error", fail);
    guard.pipe(splitter);
    guard.write(head.bytes);
    if (head.ended) guard.end();
    else stream.pipe(guard);
  });
  parser.stats.pasteRepairs += repair.repairs;
  if (guard.cutLines > 0) parser.noteCutLines(guard.cutLines);
}

function rejectUnless(kind: Sniff): void {
  switch (kind.kind) {
    case "nix-diff-text":
    case "nix-diff-json":
      return;
    case "empty":
      throw new InputError("the input is empty: nothing to read (run `nix-diff OLD.drv NEW.drv | drvsquash`)");
    case "binary":
      throw new InputError(`the input is binary, not nix-diff output (${kind.reason})`);
    case "nix-diff-rs":
    case "diff-closures":
    case "nvd":
      throw new InputError(kind.hint);
    case "unknown":
      throw new InputError(`the input does not look like nix-diff output; it starts with: ${kind.sample}`);
  }
}

async function readHead(stream: Readable, want: number): Promise<{ bytes: Buffer; ended: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer | string): void => {
      const b = typeof c === "string" ? Buffer.from(c) : c;
      chunks.push(b);
      size += b.length;
      if (size >= want) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const cleanup = (): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
    };
    const finish = (ended: boolean): void => {
      cleanup();
      if (!ended) stream.pause();
      resolve({ bytes: Buffer.concat(chunks), ended });
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}

async function readJson(head: { bytes: Buffer; ended: boolean }, stream: Readable, parser: DiffParser): Promise<void> {
  const chunks: Buffer[] = [head.bytes];
  if (!head.ended) {
    stream.resume();
    for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  }
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (e) {
    throw new InputError(`the input looks like nix-diff --json output but is not valid JSON (${(e as Error).message})`);
  }
  parser.stats.json = true;
  try {
    for (const line of jsonToLines(doc)) parser.push(line);
  } catch (e) {
    if (e instanceof JsonShapeError) throw new InputError(`the JSON is not nix-diff --json output: ${e.message}`);
    throw e;
  }
}

export type { ParsedDiff };
