// Types for bench/generate.mjs (plain JS, so that it runs without a build step).

export interface GenerateOptions {
  /** Approximate number of lines of the default form (default 10000). */
  lines?: number;
  /** The output is a pure function of the options; default 1. */
  seed?: number;
  /** `--color always` output (ANSI SGR codes) instead of ←old← / →new→ markers. */
  color?: boolean;
  /** nix-diff 1.0.20's per-input `These two derivations have already been compared`. */
  legacy?: boolean;
  /** `nix-diff --environment` form of the same system: environments compared instead of skipped. */
  environment?: boolean;
}

/** A planted root cause, as in a corpus truth.json. */
export interface PlantedCause {
  kind: "source" | "version" | "env";
  drv?: string;
  source?: string;
  name?: string;
  from?: string;
  to?: string;
  keys?: string[];
}

export interface Truth {
  scenario: string;
  top: string;
  causes: PlantedCause[];
  via: null[];
  /** Causes (by index) that only the --environment form shows. */
  hidden: { cause: number; mode: string; why: string }[];
}

/** The generated nix-diff text. */
export function generate(options?: GenerateOptions): string;

/** Calls `write` with successive pieces of the generated text; returns the number of lines. */
export function generateTo(options: GenerateOptions, write: (chunk: string) => void): number;

/** The text and the causes planted in it. */
export function generateWithTruth(options?: GenerateOptions): { text: string; truth: Truth };
