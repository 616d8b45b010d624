// The store paths of a diff's pairs, one entry per distinct path. A system
// rebuild prints two `.drv` paths for each of its ~80,000 pairs; as strings
// they were a quarter of the parsed tree. A path `<dir>/<hash>-<name>.drv` is
// kept as its hash's 160 bits, its store directory's index and its name (a
// string kept anyway: the pair's name, interned); anything else whole. Equal
// paths get equal ids, so a pair is keyed by two numbers, not by a string.

import { IntColumn } from "./columns.js";

/** A path's index in its StorePaths; NO_PATH where none was printed. */
export type PathId = number;
export const NO_PATH: PathId = -1;

/** Nix's base-32 digits (no e, o, t, u): a store hash is 32 of them, 5 bits each. */
const DIGITS = "0123456789abcdfghijklmnpqrsvwxyz";
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;
const HASH_CHARS = 32;
/** 6 digits (30 bits) to an int: 6 ints for a hash. */
const PER_INT = 6;
const INTS = Math.ceil(HASH_CHARS / PER_INT);
/** `dir` of a path kept whole. */
const WHOLE = -1;

const digits = new Uint8Array(HASH_CHARS);
/**
 * Where a path's search in the table starts is a hash of all its digits, seeded
 * per run: real store hashes are random, but made-up ones (tests, hostile input)
 * can share their first digits, and a start taken from a few digits would make
 * one long run of the table for all of them (quadratic adding).
 */
const SEED = (Math.random() * 0x100000000) | 0;
/** The path being added, as bytes: paths up to MAX_PACKED characters are packed, longer ones kept whole. */
const MAX_PACKED = 1024;
const bytes = Buffer.allocUnsafe(3 * MAX_PACKED);
const packed = new Int32Array(INTS);

export class StorePaths {
  /** Per path: its store directory (an index into dirs), or WHOLE. */
  private readonly dir = new IntColumn();
  /** Per path: INTS ints of its hash (unused for WHOLE). */
  private readonly hash = new IntColumn();
  /** Per path: its name, or the whole path. */
  private readonly rest: string[] = [];
  private readonly dirs: string[] = [];
  /** Slots looked at by add, all told (a test keeps it near one a path). */
  probes = 0;
  /** Open addressing: path id + 1, 0 for an empty slot; twice the paths at least. */
  private slots = new Int32Array(1024);

  /** `keep` copies what is kept out of the line it was cut from (the parser's `flat`); it must not add paths (add's scratch is shared). */
  constructor(private readonly keep: (s: string) => string = (s) => s) {}

  get size(): number {
    return this.rest.length;
  }

  /**
   * The id of `path`, added if new. `name`: the name in it (what follows the
   * hash's dash, without `.drv`) as a string kept anyway, used if it is that.
   */
  add(path: string, name?: string): PathId {
    if (this.slots.length === 0) this.rehash();
    // Read as bytes: a line's characters are slow to read one by one (it is a slice of a
    // two-byte chunk), its bytes copied out at once are not. Only ASCII paths are packed.
    // As many UTF-8 bytes as characters: all ASCII (the buffer holds three bytes a character).
    if (path.length > MAX_PACKED || bytes.write(path, 0, "utf8") !== path.length) return this.addWhole(path);
    const end = path.length - 4;
    const slash = lastSlash(end);
    const at = slash + 1;
    const canonical =
      slash > 0 &&
      end > at + HASH_CHARS + 1 &&
      bytes[at + HASH_CHARS] === 0x2d /* - */ &&
      bytes[end] === 0x2e /* . */ &&
      bytes[end + 1] === 0x64 /* d */ &&
      bytes[end + 2] === 0x72 /* r */ &&
      bytes[end + 3] === 0x76 /* v */ &&
      packHash(at);
    if (!canonical) return this.addWhole(path);
    const d = this.dirIndex(slash);
    const from = at + HASH_CHARS + 1;
    const restName = name !== undefined && isAt(name, from, end) ? name : this.keep(path.slice(from, end));
    const mask = this.slots.length - 1;
    for (let s = packedHash(d) & mask; ; s = (s + 1) & mask) {
      this.probes++;
      const id = this.slots[s]! - 1;
      if (id < 0) return this.insert(s, d, restName, true);
      if (this.dir.get(id) === d && this.sameHash(id) && this.rest[id] === restName) return id;
    }
  }

  /** The path, or null for NO_PATH. */
  text(id: PathId): string | null {
    if (id === NO_PATH) return null;
    const d = this.dir.get(id);
    if (d === WHOLE) return this.rest[id]!;
    for (let i = 0; i < INTS; i++) {
      let v = this.hash.get(id * INTS + i);
      for (let k = Math.min(PER_INT, HASH_CHARS - i * PER_INT) - 1; k >= 0; k--) {
        digits[i * PER_INT + k] = DIGITS.charCodeAt(v & 31);
        v >>>= 5;
      }
    }
    return `${this.dirs[d]!}/${String.fromCharCode(...digits)}-${this.rest[id]!}.drv`;
  }

  private addWhole(path: string): PathId {
    const mask = this.slots.length - 1;
    for (let s = stringHash(path) & mask; ; s = (s + 1) & mask) {
      this.probes++;
      const id = this.slots[s]! - 1;
      if (id < 0) return this.insert(s, WHOLE, this.keep(path), false);
      if (this.dir.get(id) === WHOLE && this.rest[id] === path) return id;
    }
  }

  private insert(slot: number, d: number, rest: string, hashed: boolean): PathId {
    const id = this.rest.length;
    this.rest.push(rest);
    this.dir.push(d);
    for (let i = 0; i < INTS; i++) this.hash.push(hashed ? packed[i]! : 0);
    this.slots[slot] = id + 1;
    if (2 * this.rest.length > this.slots.length) this.rehash();
    return id;
  }

  /**
   * No more paths to come (the parser is done): the lookup table, 8 to 16
   * bytes a path, is dropped. An add after this builds it again.
   */
  seal(): void {
    this.slots = new Int32Array(0);
  }

  /** A table of twice the slots (or, after seal(), of what the paths need), filled again. */
  private rehash(): void {
    let size = Math.max(1024, this.slots.length * 2);
    while (size < 2 * (this.rest.length + 1)) size *= 2;
    const slots = new Int32Array(size);
    const mask = slots.length - 1;
    for (let id = 0; id < this.rest.length; id++) {
      const d = this.dir.get(id);
      let s = (d === WHOLE ? stringHash(this.rest[id]!) : this.hashOf(id, d)) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
  }

  /** packedHash of path id's hash, read from the column. */
  private hashOf(id: number, d: number): number {
    let h = SEED ^ d;
    for (let i = 0; i < INTS; i++) h = mixWord(h, this.hash.get(id * INTS + i));
    return finish(h);
  }

  private sameHash(id: number): boolean {
    for (let i = 0; i < INTS; i++) if (this.hash.get(id * INTS + i) !== packed[i]) return false;
    return true;
  }

  /** The index of the directory in bytes[0 … slash-1]. */
  private dirIndex(slash: number): number {
    // Nearly always one directory (two when a diff compares two stores).
    for (let d = 0; d < this.dirs.length; d++) if (isAt(this.dirs[d]!, 0, slash)) return d;
    this.dirs.push(bytes.toString("latin1", 0, slash));
    return this.dirs.length - 1;
  }
}

/** The hash at bytes[at …] into `packed`; false if a character is not a base-32 digit. */
function packHash(at: number): boolean {
  for (let i = 0; i < INTS; i++) {
    let v = 0;
    const end = Math.min(HASH_CHARS, (i + 1) * PER_INT);
    for (let c = i * PER_INT; c < end; c++) {
      const code = bytes[at + c]!;
      const digit = code < 128 ? VALUE[code]! : -1;
      if (digit < 0) return false;
      v = (v << 5) | digit;
    }
    packed[i] = v;
  }
  return true;
}

/** The last `/` in bytes[0 … end-1], or -1. */
function lastSlash(end: number): number {
  if (end <= 0) return -1;
  let i = end - 1;
  while (i >= 0 && bytes[i] !== 0x2f) i--;
  return i;
}

/** Whether bytes[from … end-1] are `s`'s characters. */
function isAt(s: string, from: number, end: number): boolean {
  if (s.length !== end - from) return false;
  for (let i = 0; i < s.length; i++) if (bytes[from + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** A hash of `packed` and directory d (murmur3's mixing of 32-bit words). */
function packedHash(d: number): number {
  let h = SEED ^ d;
  for (let i = 0; i < INTS; i++) h = mixWord(h, packed[i]!);
  return finish(h);
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h ^= k;
  return Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units, seeded (paths kept whole: rare). */
function stringHash(s: string): number {
  let h = 0x811c9dc5 ^ SEED;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
