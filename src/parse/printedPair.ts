// A pair as the text parser keeps it: the DrvPair of the model in fewer
// fields. A system rebuild prints ~80k pairs, most of them with one finding
// (their builder) and no child; as an object literal of 17 fields and a
// one-element findings array each, they were a fifth of the parsed tree.
// Here a lone finding is kept without an array, and the small scalars
// (depth, status, two flags) share one integer.
// Readers see the DrvPair interface unchanged.

import type { DrvPair, Finding, PairStatus } from "../model.js";
import type { PathId } from "../storePaths.js";
import { NO_PATH } from "../storePaths.js";

const STATUSES: readonly PairStatus[] = ["expanded", "onlyAlreadyComparedBelow", "namesDiffer", "outputsDiffer"];

// `bits`: depth above bit 3, then the status (2 bits), inferred, unfinished.
const UNFINISHED = 1;
const INFERRED = 2;
const STATUS_SHIFT = 2;
const STATUS_MASK = 3 << STATUS_SHIFT;
const DEPTH_SHIFT = 4;
/** Deeper than this, `depth` is kept in a field of its own (no nix-diff tree is this deep, but an input may say so). */
const MAX_PACKED_DEPTH = (1 << 26) - 1;

/** Frozen, so a push to a pair's empty list fails loudly (lists are replaced, see parser.ts addTo). */
const NONE: never[] = Object.freeze([]) as unknown as never[];

export class PrintedPair implements DrvPair {
  readonly id: number;
  name: string;
  oldPath: PathId = NO_PATH;
  newPath: PathId = NO_PATH;
  firstLine: number;
  lastLine: number;
  children: number[] = NONE;
  mentionCount = 0;
  oldOutputs: string | null = null;
  newOutputs: string | null = null;
  /** -1 for null (`parent`, the two environment lines). */
  private parentId: number;
  private envSkipped = -1;
  private envShown = -1;
  private bits = 0;
  /** No finding (null), the only one, or all of them. */
  private found: Finding | Finding[] | null = null;
  /** Set only past MAX_PACKED_DEPTH (then an own property of that pair alone). */
  declare private deepDepth?: number;

  constructor(id: number, name: string, parent: number | null, line: number) {
    this.id = id;
    this.name = name;
    this.parentId = parent ?? -1;
    this.firstLine = line;
    this.lastLine = line;
  }

  get parent(): number | null {
    return this.parentId < 0 ? null : this.parentId;
  }
  set parent(v: number | null) {
    this.parentId = v ?? -1;
  }

  get envSkippedLine(): number | null {
    return this.envSkipped < 0 ? null : this.envSkipped;
  }
  set envSkippedLine(v: number | null) {
    this.envSkipped = v ?? -1;
  }

  get envShownLine(): number | null {
    return this.envShown < 0 ? null : this.envShown;
  }
  set envShownLine(v: number | null) {
    this.envShown = v ?? -1;
  }

  get findings(): Finding[] {
    const f = this.found;
    if (f === null) return NONE;
    // A finding is an object, never an array.
    return Array.isArray(f) ? f : [f];
  }
  set findings(v: Finding[]) {
    this.found = v.length === 0 ? null : v.length === 1 ? v[0]! : v;
  }

  get status(): PairStatus {
    return STATUSES[(this.bits & STATUS_MASK) >> STATUS_SHIFT]!;
  }
  set status(v: PairStatus) {
    this.bits = (this.bits & ~STATUS_MASK) | (STATUSES.indexOf(v) << STATUS_SHIFT);
  }

  get inferred(): boolean {
    return (this.bits & INFERRED) !== 0;
  }
  set inferred(v: boolean) {
    this.bits = v ? this.bits | INFERRED : this.bits & ~INFERRED;
  }

  /** `true` or absent, as in DrvPair. */
  get unfinished(): true | undefined {
    return (this.bits & UNFINISHED) !== 0 ? true : undefined;
  }
  set unfinished(v: boolean | undefined) {
    this.bits = v ? this.bits | UNFINISHED : this.bits & ~UNFINISHED;
  }

  get depth(): number {
    const packed = this.bits >>> DEPTH_SHIFT;
    return packed === MAX_PACKED_DEPTH ? this.deepDepth! : packed;
  }
  set depth(v: number) {
    const packed = Math.min(v, MAX_PACKED_DEPTH);
    if (packed === MAX_PACKED_DEPTH) this.deepDepth = v;
    this.bits = (this.bits & ((1 << DEPTH_SHIFT) - 1)) | (packed << DEPTH_SHIFT);
  }
}
