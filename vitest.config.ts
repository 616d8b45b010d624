import { defineConfig } from "vitest/config";

// No test here is timed (speed is measured in `npm run bench`), so the timeout
// only catches a hang. vitest's 5 s default failed CI on a shared two-core
// machine where a property test over every shipped output took 7.6 s.
export default defineConfig({
  test: { testTimeout: 60_000 },
});
