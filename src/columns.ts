// Growable typed-array columns: how the model keeps what a big diff has
// hundreds of thousands of (mentions, graph edges) without an object or a
// small array per item (each JS array grown by push keeps room for 17 or more).

/** Values a column holds in each chunk once it outgrows its first. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/**
 * Int32 values appended one at a time; `done()` gives them as an exact-size array.
 * Up to CHUNK values it is one array that doubles; past that it adds chunks of
 * CHUNK and never copies: a column doubled to a million values would have
 * allocated twice its size in arrays it dropped, which the old generation keeps
 * until a full collection (a run may have none).
 */
export class IntColumn {
  private chunks: Int32Array[];
  /** The chunk being filled (the last of `chunks`). */
  private tail: Int32Array;
  private tailLength = 0;
  length = 0;

  constructor(capacity = 1024) {
    this.tail = new Int32Array(Math.min(CHUNK, Math.max(16, capacity)));
    this.chunks = [this.tail];
  }

  push(v: number): void {
    if (this.tailLength === this.tail.length) this.grow();
    this.tail[this.tailLength++] = v;
    this.length++;
  }

  private grow(): void {
    if (this.tail.length < CHUNK) {
      // Still the first chunk: double it (at most CHUNK values copied, once each size).
      const bigger = new Int32Array(Math.min(CHUNK, this.tail.length * 2));
      bigger.set(this.tail);
      this.tail = bigger;
      this.chunks[0] = bigger;
    } else {
      this.tail = new Int32Array(CHUNK);
      this.tailLength = 0;
      this.chunks.push(this.tail);
    }
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & (CHUNK - 1)]!;
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS]![i & (CHUNK - 1)] = v;
  }

  done(): Int32Array {
    if (this.chunks.length === 1) return this.tail.slice(0, this.length);
    const out = new Int32Array(this.length);
    for (let c = 0; c < this.chunks.length - 1; c++) out.set(this.chunks[c]!, c * CHUNK);
    out.set(this.tail.subarray(0, this.tailLength), (this.chunks.length - 1) * CHUNK);
    return out;
  }
}

/**
 * Items grouped by an owner, stably (counting sort): owner o's items are
 * `order[start[o]] … order[start[o + 1] - 1]`, in the order they were given.
 * Linear in owners + items.
 */
export function groupBy(owner: ArrayLike<number>, owners: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(owners + 1);
  for (let i = 0; i < owner.length; i++) start[owner[i]! + 1]!++;
  for (let o = 0; o < owners; o++) start[o + 1]! += start[o]!;
  const fill = start.slice(0, owners);
  const order = new Int32Array(owner.length);
  for (let i = 0; i < owner.length; i++) order[fill[owner[i]!]!++] = i;
  return { start, order };
}
