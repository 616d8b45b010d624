// Bytes in, parsed tree out. Streams the input through split2 into the
// synchronous parser, so memory follows the tree, not the text: a line longer
// than the cap is cut (and counted), a NUL byte means the input is binary, and
// nix-diff's `--json` output is rendered back to its text form first.
//
// Whatever goes wrong with the input becomes an `InputError` (the CLI prints
// its one-line message and exits 2): a read error (EIO, EACCES, a directory on
// stdin) is the input's problem, not a bug. And whenever reading stops early,
// the source stream is destroyed: a process that has given up on its input
// must not keep waiting for a writer that never stops.

import { isUtf8 } from "node:buffer";
import { fstatSync } from "node:fs";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import split2 from "split2";
import { loneCrToLf, LoneCrToLf } from "./lineEnds.js";
import { MemoryGuard } from "./memory.js";
import type { ParsedDiff } from "../model.js";
import { DiffParser } from "../parse/parser.js";
import { IndentRepair, looksCutAtWidth, MIN_CUT_WIDTH, PasteRepair } from "./paste.js";
import { sniff, type Sniff } from "./detect.js";
import { thousands } from "../thousands.js";

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
  /** Largest `nix-diff --json` document read (it is parsed whole), in bytes. */
  maxJsonBytes?: number;
  /** Called now and then with bytes and lines read so far (progress display). */
  onProgress?: (bytes: number, lines: number) => void;
}

const SNIFF_BYTES = 64 * 1024;
const DEFAULT_MAX_LINE = 1024 * 1024;
// JSON.parse needs the whole text as one string, and several times its size
// in memory; V8 cannot even build a string much over 512 MiB.
const DEFAULT_MAX_JSON = 256 * 1024 * 1024;

/**
 * A system error from reading (EIO, EACCES, EISDIR, …) as an InputError;
 * anything else (Node's own ERR_* codes included: those are bugs) unchanged.
 */
function asInputError(e: unknown): unknown {
  if (e instanceof InputError) return e;
  const err = e as NodeJS.ErrnoException | null;
  if (err && typeof err === "object" && typeof err.code === "string" && /^E[A-Z0-9]+$/.test(err.code) && typeof err.message === "string") {
    return new InputError(`cannot read the input: ${err.message}`);
  }
  return e;
}

/**
 * Length of `b` without a UTF-8 sequence cut at its end: a line cut in the
 * middle of a character would otherwise show (and count) a U+FFFD that is
 * not in the input.
 */
function utf8Boundary(b: Buffer): number {
  let i = b.length - 1;
  const stop = Math.max(0, b.length - 4);
  while (i >= stop && (b[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return b.length;
  const lead = b[i]!;
  if (lead < 0xc0) return b.length; // ASCII, or stray continuation bytes: nothing to keep whole
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return i + need > b.length ? i : b.length;
}

/**
 * `chunk` after what `carry` held back from the chunk before, cut after its
 * last whole character: `bytes` ends on a character, and the new `carry` (at
 * most 3 bytes, or null) starts one the next chunk finishes.
 */
function alignToCharacters(carry: Buffer | null, chunk: Buffer): { bytes: Buffer; carry: Buffer | null } {
  const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
  const end = utf8Boundary(bytes);
  return end < bytes.length ? { bytes: bytes.subarray(0, end), carry: Buffer.from(bytes.subarray(end)) } : { bytes, carry: null };
}

const REPLACEMENT_CHARACTER = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Whether decoding the bytes seen so far can have given a U+FFFD (bytes that
 * are not UTF-8, or a U+FFFD in the input itself). Until it can, no line needs
 * searching for one: a chunk is checked whole, natively, before its lines are
 * split, and a character split between two chunks is checked with both. (The
 * line guard feeds it bytes it has already cut at characters, so there its
 * carry holds at most an invalid lead; the watch is right for any chunks.)
 */
export class Utf8Watch {
  doubt = false;
  /** The last chunk's unfinished last character (at most 3 bytes). */
  private carry: Buffer | null = null;

  see(chunk: Buffer): void {
    if (this.doubt) return;
    const { bytes, carry } = alignToCharacters(this.carry, chunk);
    this.carry = carry;
    if (!isUtf8(bytes) || bytes.indexOf(REPLACEMENT_CHARACTER) >= 0) this.doubt = true;
  }

  /** The input has ended: a character left unfinished is decoded as U+FFFD. */
  end(): void {
    if (this.carry) this.doubt = true;
  }
}

/** Bytes at the end of a line that tell lines of the same length apart. */
const TAIL = 16;

/** Lines shorter than this (nearly all) are counted by length in an array, the rest in a Map. */
const SHORT_LINE = 4096;

/** Distinct lines a width must hold to be taken as a cut (looksCutAtWidth asks as many lines). */
const MIN_DISTINCT_AT_WIDTH = 5;

/**
 * A line nix-diff would not have ended there: a path line (`- /…`) that does
 * not end in `}`, or a text diff with an odd number of `←` or `→` markers
 * (nix-diff closes each span it opens on a line).
 */
function looksUnfinished(line: Buffer): boolean {
  let i = 0;
  while (i < line.length && line[i] === 0x20) i++;
  if ((line[i] === 0x2d || line[i] === 0x2b) && line[i + 1] === 0x20 && line[i + 2] === 0x2f) {
    let end = line.length - 1;
    while (end > i && (line[end] === 0x20 || line[end] === 0x0d)) end--;
    if (line[end] !== 0x7d) return true;
  }
  let olds = 0;
  let news = 0;
  for (let k = line.indexOf(0xe2, i); k >= 0 && k + 2 < line.length; k = line.indexOf(0xe2, k + 1)) {
    if (line[k + 1] !== 0x86) continue;
    if (line[k + 2] === 0x90) olds++;
    else if (line[k + 2] === 0x92) news++;
  }
  return olds % 2 === 1 || news % 2 === 1;
}

/** FNV-1a of a few bytes. */
function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * Cuts over-long lines and stops at a NUL byte, before split2 buffers
 * anything. On the way it counts line lengths in bytes (as `cut -c` counts)
 * and, per length, how many different lines have it (by their last bytes), so
 * that a paste cut at a fixed width can be told from one whose longest line
 * merely repeats (the same output pasted twice).
 */
class LineGuard extends Transform {
  /** Bytes of the current line passed on (the cap applies to these). */
  private lineBytes = 0;
  /** Bytes of the current line in the input, passed on or not. */
  private lineLength = 0;
  /** Last bytes of the current line from earlier chunks, when it spans chunks. */
  private tail: Buffer | null = null;
  private dropping = false;
  /** Line length (bytes, without the newline) → number of lines. */
  private readonly shortLengths = new Uint32Array(SHORT_LINE);
  private readonly longLengths = new Map<number, number>();
  /** Line lengths at which a line looked unfinished (see looksUnfinished). */
  private readonly unfinished = new Set<number>();
  /** The longest line so far. */
  private longest = 0;
  /** Line length → hashes of the different line ends seen at it (a few). */
  private readonly ends = new Map<number, Set<number>>();
  /** 1 for the short lengths whose set in `ends` is full. */
  private readonly endsKnown = new Uint8Array(SHORT_LINE);
  /** Lines completed so far (newlines seen). */
  private line = 0;
  /** 1-based numbers of the lines that were cut, in order; the reader takes them off the front. */
  readonly cut: number[] = [];
  cutLines = 0;
  bytes = 0;
  constructor(private readonly maxLine: number) {
    super();
  }

  /** Whether a line can hold a U+FFFD: until then the reader does not search its lines for one. */
  readonly utf8 = new Utf8Watch();

  /** Called once, at the first chunk holding a byte an escape sequence can start with (see DiffParser.escapesPossible). */
  onEscapeByte: (() => void) | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      done(new InputError(`the input is binary, not nix-diff output (a NUL byte at offset ${this.bytes + nul})`));
      return;
    }
    // A chunk is checked before any of its lines reach the parser, so the parser learns it in time.
    if (this.onEscapeByte && (chunk.indexOf(0x1b) >= 0 || chunk.indexOf(0x9b) >= 0)) {
      this.onEscapeByte();
      this.onEscapeByte = null;
    }
    this.bytes += chunk.length;
    // A character split between chunks waits for the rest of it: then every chunk passed on
    // ends on a character, and a line cut at the cap cannot end in half of one (which the
    // decoder would show as a U+FFFD that is not in the input).
    const { bytes, carry } = alignToCharacters(this.carry, chunk);
    this.carry = carry;
    // Like the escape byte, checked before any of the chunk's lines are split.
    this.utf8.see(bytes);
    const out = this.pass(bytes);
    if (out.length > 0) done(null, out);
    else done();
  }

  /** The bytes held back at a chunk's end: the start of a character the next chunk finishes. */
  private carry: Buffer | null = null;

  /** What passes of `chunk` (which ends on a character): all of it, unless a line in it is cut. */
  private pass(chunk: Buffer): Buffer {
    // Most chunks pass unchanged: `parts` is built only once a line in it is cut,
    // holding what passes; chunk[passFrom …] is passed but not yet in `parts`.
    let parts: Buffer[] | null = null;
    let passFrom = 0;
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const contentEnd = nl < 0 ? chunk.length : nl;
      const length = contentEnd - start;
      this.lineLength += length;
      if (this.dropping) {
        // The rest of a cut line: dropped, its newline passed.
        (parts ??= []).push(chunk.subarray(passFrom, start));
        passFrom = contentEnd;
      } else if (length > this.maxLine - this.lineBytes) {
        const room = this.maxLine - this.lineBytes;
        const keep = chunk.subarray(start, start + room);
        // Trimmed only when a character really goes on past the cap: bytes that are not UTF-8
        // before it are kept (and shown), wherever the reads happened to split the line.
        const inside = (chunk[start + room]! & 0xc0) === 0x80;
        (parts ??= []).push(chunk.subarray(passFrom, start), inside ? keep.subarray(0, utf8Boundary(keep)) : keep);
        passFrom = contentEnd;
        this.cutLines++;
        this.cut.push(this.line + 1);
        this.dropping = true;
      } else {
        this.lineBytes += length;
      }
      if (nl >= 0) {
        this.endLine(chunk, start, contentEnd);
        start = nl + 1;
      } else {
        // The line goes on in the next chunk: keep its last bytes.
        const content = chunk.subarray(start, contentEnd);
        this.tail = Buffer.from(content.length >= TAIL || !this.tail ? content.subarray(-TAIL) : Buffer.concat([this.tail, content]).subarray(-TAIL));
        start = contentEnd;
      }
    }
    if (parts === null) return chunk;
    parts.push(chunk.subarray(passFrom));
    return Buffer.concat(parts);
  }

  /** The input's last line has no newline (nix-diff ends every line with one; a cut paste may not). */
  unterminated = false;

  override _flush(done: TransformCallback): void {
    // An unfinished last character: passed as it is (the decoder shows it as U+FFFD, as it is).
    if (this.carry) {
      this.utf8.see(this.carry);
      const out = this.pass(this.carry);
      this.carry = null;
      if (out.length > 0) this.push(out);
    }
    this.utf8.end();
    this.unterminated = this.lineLength > 0;
    if (this.lineLength > 0) this.endLine(Buffer.alloc(0), 0, 0);
    done();
  }

  /**
   * The width the lines look cut at (`cut -c1-W`), or null. Many different
   * lines ending at one longest width is not enough (a run of equally long
   * values is not a cut): at least one of them must also look unfinished.
   */
  cutWidth(): number | null {
    const lengths = new Map(this.longLengths);
    this.shortLengths.forEach((count, length) => {
      if (count > 0) lengths.set(length, count);
    });
    const width = looksCutAtWidth(lengths);
    return width !== null && (this.ends.get(width)?.size ?? 0) >= MIN_DISTINCT_AT_WIDTH && this.unfinished.has(width) ? width : null;
  }

  /** Count a line's end among the different ones at its length, up to as many as cutWidth asks. */
  private noteEnd(last: Buffer, length: number): void {
    let set = this.ends.get(length);
    if (!set) this.ends.set(length, (set = new Set()));
    if (set.size >= MIN_DISTINCT_AT_WIDTH) return;
    const end = last.length >= TAIL || !this.tail ? last.subarray(-TAIL) : Buffer.concat([this.tail, last]).subarray(-TAIL);
    set.add(hashBytes(end));
    if (set.size >= MIN_DISTINCT_AT_WIDTH && length < SHORT_LINE) this.endsKnown[length] = 1;
  }

  /** chunk[from … to]: the line's bytes in the current chunk (the rest, if any, is in `tail`). */
  private endLine(chunk: Buffer, from: number, to: number): void {
    const length = this.lineLength;
    if (length < SHORT_LINE) this.shortLengths[length]!++;
    else this.longLengths.set(length, (this.longLengths.get(length) ?? 0) + 1);
    if (length >= MIN_CUT_WIDTH) {
      // Only the longest width can be a cut's (looksCutAtWidth): shorter lines need no scan.
      if (length >= this.longest) {
        this.longest = length;
        if (this.tail === null && !this.unfinished.has(length) && looksUnfinished(chunk.subarray(from, to))) this.unfinished.add(length);
      }
      // Most lines are of a length already seen with enough different ends: nothing to note, nothing to allocate.
      if (length >= SHORT_LINE || this.endsKnown[length] === 0) this.noteEnd(chunk.subarray(from, to), length);
    }
    this.line++;
    this.lineBytes = 0;
    this.lineLength = 0;
    this.tail = null;
    this.dropping = false;
  }
}

/** Read one whole input (a file's or stdin's stream) into a parser. */
export async function readDiff(stream: Readable, parser: DiffParser, options: ReadOptions = {}): Promise<void> {
  try {
    await readStream(stream, parser, options);
  } catch (e) {
    // Stop reading: a writer that keeps the pipe open must not keep us waiting.
    stream.destroy();
    throw asInputError(e);
  }
}

async function readStream(stream: Readable, parser: DiffParser, options: ReadOptions): Promise<void> {
  // A stream already read to its end (stdin named twice, `drvsquash - -`) would
  // never emit 'end' again: waiting for it would end the process silently.
  if (stream.readableEnded || stream.destroyed) throw new InputError("already read to its end; `-` (stdin) can be named only once");
  const head = await readHead(stream, SNIFF_BYTES);
  const kind = sniff(loneCrToLf(head.bytes));
  if (kind.kind === "empty") rejectDirectory(stream);
  rejectUnless(kind);
  if (kind.kind === "nix-diff-json") {
    // Its lines are rendered from JSON strings, which may hold any escape.
    parser.escapesPossible = true;
    return readJson(head, stream, parser, options.maxJsonBytes ?? DEFAULT_MAX_JSON);
  }

  const guard = new LineGuard(options.maxLineBytes ?? DEFAULT_MAX_LINE);
  // Only for a parser that has read nothing yet: an earlier input (`drvsquash a.log b.log`) may have left a colour span open.
  if (parser.stats.lines === 0) parser.escapesPossible = false;
  guard.onEscapeByte = () => (parser.escapesPossible = true);
  const repair = new PasteRepair();
  const memory = new MemoryGuard();
  // Lines reach the parser through IndentRepair, which may hold a few back, in order:
  // the tag is the line as it was; guard.cut lists the numbers of the lines the guard cut.
  let emitted = 0;
  let nextCut = 0;
  // The line being pushed and, when PasteRepair's quick path took it, its leading spaces.
  let current = "";
  let currentLead = -1;
  const indent = new IndentRepair<string>((repaired, original) => {
    emitted++;
    const wasCut = guard.cut[nextCut] === emitted;
    if (wasCut) nextCut++;
    const cutBefore = parser.stats.valuesCut;
    if (wasCut) parser.markNextLineCut();
    if (repaired === null) parser.skipLine();
    // Equal text, equal spaces: a line held back and passed on later still gets them right.
    else parser.push(repaired, original, currentLead >= 0 && repaired === current && original === current ? currentLead : -1);
    // A cut line that the parser did not count as a cut value (it was not
    // part of one, or it is held back) is counted here, once.
    if (wasCut && parser.stats.valuesCut === cutBefore) parser.noteCutLines(1);
  });
  let lines = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      stream.unpipe?.();
      reject(e);
    };
    const onLine = (line: string): void => {
      if (failed) return;
      lines++;
      if (guard.utf8.doubt && line.indexOf("\uFFFD") >= 0) parser.countInvalidUtf8();
      const repaired = repair.push(line);
      current = line;
      currentLead = repair.lastPlain ? repair.lastLead : -1;
      indent.push(repaired, line, repair.lastPlain);
      if (options.onProgress && (lines & 0xffff) === 0) options.onProgress(guard.bytes, lines);
      if ((lines & 0x3fff) === 0) {
        try {
          memory.check();
        } catch (e) {
          fail(e);
        }
      }
    };
    // Lines are taken in split2's mapper, which pushes nothing on: a million lines
    // through a readable stream's push and 'data' events cost more than their parsing.
    // Split at LF, then drop one CR before it: what split2's default /\r?\n/ does, without a RegExp per chunk.
    const splitter = split2("\n", (line: string): undefined => {
      onLine(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
    });
    splitter.resume(); // nothing is pushed, but 'end' comes only once the readable side flows
    splitter.on("end", () => {
      if (failed) return;
      indent.end();
      resolve();
    });
    splitter.on("error", fail);
    guard.on("error", fail);
    stream.on("error", fail);
    const lineEnds = new LoneCrToLf();
    lineEnds.on("error", fail);
    lineEnds.pipe(guard).pipe(splitter);
    lineEnds.write(head.bytes);
    if (head.ended) lineEnds.end();
    else stream.pipe(lineEnds);
  });
  if (indent.flattened) {
    throw new InputError(
      "the input lost its indentation (every nix-diff line starts at the same column), so which derivation each line belongs to cannot be told; paste nix-diff's output with its indentation (in a code block), or save it to a file",
    );
  }
  parser.stats.pasteRepairs += repair.repairs + indent.repairs;
  if (repair.ambiguousArguments > 0) {
    const k = repair.ambiguousArguments;
    parser.noteReading(
      `The paste's bullets were replaced by \`- \`, so ${k === 1 ? "1 argument line" : `${thousands(k)} argument lines`} starting with \`- \` may be an unchanged argument (\`• arg\`) as well as a removed one: the arguments' change is read as printed.`,
    );
  }
  if (guard.unterminated) parser.noteUnterminatedLastLine();
  // `cut -c1-200`, a log viewer's column limit: every longer line lost its end.
  const width = guard.cutWidth();
  if (width !== null) {
    parser.noteCutWidth(width);
    parser.markTruncated(`its lines look cut at ${width} characters (as by \`cut -c1-${width}\`), so every longer line lost its end`);
  }
}

/**
 * Nothing to read from a file descriptor that is a directory (`drvsquash < dir`):
 * Node gives an empty stream for it, so say what it really is.
 */
function rejectDirectory(stream: Readable): void {
  const fd = (stream as Readable & { fd?: unknown }).fd;
  if (typeof fd !== "number") return;
  let directory = false;
  try {
    directory = fstatSync(fd).isDirectory();
  } catch {
    return;
  }
  if (directory) throw new InputError("stdin is a directory, not nix-diff output; give a file, or pipe nix-diff into drvsquash");
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
    case "unknown": {
      const what = kind.looksLike ? ` (it looks like ${kind.looksLike}: no derivation path line or nix-diff heading in it)` : "";
      throw new InputError(`the input does not look like nix-diff output${what}; it starts with: ${kind.sample}`);
    }
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

async function readJson(head: { bytes: Buffer; ended: boolean }, stream: Readable, parser: DiffParser, maxBytes: number): Promise<void> {
  const chunks: Buffer[] = [head.bytes];
  let size = head.bytes.length;
  if (!head.ended) {
    stream.resume();
    for await (const c of stream) {
      const b = typeof c === "string" ? Buffer.from(c) : (c as Buffer);
      size += b.length;
      if (size > maxBytes) {
        throw new InputError(
          `the nix-diff --json input is larger than ${maxBytes % 1048576 === 0 ? `${maxBytes / 1048576} MiB` : `${maxBytes} bytes`}, too big to parse whole; give nix-diff's text output instead (drvsquash streams it)`,
        );
      }
      chunks.push(b);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (e) {
    throw new InputError(`the input looks like nix-diff --json output but is not valid JSON (${(e as Error).message})`);
  }
  parser.stats.json = true;
  // Loaded only for JSON input: most runs read text, and start-up counts for a short one.
  const { JsonDepthError, jsonToLines, JsonShapeError } = await import("../parse/jsonToText.js");
  try {
    for (const line of jsonToLines(doc)) parser.push(line);
  } catch (e) {
    if (e instanceof JsonShapeError) throw new InputError(`the JSON is not nix-diff --json output: ${e.message}`);
    if (e instanceof JsonDepthError) throw new InputError(e.message);
    throw e;
  }
}

export type { ParsedDiff };
