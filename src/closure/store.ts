// Where store paths are read from, and the light record kept per derivation:
// its outputs, inputs and sources, and the few environment facts pairing
// needs. The full environment is parsed again when a pair is compared, so a
// 9,000-derivation closure never holds every environment at once.

import { readFileSync, statSync } from "node:fs";
import { parseDerivation, drvName, isFixedOutput, DrvError, type Derivation, type DrvInput, type DrvOutput } from "./aterm.js";

export interface LightDrv {
  path: string;
  name: string;
  outputs: DrvOutput[];
  inputDrvs: DrvInput[];
  inputSrcs: string[];
  fixed: boolean;
  /** Per input derivation (parallel to inputDrvs): the env keys whose value names one of its outputs, joined by ",". */
  roles: string[];
  /** env url/urls (first 512 characters), for telling same-named downloads apart. */
  url: string;
}

/** Length of a store path hash (nix-base32, 160 bits). */
export const HASH_LEN = 32;

export class Store {
  private readonly light = new Map<string, LightDrv>();
  bytesRead = 0;
  filesRead = 0;

  /**
   * @param storeDir the store directory the paths name (`/nix/store`)
   * @param dir where to read them from instead (`--store DIR`), or null
   */
  constructor(
    readonly storeDir: string,
    readonly dir: string | null,
    /** Files given by their own name for store paths (the two roots, outside their store). */
    private readonly files: Map<string, string> = new Map(),
  ) {}

  /** Where the file of store path `p` is on this machine. */
  location(p: string): string {
    const given = this.files.get(p);
    if (given !== undefined) return given;
    if (this.dir === null) return p;
    const prefix = this.storeDir + "/";
    const rest = p.startsWith(prefix) ? p.slice(prefix.length) : p.slice(p.lastIndexOf("/") + 1);
    return `${this.dir}/${rest}`;
  }

  readDrv(path: string): Derivation {
    const file = this.location(path);
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new DrvError(file, code === "ENOENT" ? "no such derivation file (is the closure complete? `--store DIR` reads /nix/store/X from DIR/X)" : `cannot read it (${code ?? "error"})`);
    }
    this.bytesRead += buf.length;
    this.filesRead++;
    return parseDerivation(buf, file);
  }

  get(path: string): LightDrv {
    let d = this.light.get(path);
    if (d) return d;
    const full = this.readDrv(path);
    d = lighten(path, full, this.storeDir);
    this.light.set(path, d);
    return d;
  }

  /** A source's content as text, or null when it is not a readable file (a directory, missing). */
  readSource(path: string): string | null {
    const file = this.location(path);
    try {
      if (!statSync(file).isFile()) return null;
      return readFileSync(file, "utf8");
    } catch {
      return null;
    }
  }

  /** Derivations loaded so far. */
  derivations(): number {
    return this.light.size;
  }
}

/** Store path hashes named in a value (`<storeDir>/<hash>-…`), in order. */
export function hashesIn(value: string, storeDir: string): string[] {
  const out: string[] = [];
  const prefix = storeDir + "/";
  let at = value.indexOf(prefix);
  while (at >= 0) {
    const h = at + prefix.length;
    if (h + HASH_LEN < value.length + 1 && value.charCodeAt(h + HASH_LEN) === 0x2d) out.push(value.slice(h, h + HASH_LEN));
    at = value.indexOf(prefix, h);
  }
  return out;
}

export function hashOf(path: string, storeDir: string): string {
  return path.slice(storeDir.length + 1, storeDir.length + 1 + HASH_LEN);
}

/** Copy a string so it does not keep the buffer or string it was cut from alive. */
function own(s: string): string {
  return s.length === 0 ? s : (" " + s).slice(1);
}

function lighten(path: string, d: Derivation, storeDir: string): LightDrv {
  // Which env keys name which store path hash; the inputs' output paths are in
  // their own files, so roles are resolved once those are loaded (`roleOf`).
  const keysByHash = new Map<string, string[]>();
  let url = "";
  for (const [k, v] of d.env) {
    if (k === "url" || k === "urls") url = own(v.slice(0, 512));
    if (v.length > 4096) continue; // a script naming many paths plays no single role
    for (const found of hashesIn(v, storeDir)) {
      const h = own(found);
      const list = keysByHash.get(h);
      if (!list) keysByHash.set(h, [own(k)]);
      else if (list[list.length - 1] !== k && list.length < 8) list.push(own(k));
    }
  }
  const light: LightDrv = {
    path,
    name: drvName(path),
    outputs: d.outputs,
    inputDrvs: d.inputDrvs,
    inputSrcs: d.inputSrcs,
    fixed: isFixedOutput(d.outputs),
    roles: [],
    url,
  };
  rolesByHash.set(light, keysByHash);
  return light;
}

/** Env keys by referenced output hash, kept until the roles of a derivation's inputs are known. */
const rolesByHash = new WeakMap<LightDrv, Map<string, string[]>>();

/**
 * The env keys of `parent` that name input `i` (by any of the input's output
 * paths): `src` for the tarball, `patches` for a patch. Computed once per
 * derivation, when its inputs are loaded.
 */
export function roleOf(parent: LightDrv, i: number, store: Store): string {
  if (parent.roles.length === 0 && parent.inputDrvs.length > 0) {
    const byHash = rolesByHash.get(parent) ?? new Map<string, string[]>();
    parent.roles = parent.inputDrvs.map((inp) => {
      const child = store.get(inp.path);
      const keys = new Set<string>();
      for (const o of child.outputs) {
        if (!inp.outputs.includes(o.name) || o.path === "") continue;
        for (const k of byHash.get(hashOf(o.path, store.storeDir)) ?? []) keys.add(k);
      }
      return [...keys].sort().join(",");
    });
    rolesByHash.delete(parent);
  }
  return parent.roles[i] ?? "";
}
