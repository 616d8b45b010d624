// Types for bench/generate.mjs (plain JS, so that it runs without a build step).

export interface GenerateOptions {
  /** Approximate number of lines to write (default 10000). */
  lines?: number;
  /** The output is a pure function of the options; default 1. */
  seed?: number;
  /** `--color always` output (ANSI SGR codes) instead of ←old← / →new→ markers. */
  color?: boolean;
  /** nix-diff 1.0.20's per-input `These two derivations have already been compared`. */
  legacy?: boolean;
}

/** The generated nix-diff text. */
export function generate(options?: GenerateOptions): string;

/** Calls `write` with successive pieces of the generated text; returns the number of lines. */
export function generateTo(options: GenerateOptions, write: (chunk: string) => void): number;
