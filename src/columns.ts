// Growable typed-array columns: how the model keeps what a big diff has
// hundreds of thousands of (mentions, graph edges) without an object or a
// small array per item (each JS array grown by push keeps room for 17 or more).

/** Int32 values appended one at a time; `done()` gives them as an exact-size array. */
export class IntColumn {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i]!;
  }

  set(i: number, v: number): void {
    this.data[i] = v;
  }

  done(): Int32Array {
    return this.data.slice(0, this.length);
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
