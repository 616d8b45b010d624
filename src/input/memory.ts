// No input may end in V8's heap-out-of-memory abort (a native stack trace,
// exit 134): while reading, and once more before analysis, the heap is
// compared with Node's limit, and past a share of it drvsquash stops with
// exit 2 and says which limit it reached and how to raise it.

import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { InputError } from "./read.js";
import { thousands } from "../thousands.js";

// Analysis and rendering take about three quarters again of what the parsed
// input holds (measured: 43 MB read, 57 MB analysed, 75 MB with the JSON text),
// so past half the limit the rest would not fit.
/** Share of the old generation's limit in use at which reading stops. */
const READ_SHARE = 0.5;
/** Share at which analysis is not started. */
const ANALYSE_SHARE = 0.5;

/**
 * The old generation's use and limit: heap_size_limit also counts the young
 * generation (three semi-spaces, 16 MB each unless --max-semi-space-size says
 * otherwise), which V8 empties on its own and never lets grow into an abort.
 */
function oldGeneration(): { used: number; limit: number } {
  const h = getHeapStatistics();
  const young = getHeapSpaceStatistics().find((x) => x.space_name === "new_space")?.space_used_size ?? 0;
  const flags = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  const semi = Number(/--max-semi-space-size[= ](\d+)/.exec(flags)?.[1] ?? 16) * 1048576;
  return { used: h.used_heap_size - young, limit: Math.max(h.heap_size_limit / 2, h.heap_size_limit - 3 * semi) };
}

const mb = (bytes: number): string => `${thousands(Math.round(bytes / 1048576))} MB`;

function refusal(used: number, limit: number, when: string): InputError {
  return new InputError(
    `the input needs more memory than Node's heap limit allows: ${mb(used)} of ${mb(limit)} in use ${when}; ` +
      `raise the limit (NODE_OPTIONS=--max-old-space-size=${Math.ceil((limit * 2) / 1048576)}) or give a smaller input`,
  );
}

/** Call now and then while reading: throws when the heap stays past READ_SHARE of its limit. */
export class MemoryGuard {
  private over = 0;

  check(): void {
    const h = oldGeneration();
    // Garbage counts as used until the next collection: refuse only when two checks in a row are over.
    if (h.used > h.limit * READ_SHARE) this.over++;
    else this.over = 0;
    if (this.over >= 2) throw refusal(h.used, h.limit, "after reading part of it");
  }
}

/** Before analysis: throws when what was read already takes ANALYSE_SHARE of the heap limit. */
export function checkMemoryBeforeAnalysis(): void {
  const h = oldGeneration();
  if (h.used > h.limit * ANALYSE_SHARE) throw refusal(h.used, h.limit, "once it was read");
}

/** Lines from which the reader's and parser's garbage is collected before analysis (see collectReadingGarbage). */
export const COLLECT_FROM_LINES = 100_000;

let gc: (() => void) | null | undefined;

/**
 * One full collection, between reading and analysis. What the reader and the
 * parser worked with (their Maps, line buffers, grown-out columns) is garbage
 * by then, most of it in the old generation, which a run of a million lines
 * may never collect: analysis would allocate on top of it, and the peak was
 * that much higher (~12 MB at 1M lines, for 17-30 ms). `gc` is reached as Jest
 * does for --logHeapUsage (--expose-gc set at run time, read from a new
 * context); where that is refused, nothing is collected.
 */
export function collectReadingGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
