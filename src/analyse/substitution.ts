// Decides whether two values differ only by what a pair's changed inputs
// would change anyway: store-path hashes, an input's name changing as the
// pair's input-name set says (`systemd-257.9` → `systemd-257.10`), the output
// suffix of an input whose requested outputs changed, and paths of inputs the
// pair adds or removes (those belong to the `added` / `removed` cause).

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
}

const PATH_TAIL = "[0-9a-z]{32}-([A-Za-z0-9+._?=-]*)";

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when `name` is input `input` or one of its outputs / its `.drv`. */
export function namesInput(name: string, input: string): boolean {
  if (!name.startsWith(input)) return false;
  const rest = name.slice(input.length);
  return rest === "" || rest.startsWith("-") || rest === ".drv";
}

/**
 * One store-path pattern per store directory, shared by every pair's
 * Substitution (one is made per pair). Only replace() and matchAll() use the
 * global one, which leave lastIndex at 0; the sticky one is for lookups at an index.
 */
const PATTERNS = new Map<string, { global: RegExp; sticky: RegExp }>();

function patternsFor(storeDir: string): { global: RegExp; sticky: RegExp } {
  let p = PATTERNS.get(storeDir);
  if (!p) {
    const source = `${escapeRe(storeDir)}/${PATH_TAIL}`;
    PATTERNS.set(storeDir, (p = { global: new RegExp(source, "g"), sticky: new RegExp(source, "y") }));
  }
  return p;
}

export class Substitution {
  private readonly re: RegExp;
  private readonly stickyRe: RegExp;
  constructor(private readonly ctx: SubstitutionContext) {
    const p = patternsFor(ctx.storeDir);
    this.re = p.global;
    this.stickyRe = p.sticky;
  }

  /** The pattern of a store path (global; group 1: the name after the hash). */
  get pattern(): RegExp {
    return this.re;
  }

  /** The same pattern, sticky: set lastIndex, then exec. */
  get sticky(): RegExp {
    return this.stickyRe;
  }

  /** What the store path named `name` (after its hash) is reduced to on `side`. */
  rewritePath(name: string, side: "old" | "new", dropAddedRemoved = true): string {
    const { renames, removed, added, outputsChanged } = this.ctx;
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

  /** The store directory the paths are matched under. */
  get storeDir(): string {
    return this.ctx.storeDir;
  }

  /** No renames, additions or removals: a path both sides hold reduces alike on each (with dropAddedRemoved). */
  get symmetric(): boolean {
    return this.ctx.renames.size === 0 && this.ctx.removed.size === 0 && this.ctx.added.size === 0;
  }

  /** `value` with every store path reduced as `normalize` does, whitespace kept as it is. */
  rewrite(value: string, side: "old" | "new", dropAddedRemoved = true): string {
    return value.replace(this.re, (_m, name: string) => this.rewritePath(name, side, dropAddedRemoved));
  }

  /** `value` with every store path reduced to what must stay equal if nothing but inputs changed. */
  normalize(value: string, side: "old" | "new", dropAddedRemoved = true): string {
    return this.rewrite(value, side, dropAddedRemoved).replace(/\s+/g, " ").trim();
  }

  /** The first added (side new) or removed (side old) input whose store path `text` contains. */
  mentionedInput(text: string, side: "old" | "new"): string | null {
    const names = side === "old" ? this.ctx.removed : this.ctx.added;
    if (names.size === 0) return null;
    for (const m of text.matchAll(this.re)) {
      for (const n of names) if (namesInput(m[1] ?? "", n)) return n;
    }
    return null;
  }

  same(oldValue: string, newValue: string, dropAddedRemoved = true): boolean {
    return this.normalize(oldValue, "old", dropAddedRemoved) === this.normalize(newValue, "new", dropAddedRemoved);
  }
}
