// Line ends: LF, CRLF and a lone CR (classic Mac OS, or a file whose ends were
// mixed by editing on several systems) all end a line. Lone CRs become LF
// before the lines are split; a CRLF is left for the paste repair, which
// drops its CR.

import { Transform, type TransformCallback } from "node:stream";

const CR = 13;
const LF = 10;

/** `bytes` with every CR that no LF follows turned into LF (a CR at the very end too). */
export function loneCrToLf(bytes: Buffer): Buffer {
  if (bytes.indexOf(CR) < 0) return bytes;
  const out = Buffer.from(bytes);
  for (let i = out.indexOf(CR); i >= 0; i = out.indexOf(CR, i + 1)) if (out[i + 1] !== LF) out[i] = LF;
  return out;
}

/** The same, for a stream: a CR at the end of a chunk waits for the next chunk's first byte. */
export class LoneCrToLf extends Transform {
  private heldCr = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let c = chunk;
    if (this.heldCr) {
      this.heldCr = false;
      c = Buffer.concat([Buffer.from([c[0] === LF ? CR : LF]), c]);
    }
    if (c.indexOf(CR) < 0) {
      done(null, c);
      return;
    }
    if (c[c.length - 1] === CR) {
      this.heldCr = true;
      c = c.subarray(0, -1);
    }
    done(null, loneCrToLf(c));
  }

  override _flush(done: TransformCallback): void {
    done(null, this.heldCr ? Buffer.from([LF]) : undefined);
  }
}
