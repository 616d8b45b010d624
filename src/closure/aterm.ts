// Reader for Nix's `.drv` files (the ATerm form written by every Nix since
// 1.x): `Derive([outputs],[inputDrvs],[inputSrcs],system,builder,[args],[env])`
// and `DrvWithVersion("xp-dyn-drv",…)`. One pass, index-based, over the file's
// bytes: every string is decoded straight from the buffer (so no value is a
// slice that keeps a whole file alive) and escapes are collected in a list of
// chunks, never by repeated concatenation.

export interface DrvOutput {
  name: string;
  /** Empty for floating content-addressed and deferred outputs. */
  path: string;
  /** `""` (input-addressed), `sha256`, `r:sha256`, `text:sha256`, … */
  hashAlgo: string;
  /** Hex hash of a fixed output; `""` otherwise (`impure` for impure derivations). */
  hash: string;
}

export interface DrvInput {
  path: string;
  /** The outputs this derivation uses, sorted as Nix writes them. */
  outputs: string[];
}

export interface Derivation {
  outputs: DrvOutput[];
  inputDrvs: DrvInput[];
  inputSrcs: string[];
  system: string;
  builder: string;
  args: string[];
  env: [string, string][];
  /** `xp-dyn-drv` for the `DrvWithVersion` form, null for `Derive`. */
  version: string | null;
}

/** A `.drv` file that cannot be read as one: says which file and where. */
export class DrvError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "DrvError";
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LPAREN = 0x28;
const RPAREN = 0x29;

/** Does this buffer start like a derivation (`Derive(` / `DrvWithVersion(`)? */
export function looksLikeDrv(head: Buffer | string): boolean {
  const s = typeof head === "string" ? head.slice(0, 16) : head.subarray(0, 16).toString("latin1");
  return s.startsWith("Derive(") || s.startsWith("DrvWithVersion(");
}

class Scanner {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly file: string,
  ) {}

  fail(what: string): never {
    const near = this.buf.subarray(this.pos, this.pos + 20).toString("latin1").replace(/[^\x20-\x7e]/g, "?");
    throw new DrvError(this.file, `not a valid derivation: ${what} at byte ${this.pos}${this.pos < this.buf.length ? ` (near "${near}")` : " (the file ends there)"}`);
  }

  expect(byte: number): void {
    if (this.buf[this.pos] !== byte) this.fail(`expected '${String.fromCharCode(byte)}'`);
    this.pos++;
  }

  literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.buf[this.pos + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  peek(): number | undefined {
    return this.buf[this.pos];
  }

  /** A quoted string; `\n` `\r` `\t` map to LF CR TAB, any other `\c` to `c`. */
  string(): string {
    this.expect(QUOTE);
    const buf = this.buf;
    let start = this.pos;
    let chunks: string[] | null = null;
    for (let i = start; i < buf.length; i++) {
      const b = buf[i];
      if (b === QUOTE) {
        this.pos = i + 1;
        const last = buf.toString("utf8", start, i);
        if (!chunks) return last;
        chunks.push(last);
        return chunks.join("");
      }
      if (b === BACKSLASH) {
        if (i + 1 >= buf.length) break;
        (chunks ??= []).push(buf.toString("utf8", start, i));
        const c = buf[i + 1]!;
        chunks.push(c === 0x6e ? "\n" : c === 0x72 ? "\r" : c === 0x74 ? "\t" : String.fromCharCode(c));
        i++;
        start = i + 1;
      }
    }
    this.pos = buf.length;
    return this.fail("unterminated string");
  }

  /** `[item,item,…]` */
  list<T>(item: () => T): T[] {
    this.expect(LBRACKET);
    const out: T[] = [];
    if (this.peek() === RBRACKET) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(item());
      const b = this.peek();
      if (b === COMMA) this.pos++;
      else if (b === RBRACKET) {
        this.pos++;
        return out;
      } else this.fail("expected ',' or ']'");
    }
  }

  comma(): void {
    this.expect(COMMA);
  }
}

/**
 * The outputs of a dynamic input: `(["out"],[("out",["sub"])])`. The nested
 * outputs name derivations built by that input; only its own outputs matter
 * for pairing and comparing.
 */
function dynamicOutputs(s: Scanner): string[] {
  s.expect(LPAREN);
  const outs = s.list(() => s.string());
  s.comma();
  s.list(() => {
    s.expect(LPAREN);
    s.string();
    s.comma();
    if (s.peek() === LPAREN) dynamicOutputs(s);
    else s.list(() => s.string());
    s.expect(RPAREN);
    return null;
  });
  s.expect(RPAREN);
  return outs;
}

export function parseDerivation(buf: Buffer, file: string): Derivation {
  const s = new Scanner(buf, file);
  let version: string | null = null;
  if (s.literal("DrvWithVersion(")) {
    version = s.string();
    s.comma();
  } else if (!s.literal("Derive(")) {
    s.fail("expected 'Derive(' or 'DrvWithVersion('");
  }
  const outputs = s.list((): DrvOutput => {
    s.expect(LPAREN);
    const name = s.string();
    s.comma();
    const path = s.string();
    s.comma();
    const hashAlgo = s.string();
    s.comma();
    const hash = s.string();
    s.expect(RPAREN);
    return { name, path, hashAlgo, hash };
  });
  s.comma();
  const inputDrvs = s.list((): DrvInput => {
    s.expect(LPAREN);
    const path = s.string();
    s.comma();
    const outs = s.peek() === LPAREN ? dynamicOutputs(s) : s.list(() => s.string());
    s.expect(RPAREN);
    return { path, outputs: outs };
  });
  s.comma();
  const inputSrcs = s.list(() => s.string());
  s.comma();
  const system = s.string();
  s.comma();
  const builder = s.string();
  s.comma();
  const args = s.list(() => s.string());
  s.comma();
  const env = s.list((): [string, string] => {
    s.expect(LPAREN);
    const k = s.string();
    s.comma();
    const v = s.string();
    s.expect(RPAREN);
    return [k, v];
  });
  s.expect(RPAREN);
  // Nix writes no newline; tolerate trailing whitespace from an editor.
  while (s.pos < buf.length && (buf[s.pos] === 0x0a || buf[s.pos] === 0x20 || buf[s.pos] === 0x0d)) s.pos++;
  if (s.pos !== buf.length) s.fail("unexpected text after the derivation");
  return { outputs, inputDrvs, inputSrcs, system, builder, args, env, version };
}

/** `/nix/store/<hash>-systemd-257.9.drv` → `systemd-257.9`. */
export function drvName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dash = base.indexOf("-");
  const rest = dash >= 0 ? base.slice(dash + 1) : base;
  return rest.endsWith(".drv") ? rest.slice(0, -4) : rest;
}

/** A fixed-output derivation: every output carries its hash. */
export function isFixedOutput(outputs: DrvOutput[]): boolean {
  return outputs.length > 0 && outputs.every((o) => o.hash !== "" && o.hash !== "impure" && o.path !== "");
}
