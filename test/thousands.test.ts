// thousands() replaced Number.prototype.toLocaleString("en-US") in every
// sentence (its first call loads ICU's formatter: ~12 ms of start-up); it must
// write every count exactly as ICU did.

import { describe, expect, it } from "vitest";
import { thousands } from "../src/thousands.js";

describe("thousands", () => {
  it("writes counts as en-US toLocaleString does, at every length and sign", () => {
    const values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 12345, 99999, 100000, 123456, 999999, 1000000, 1234567, 10000000, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
    for (let d = 1; d <= 16; d++) values.push(Number("7".repeat(d)), 10 ** (d - 1));
    for (const v of [...values, ...values.filter((x) => x !== 0).map((x) => -x)]) expect(thousands(v), String(v)).toBe(v.toLocaleString("en-US"));
  });

  it("leaves what is not a safe integer to ICU", () => {
    for (const v of [1.5, 1234.5678, 2 ** 60, Infinity, NaN, -0]) expect(thousands(v)).toBe(v.toLocaleString("en-US"));
  });
});
