// Decides whether two values differ only by what a pair's changed inputs
// would change anyway: store-path hashes, an input's name changing as the
// pair's input-name set says (`systemd-257.9` → `systemd-257.10`), the output
// suffix of an input whose requested outputs changed, and paths of inputs the
// pair adds or removes (those belong to the `added` / `removed` cause).

import { parseDrvName } from "./names.js";

export interface SubstitutionContext {
  storeDir: string;
  /** Old input name → new input name (version bumps seen in this pair). */
  renames: Map<string, string>;
  /** Names whose store paths only the old side may contain (removed inputs and sources). */
  removed: Set<string>;
  /** Names whose store paths only the new side may contain. */
  added: Set<string>;
  /** Inputs whose requested outputs changed: `x-dev` and `x` are the same input. */
  outputsChanged: Set<string>;
  /**
   * The pair's input name sets are not in the input (the pair inferred above a
   * fragment): any version change of an input may be one of them, so a path is
   * reduced to its package name.
   */
  namesUnseen?: boolean;
}

// `/<hash>-<name>`; a store path is one whose `/` ends the store directory. The
// directory comes from the input, so it is compared as a string, never built
// into a pattern (a 32k-character one does not compile).
const PATH_TAIL = /\/[0-9a-z]{32}-([A-Za-z0-9+._?=-]*)/g;

/** The store paths in `value`: where each starts (its store directory included), ends, and its name. */
function* storePaths(value: string, storeDir: string): Generator<{ start: number; end: number; name: string }> {
  const re = new RegExp(PATH_TAIL);
  let last = 0;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const start = m.index - storeDir.length;
    if (start < last || !value.startsWith(storeDir, start)) continue;
    last = re.lastIndex;
    yield { start, end: last, name: m[1] ?? "" };
  }
}

/** True when `name` is input `input` or one of its outputs / its `.drv`. */
export function namesInput(name: string, input: string): boolean {
  if (!name.startsWith(input)) return false;
  const rest = name.slice(input.length);
  return rest === "" || rest.startsWith("-") || rest === ".drv";
}

/** The tail of a store path, matched where a store directory ends (sticky: set lastIndex, then exec). */
const TAIL_AT = new RegExp(PATH_TAIL.source, "y");

export class Substitution {
  constructor(private readonly ctx: SubstitutionContext) {}

  /** The store path starting at `at` in `text` (its length and name after the hash), or null. */
  pathAt(text: string, at: number): { length: number; name: string } | null {
    const dir = this.ctx.storeDir;
    if (!text.startsWith(dir, at)) return null;
    TAIL_AT.lastIndex = at + dir.length;
    const m = TAIL_AT.exec(text);
    return m ? { length: dir.length + m[0].length, name: m[1] ?? "" } : null;
  }

  /** What the store path named `name` (after its hash) is reduced to on `side`. */
  rewritePath(name: string, side: "old" | "new", dropAddedRemoved = true): string {
    const { renames, removed, added, outputsChanged } = this.ctx;
    if (this.ctx.namesUnseen) return `@/${parseDrvName(name).pname}`;
    let n = name;
    if (dropAddedRemoved) {
      for (const r of side === "old" ? removed : added) if (namesInput(n, r)) return "";
    }
    if (side === "old") {
      for (const [from, to] of renames) {
        if (namesInput(n, from)) {
          n = to + n.slice(from.length);
          break;
        }
      }
    }
    for (const o of outputsChanged) if (namesInput(n, o)) return `@/${o}`;
    return `@/${n}`;
  }

  /** `text` with every store path replaced by what `rewritePath` makes of it; no whitespace folding. */
  rewriteAll(text: string, side: "old" | "new", dropAddedRemoved = true): string {
    let out = "";
    let copied = 0;
    for (const p of storePaths(text, this.ctx.storeDir)) {
      out += text.slice(copied, p.start) + this.rewritePath(p.name, side, dropAddedRemoved);
      copied = p.end;
    }
    return out + text.slice(copied);
  }

  /** The store directory the paths are matched under. */
  get storeDir(): string {
    return this.ctx.storeDir;
  }

  /** No renames, additions or removals: a path both sides hold reduces alike on each (with dropAddedRemoved). */
  get symmetric(): boolean {
    return this.ctx.renames.size === 0 && this.ctx.removed.size === 0 && this.ctx.added.size === 0 && !this.ctx.namesUnseen;
  }

  /** `value` with every store path reduced as `normalize` does, whitespace kept as it is. */
  rewrite(value: string, side: "old" | "new", dropAddedRemoved = true): string {
    return this.rewriteAll(value, side, dropAddedRemoved);
  }

  /** `value` with every store path reduced to what must stay equal if nothing but inputs changed. */
  normalize(value: string, side: "old" | "new", dropAddedRemoved = true): string {
    return this.rewriteAll(value, side, dropAddedRemoved).replace(/\s+/g, " ").trim();
  }

  /** The first added (side new) or removed (side old) input whose store path `text` contains. */
  mentionedInput(text: string, side: "old" | "new"): string | null {
    const names = side === "old" ? this.ctx.removed : this.ctx.added;
    if (names.size === 0) return null;
    for (const p of storePaths(text, this.ctx.storeDir)) {
      for (const n of names) if (namesInput(p.name, n)) return n;
    }
    return null;
  }

  same(oldValue: string, newValue: string, dropAddedRemoved = true): boolean {
    return this.normalize(oldValue, "old", dropAddedRemoved) === this.normalize(newValue, "new", dropAddedRemoved);
  }
}
