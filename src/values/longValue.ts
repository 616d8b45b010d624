// A value longer than the parser keeps (a buildEnv's `pkgs` JSON of a whole
// system is often 100k+ characters on one line) is judged whole, never from
// its kept beginning (issue #9, item 7). As the value streams in, each
// reading of nix-diff's rendering (word and character modes' `←old←` /
// `→new→` spans, line mode's `- `, `+ `, `  ` lines and its `- old+ new`
// joins) routes every chunk to the old side, the new side or both, and each
// side is normalised the way Substitution.normalize does (store paths
// reduced by the pair's context, white space runs to one space, trimmed) into
// a running SHA-256. At the end the value is "same" when some reading has
// equal digests (it differs only by what the inputs change), "differs" when
// none has, and null (not judged) when the text cannot be read for sure: a
// lone arrow that may be text, more `+ ` splits than are followed, a token
// too long to hold, or a line the reader cut.
//
// Memory per value: the digests, and a side's tail that may still be inside a
// store path (a run of path characters, at most 64 KiB).

import type { Hash } from "node:crypto";
import { createRequire } from "node:module";
import { NEW_MARK, OLD_MARK } from "./markers.js";
import type { Substitution } from "./substitution.js";

/** Longest run of characters that may belong to a store path held back between chunks. */
const MAX_PENDING = 64 * 1024;
/** `+ ` splits of a `- old+ new` line followed at once (each is a reading of its own). */
const MAX_SPLITS = 8;
const WS_RUNS = /\s+/g;
const HASH_BLOCK = 16 * 1024;
const READ_BLOCK = 16 * 1024;

export type Verdict = "same" | "differs";

/** Characters that can be part of a store path match (see Substitution's pattern). */
function pathChars(storeDir: string): (c: number) => boolean {
  const table = new Uint8Array(128);
  for (const ch of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+._?=-/") table[ch.charCodeAt(0)] = 1;
  const extra = new Set<number>();
  for (let i = 0; i < storeDir.length; i++) {
    const c = storeDir.charCodeAt(i);
    if (c < 128) table[c] = 1;
    else extra.add(c);
  }
  return (c) => (c < 128 ? table[c] === 1 : extra.has(c));
}

// node:crypto is loaded for the first long value: a short input needs none.
const load = createRequire(import.meta.url);
const sha256 = (): Hash => (load("node:crypto") as typeof import("node:crypto")).createHash("sha256");

/** One side of one reading: normalised text into a running digest. */
class Side {
  private pending = "";
  /** Normalised text not yet hashed (hashed in blocks: one native call per line is slow). */
  private out = "";
  private space = false;
  private started = false;
  failed = false;
  constructor(
    private readonly sub: Substitution,
    private readonly side: "old" | "new",
    private readonly inPath: (c: number) => boolean,
    private readonly storePrefix: string,
    private readonly hash: Hash = sha256(),
  ) {}

  clone(): Side {
    const c = new Side(this.sub, this.side, this.inPath, this.storePrefix, this.hash.copy());
    c.pending = this.pending;
    c.out = this.out;
    c.space = this.space;
    c.started = this.started;
    c.failed = this.failed;
    return c;
  }

  get held(): number {
    return this.pending.length;
  }

  push(s: string): void {
    if (this.failed || s.length === 0) return;
    const text = this.pending + s;
    // Everything up to the last character that no store path holds can be normalised now.
    let cut = text.length;
    while (cut > 0 && this.inPath(text.charCodeAt(cut - 1))) cut--;
    if (cut === 0) {
      if (text.length > MAX_PENDING) {
        this.failed = true;
        this.pending = "";
      } else this.pending = (" " + text).slice(1);
      return;
    }
    this.pending = (" " + text.slice(cut)).slice(1);
    this.emit(text.slice(0, cut));
  }

  digest(): string | null {
    if (this.failed) return null;
    if (this.pending) this.emit(this.pending);
    this.pending = "";
    this.hash.update(this.out);
    this.out = "";
    return this.hash.copy().digest("hex");
  }

  /**
   * The same text to both sides of a reading: when it holds no store path, its
   * normalisation is the same for both, and is done once.
   */
  static pushBoth(a: Side, b: Side, s: string): void {
    if (s.length === 0) return;
    if (a.pending !== "" || b.pending !== "" || a.failed || b.failed || s.includes(a.storePrefix)) {
      a.push(s);
      b.push(s);
      return;
    }
    let cut = s.length;
    while (cut > 0 && a.inPath(s.charCodeAt(cut - 1))) cut--;
    if (cut === 0) {
      a.push(s);
      b.push(s);
      return;
    }
    const tail = (" " + s.slice(cut)).slice(1);
    a.pending = tail;
    b.pending = tail;
    const t = s.slice(0, cut).replace(WS_RUNS, " ");
    a.emitNormal(t);
    b.emitNormal(t);
  }

  private emit(part: string): void {
    const t = part.includes(this.storePrefix) ? this.sub.rewriteAll(part, this.side) : part;
    this.emitNormal(t.replace(WS_RUNS, " "));
  }

  /** Text whose store paths are rewritten and white space runs are one space. */
  private emitNormal(normal: string): void {
    let t = normal;
    let lead = false;
    let trail = false;
    if (t.charCodeAt(0) === 0x20) {
      lead = true;
      t = t.slice(1);
    }
    if (t.length > 0 && t.charCodeAt(t.length - 1) === 0x20) {
      trail = true;
      t = t.slice(0, -1);
    }
    if (t.length === 0) {
      if (lead && this.started) this.space = true;
      return;
    }
    this.out += (this.space || lead) && this.started ? " " + t : t;
    if (this.out.length >= HASH_BLOCK) {
      this.hash.update(this.out);
      this.out = "";
    }
    this.started = true;
    this.space = trail;
  }
}

interface Reading {
  old: Side;
  new: Side;
}

/** Word and character modes: `←old←`, `→new→`, the rest on both sides (as textDiff's rebuildMarked). */
class MarkedReading {
  readonly r: Reading;
  private mode: "both" | "old" | "new" = "both";
  private prev = 0;
  sawMarker = false;
  /** An arrow between spaces, which rebuild may also read as text: not judged. */
  loneArrow = false;
  constructor(make: (side: "old" | "new") => Side) {
    this.r = { old: make("old"), new: make("new") };
  }

  push(s: string): void {
    let i = 0;
    while (i < s.length) {
      const o = s.indexOf(OLD_MARK, i);
      const w = s.indexOf(NEW_MARK, i);
      const j = o < 0 ? (w < 0 ? s.length : w) : w < 0 ? o : Math.min(o, w);
      if (j > i) this.route(s.slice(i, j));
      if (j >= s.length) break;
      const c = s.charCodeAt(j);
      const before = j > 0 ? s.charCodeAt(j - 1) : this.prev;
      const after = s.charCodeAt(j + 1);
      if (before === 0x20 && (after === 0x20 || Number.isNaN(after))) this.loneArrow = true;
      const arrow = c === 0x2190 ? OLD_MARK : NEW_MARK;
      if (arrow === OLD_MARK && this.mode !== "new") {
        this.mode = this.mode === "old" ? "both" : "old";
        this.sawMarker = true;
      } else if (arrow === NEW_MARK && this.mode !== "old") {
        this.mode = this.mode === "new" ? "both" : "new";
        this.sawMarker = true;
      } else this.route(arrow);
      i = j + 1;
    }
    if (s.length > 0) this.prev = s.charCodeAt(s.length - 1);
  }

  private route(t: string): void {
    if (this.mode === "both") Side.pushBoth(this.r.old, this.r.new, t);
    else if (this.mode === "old") this.r.old.push(t);
    else this.r.new.push(t);
  }
}

/** Line mode: `- old`, `+ new`, `  both`, other lines with the line before (as textDiff's rebuildLines). */
class LineReading {
  readonly r: Reading;
  private side: "old" | "new" | "both" = "both";
  /** The current line's first characters, until its prefix is known. */
  private head: string | null = "";
  /** The current line is a `- ` line: its `+ ` may split it (when it is the value's last line). */
  private minusLine = false;
  private splits: Reading[] = [];
  private tooManySplits = false;
  /** The last character of a `- ` line's text so far was a `+` not yet passed on. */
  private plus = false;
  /** Every line so far fits line mode (`- `, `+ `, `  ` or empty). */
  lineOriented = true;
  constructor(make: (side: "old" | "new") => Side) {
    this.r = { old: make("old"), new: make("new") };
  }

  /** The readings if the value ends here: the whole, and each split of its last `- ` line. */
  readings(): Reading[] | null {
    if (this.head !== null && this.head !== "") this.startLine(this.head, true);
    this.flushPlus(false);
    if (this.tooManySplits) return null;
    return [this.r, ...this.splits];
  }

  push(s: string): void {
    let i = 0;
    while (i <= s.length) {
      const nl = s.indexOf("\n", i);
      const end = nl < 0 ? s.length : nl;
      if (end > i) this.text(s.slice(i, end));
      if (nl < 0) break;
      this.newline();
      i = nl + 1;
    }
  }

  private text(t: string): void {
    if (this.head !== null) {
      const h = this.head + t;
      if (h.length < 2) {
        this.head = h;
        return;
      }
      this.head = null;
      t = this.startLine(h, false);
      if (t === "") return;
    }
    this.body(t);
  }

  /** A line starts with `h`: take its prefix, return the rest of `h`. */
  private startLine(h: string, last: boolean): string {
    this.head = null;
    // A non-empty line ends the chance that an earlier `- ` line was the last one.
    this.splits = [];
    this.tooManySplits = false;
    this.minusLine = false;
    const p = h.slice(0, 2);
    if (p === "- ") this.side = "old";
    else if (p === "+ ") this.side = "new";
    else if (p === "  ") this.side = "both";
    else {
      this.lineOriented = false;
      if (last) this.route(h);
      return last ? "" : h;
    }
    this.minusLine = this.side === "old";
    return last ? (this.body(h.slice(2)), "") : h.slice(2);
  }

  private body(t: string): void {
    if (!this.minusLine) {
      this.route(t);
      return;
    }
    let from = 0;
    if (this.plus) {
      this.plus = false;
      if (t.charCodeAt(0) === 0x20) {
        this.split();
        from = 1;
      } else this.routeMinus("+");
    }
    for (let at = t.indexOf("+ ", from); at >= 0; at = t.indexOf("+ ", from)) {
      this.routeMinus(t.slice(from, at));
      this.split();
      from = at + 2;
    }
    let rest = t.slice(from);
    if (rest.endsWith("+")) {
      rest = rest.slice(0, -1);
      this.plus = true;
    }
    this.routeMinus(rest);
  }

  /** A `+ ` in a `- ` line: from here on, a reading with the rest on the new side. */
  private split(): void {
    // Earlier splits have this `+ ` in their new text, the whole-line reading in its old text.
    for (const s of this.splits) s.new.push("+ ");
    if (this.splits.length >= MAX_SPLITS) this.tooManySplits = true;
    else this.splits.push({ old: this.r.old.clone(), new: this.r.new.clone() });
    this.r.old.push("+ ");
  }

  private routeMinus(t: string): void {
    if (t === "") return;
    this.r.old.push(t);
    for (const s of this.splits) s.new.push(t);
  }

  private flushPlus(followed: boolean): void {
    if (!this.plus) return;
    this.plus = false;
    if (!followed) this.routeMinus("+");
  }

  private newline(): void {
    if (this.head === "") {
      // An empty line: it belongs to the side of the line before, and does not end a join.
      this.route("\n");
      return;
    }
    if (this.head !== null) this.startLine(this.head, true);
    this.flushPlus(false);
    this.route("\n");
    this.minusLine = false;
    this.head = "";
  }

  private route(t: string): void {
    if (this.side === "both") Side.pushBoth(this.r.old, this.r.new, t);
    else if (this.side === "old") this.r.old.push(t);
    else this.r.new.push(t);
  }
}

/**
 * The streaming judge of one long value. Feed it the whole value (the text the
 * parser kept, then every later piece), then ask `verdict()`.
 */
export class LongValue {
  private readonly marked: MarkedReading;
  private readonly lines: LineReading;
  private lost = false;
  private length = 0;

  constructor(sub: Substitution, storeDir: string) {
    const inPath = pathChars(storeDir);
    const make = (side: "old" | "new"): Side => new Side(sub, side, inPath, storeDir + "/");
    this.marked = new MarkedReading(make);
    this.lines = new LineReading(make);
  }

  /** Characters of the value seen. */
  get seen(): number {
    return this.length;
  }

  /** Characters held back (tails that may be inside a store path), for memory checks. */
  get held(): number {
    return this.block.length + this.marked.r.old.held + this.marked.r.new.held + this.lines.r.old.held + this.lines.r.new.held;
  }

  push(s: string): void {
    if (this.lost) return;
    this.length += s.length;
    // Pieces (a line each) are read in blocks: the readings take any chunking, and a block costs less than its lines.
    this.block += s;
    if (this.block.length >= READ_BLOCK) this.read();
  }

  private block = "";

  private read(): void {
    const s = this.block;
    this.block = "";
    this.marked.push(s);
    // Line mode's readings count only while the text has no marker or every line fits line mode.
    if (!this.marked.sawMarker || this.lines.lineOriented) this.lines.push(s);
  }

  /** Part of the value never reached us (a line the reader cut): it cannot be judged. */
  lose(): void {
    this.lost = true;
  }

  /** "same": some reading's sides are equal once normalised; "differs": none is; null: not judged. */
  verdict(): Verdict | null {
    if (this.judged === undefined) this.judged = this.judge();
    return this.judged;
  }

  private judged: Verdict | null | undefined;

  private judge(): Verdict | null {
    if (this.lost) return null;
    this.read();
    const readings: Reading[] = [];
    if (this.marked.sawMarker) {
      if (this.marked.loneArrow) return null;
      readings.push(this.marked.r);
    }
    if (!this.marked.sawMarker || this.lines.lineOriented) {
      const lines = this.lines.readings();
      if (lines === null) return null;
      readings.push(...lines);
    }
    for (const r of readings) {
      const a = r.old.digest();
      const b = r.new.digest();
      if (a === null || b === null) return null;
      if (a === b) return "same";
    }
    return "differs";
  }
}
