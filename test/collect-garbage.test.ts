// Between reading and analysis the CLI runs one full collection (input/memory.ts):
// it must really collect, not silently do nothing (then the peak goes back up).

import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { collectReadingGarbage } from "../src/input/memory.js";

describe("collectReadingGarbage", () => {
  it("collects what nothing refers to any more", async () => {
    let held: object | null = { payload: new Array(1000).fill("x") };
    const ref = new WeakRef(held);
    // A WeakRef's target lives to the end of the job that made (or read) it.
    await tick();
    expect(ref.deref()).toBeDefined();
    await tick();
    held = null;
    collectReadingGarbage();
    expect(ref.deref()).toBeUndefined();
  });
});
