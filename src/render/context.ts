// What every renderer receives: decided once by the CLI, never read from the
// environment or the terminal by a renderer itself.

import pc from "picocolors";
import { thousands } from "../thousands.js";

/** The report formats there are renderers for. */
export const FORMATS = ["text", "json", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

export type Colors = ReturnType<typeof pc.createColors>;

export interface RenderContext {
  colors: Colors;
  /** Cut lines to this many columns (0: never cut). */
  width: number;
}

export function makeContext(colour: boolean, width: number): RenderContext {
  return { colors: pc.createColors(colour), width };
}

const SGR = /\x1b\[[0-9;]*m/g;

/** Visible length of a line that may hold our own colour codes. */
export function visibleLength(s: string): number {
  return [...s.replace(SGR, "")].length;
}

/** Cut a line to `width` visible columns, ending it with `…`; colour codes are kept whole. */
export function fit(s: string, width: number): string {
  if (width <= 0 || visibleLength(s) <= width) return s;
  let out = "";
  let shown = 0;
  let i = 0;
  while (i < s.length && shown < width - 1) {
    if (s[i] === "\x1b") {
      const m = /^\x1b\[[0-9;]*m/.exec(s.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    out += ch;
    i += ch.length;
    shown++;
  }
  return out + "…" + (s.includes("\x1b[") ? "\x1b[0m" : "");
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${thousands(n)} ${n === 1 ? word : many}`;
}

export function num(n: number): string {
  return thousands(n);
}
