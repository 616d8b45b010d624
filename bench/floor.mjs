#!/usr/bin/env node
// bench/floor.mjs FILE: the floor for this stack. Streams FILE through split2
// (as drvsquash reads its input) and only counts the lines, printing the count.
// drvsquash's times in bench/run.mjs are reported as a ratio to this pass.

import { createReadStream } from "node:fs";
import split2 from "split2";

let lines = 0;
createReadStream(process.argv[2] ?? "/dev/stdin")
  .on("error", (e) => { throw e; })
  .pipe(split2())
  .on("data", () => { lines++; })
  .on("end", () => process.stdout.write(`${lines}\n`));
