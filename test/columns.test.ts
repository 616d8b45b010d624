// IntColumn keeps a million values in chunks without copying them as it grows;
// whatever its layout, it must read back exactly what was pushed.
import { describe, expect, it } from "vitest";
import { groupBy, IntColumn } from "../src/columns.js";

const filled = (n: number): IntColumn => {
  const c = new IntColumn();
  for (let i = 0; i < n; i++) c.push(i * 7 - 3);
  return c;
};

describe("IntColumn", () => {
  // Around the first chunk's doubling and the fixed chunks after it (65,536 values each).
  for (const n of [0, 1, 16, 17, 1024, 1025, 65_535, 65_536, 65_537, 131_072, 200_001]) {
    it(`${n} values read back by get and done, in order`, () => {
      const c = filled(n);
      expect(c.length).toBe(n);
      const all = c.done();
      expect(all.length).toBe(n);
      let bad = -1;
      for (let i = 0; i < n && bad < 0; i++) if (all[i] !== i * 7 - 3 || c.get(i) !== i * 7 - 3) bad = i;
      expect(bad).toBe(-1);
    });
  }

  it("set changes one value, in any chunk", () => {
    const c = filled(150_000);
    for (const i of [0, 65_535, 65_536, 149_999]) c.set(i, -1);
    const all = c.done();
    expect([all[0], all[65_535], all[65_536], all[149_999], all[1], all[65_537]]).toEqual([-1, -1, -1, -1, 4, 65_537 * 7 - 3]);
  });

  it("done gives a copy: pushing on does not change it", () => {
    const c = filled(70_000);
    const before = c.done();
    c.push(5);
    expect(before.length).toBe(70_000);
    expect(c.done().length).toBe(70_001);
  });
});

describe("groupBy", () => {
  it("groups stably by owner", () => {
    const { start, order } = groupBy([2, 0, 2, 1, 0], 3);
    expect(Array.from(start)).toEqual([0, 2, 3, 5]);
    expect(Array.from(order)).toEqual([1, 4, 3, 0, 2]);
  });
});
