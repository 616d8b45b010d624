// Reads nix-diff's colour instead of just stripping it. In coloured output a
// text diff has no `←`/`→` markers: a red background (SGR 41) is the only
// sign of an old-only chunk and a green one (42) of a new-only chunk. We turn
// those spans back into the markers the uncoloured output uses, so the rest
// of the parser sees one form. Every other escape sequence is dropped.

import { NEW_MARK, OLD_MARK } from "../values/markers.js";

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), other two-byte escapes,
// and the 8-bit CSI. An OSC with no terminator loses only its `ESC ]`: the rest
// of the line is still read.
const ESCAPE = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]/g;

/**
 * Stateful across lines: nix-diff before 1.0.21 let a coloured span run over
 * several lines, closing it only at its end.
 */
export class SgrDecoder {
  private span: "old" | "new" | null = null;
  /** The open span has produced no text yet (nix-diff's `ESC[42mESC[0m ` form). */
  private spanEmpty = false;
  sawColour = false;

  decode(line: string): string {
    if (line.indexOf("\x1b") === -1 && line.indexOf("\x9b") === -1) {
      if (this.span !== null) this.spanEmpty = false;
      return line;
    }
    let out = "";
    let last = 0;
    ESCAPE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = ESCAPE.exec(line)) !== null) {
      const chunk = line.slice(last, m.index);
      if (chunk.length > 0) {
        out += chunk;
        if (this.span !== null) this.spanEmpty = false;
      }
      last = ESCAPE.lastIndex;
      if (m[2] !== "m" || m[0].charCodeAt(1) !== 0x5b) continue; // not SGR: drop
      this.sawColour = true;
      const params = (m[1] ?? "").split(";");
      for (const p of params) {
        if (p === "41" || p === "42") {
          if (this.span === null) {
            this.span = p === "41" ? "old" : "new";
            this.spanEmpty = true;
            out += p === "41" ? OLD_MARK : NEW_MARK;
          }
        } else if (p === "0" || p === "" || p === "49") {
          if (this.span !== null) {
            // An empty span is followed by the whitespace chunk it stands for.
            let ws = 0;
            if (this.spanEmpty) {
              const rest = line.slice(last);
              ws = /^[ \t]*/.exec(rest)?.[0].length ?? 0;
              out += rest.slice(0, ws);
              last += ws;
              ESCAPE.lastIndex = last;
            }
            out += this.span === "old" ? OLD_MARK : NEW_MARK;
            this.span = null;
          }
        }
      }
    }
    const tail = line.slice(last);
    if (tail.length > 0) {
      out += tail;
      if (this.span !== null) this.spanEmpty = false;
    }
    return out;
  }
}

/** Remove every escape sequence (for text that is not a diff value). */
export function stripAnsi(s: string): string {
  return s.replace(ESCAPE, "");
}
