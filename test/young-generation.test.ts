// The young generation is held at 8 MB a semi-space once a big input has grown
// it there (src/input/memory.ts): only on the V8 measured, never for a small input.
import { describe, expect, it } from "vitest";
import { capYoungGeneration } from "../src/input/memory.js";

const MB = 1048576;

describe("capYoungGeneration", () => {
  // In this order: once capped, it stays capped for the process.
  it("never on a V8 it was not measured on (it might not know the flag)", () => {
    expect(capYoungGeneration(64 * MB, "12.4.254.21-node.33")).toBe(false);
    expect(capYoungGeneration(64 * MB, "10.2.154.26-node.26")).toBe(false);
  });

  it("not while the young generation is below two semi-spaces of 8 MB", () => {
    expect(capYoungGeneration(0, "11.3.244.8-node.19")).toBe(false);
    expect(capYoungGeneration(16 * MB - 1, "11.3.244.8-node.19")).toBe(false);
  });

  it("from two semi-spaces of 8 MB on, and then for good", () => {
    expect(capYoungGeneration(16 * MB, "11.3.244.8-node.19")).toBe(true);
    expect(capYoungGeneration(0, "12.4.254.21-node.33")).toBe(true);
  });
});
