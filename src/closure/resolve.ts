// What the command-line arguments are: nix-diff text (files, stdin), two
// derivations (`.drv` files, known by their content), or two output paths
// (`/run/current-system`, `./result`) resolved to their derivations with Nix
// itself. Mixing kinds is an error; so is `--store` with text.

import type { SpawnSyncReturns } from "node:child_process";
import { createRequire } from "node:module";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, resolve as resolvePath } from "node:path";
import { looksLikeDrv, parseDerivation, DrvError } from "./aterm.js";
import { readFileSync } from "node:fs";

/** Arguments that cannot be used: exit 2 with this message. */
export class ArgumentError extends Error {}

export interface ClosureRoots {
  old: string;
  new: string;
  storeDir: string;
  /** Where store paths are read from instead of the store directory itself. */
  dir: string | null;
  /** Root `.drv` files not at their store path (a file given by its own name). */
  files: Map<string, string>;
}

export type Runner = (cmd: string, args: string[]) => Pick<SpawnSyncReturns<string>, "status" | "stdout" | "stderr" | "error">;

// node:child_process is loaded when nix is first run: it brings net and dgram
// with it, a few milliseconds of every start-up, and most runs read text.
const load = createRequire(import.meta.url);
const defaultRunner: Runner = (cmd, args) => (load("node:child_process") as typeof import("node:child_process")).spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });

const STORE_BASE = /^[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\-._?=]+$/;

type Arg = { kind: "text" } | { kind: "drv"; logical: string; file: string; storeDir: string } | { kind: "output"; path: string };

function head(file: string): Buffer | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, "r");
    const b = Buffer.alloc(16);
    const n = readSync(fd, b, 0, 16, 0);
    return b.subarray(0, n);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The store directory a derivation's own paths name (`/nix/store`). */
function storeDirOf(file: string): string {
  let d;
  try {
    d = parseDerivation(readFileSync(file), file);
  } catch (e) {
    if (e instanceof DrvError) throw e;
    throw new DrvError(file, "cannot read it");
  }
  const any = d.outputs.find((o) => o.path)?.path ?? d.inputDrvs[0]?.path ?? d.inputSrcs[0] ?? "/nix/store/x";
  return dirname(any);
}

function classify(arg: string, store: string | null): Arg {
  if (arg === "-") return { kind: "text" };
  // `--store DIR`: `/nix/store/X` is `DIR/X`.
  if (store !== null && arg.startsWith("/") && STORE_BASE.test(basename(arg)) && !isFile(arg)) {
    const file = `${store}/${basename(arg)}`;
    const h = head(file);
    if (h && looksLikeDrv(h)) return { kind: "drv", logical: arg, file, storeDir: dirname(arg) };
    if (isFile(file) || !arg.endsWith(".drv")) return { kind: "output", path: arg };
    throw new ArgumentError(`${arg}: not found in --store ${store} (looked for ${file})`);
  }
  if (isFile(arg)) {
    const h = head(arg);
    if (!h || !looksLikeDrv(h)) {
      // A store object that is a file (a `builtins.toFile` or `nix-store --add` result) is an output path too.
      let real = arg;
      try {
        real = realpathSync(arg);
      } catch {
        // keep the name given
      }
      return STORE_BASE.test(basename(real)) && dirname(real).endsWith("/store") ? { kind: "output", path: real } : { kind: "text" };
    }
    const storeDir = storeDirOf(arg);
    const abs = resolvePath(arg);
    return { kind: "drv", logical: dirname(abs) === storeDir ? abs : `${storeDir}/${basename(arg)}`, file: abs, storeDir };
  }
  let real: string;
  try {
    real = realpathSync(arg);
  } catch {
    // Not there: a store path named directly (with Nix the deriver may still be known), else the text reader says "no such file".
    return arg.startsWith("/") && STORE_BASE.test(basename(arg)) ? { kind: "output", path: arg } : { kind: "text" };
  }
  if (STORE_BASE.test(basename(real))) return { kind: "output", path: real };
  return { kind: "text" };
}

/** `nix-store --query --deriver P`, falling back to `nix path-info --derivation P`. */
export function deriverOf(path: string, run: Runner = defaultRunner): string {
  const hint = `run \`nix-store --query --deriver ${path}\` (or \`nix path-info --derivation ${path}\`) where Nix knows it, and pass the .drv paths instead`;
  const q = run("nix-store", ["--query", "--deriver", path]);
  let reason: string;
  if (!q.error && q.status === 0) {
    const out = String(q.stdout).trim();
    if (out && out !== "unknown-deriver") return out;
    reason = "its deriver is unknown (it was copied or substituted without it)";
  } else if (q.error) reason = "Nix is not installed here (no nix-store)";
  else reason = lastLine(q.stderr) || `nix-store exited with ${q.status}`;
  const r = run("nix", ["--extra-experimental-features", "nix-command", "path-info", "--derivation", path]);
  if (!r.error && r.status === 0) {
    const out = lastLine(r.stdout);
    if (out.endsWith(".drv")) return out;
  } else if (q.error && !r.error) reason = lastLine(r.stderr) || reason;
  throw new ArgumentError(`${path}: cannot find its derivation: ${reason}; ${hint}`);
}

function lastLine(s: unknown): string {
  return String(s ?? "").trim().split("\n").pop() ?? "";
}

/**
 * The closure roots when the arguments name derivations or output paths; null
 * when they are nix-diff text. Throws ArgumentError / DrvError otherwise.
 */
export function closureRoots(args: string[], store: string | null, run: Runner = defaultRunner): ClosureRoots | null {
  const kinds = args.map((a) => classify(a, store));
  const closure = kinds.filter((k) => k.kind !== "text").length;
  if (closure === 0) {
    if (store !== null) throw new ArgumentError("--store reads derivations: give two .drv files or output paths, not nix-diff text");
    return null;
  }
  if (closure !== args.length) {
    const text = args.filter((_, i) => kinds[i]!.kind === "text").map((a) => (a === "-" ? "stdin" : a));
    throw new ArgumentError(`cannot mix derivations and nix-diff text (${text.join(", ")} ${text.length === 1 ? "is" : "are"} text): give two .drv files or output paths, or nix-diff output`);
  }
  if (args.length !== 2) throw new ArgumentError(`give exactly two derivations or output paths to compare (got ${args.length})`);
  const files = new Map<string, string>();
  const roots = kinds.map((k, i) => {
    if (k.kind === "drv") {
      if (k.file !== k.logical) files.set(k.logical, k.file);
      return { path: k.logical, storeDir: k.storeDir, file: k.file };
    }
    const p = deriverOf((k as { path: string }).path, run);
    return { path: p, storeDir: dirname(p), file: store !== null ? `${store}/${basename(p)}` : p, arg: args[i] };
  });
  const [a, b] = roots as [(typeof roots)[0], (typeof roots)[0]];
  if (a.storeDir !== b.storeDir) throw new ArgumentError(`the two derivations name different store directories (${a.storeDir}, ${b.storeDir})`);
  // A .drv given outside its store (a copied closure): its inputs are read next to it.
  let dir = store;
  if (dir === null && files.size > 0) dir = dirname(files.get(a.path) ?? files.get(b.path)!);
  return { old: a.path, new: b.path, storeDir: a.storeDir, dir, files };
}
