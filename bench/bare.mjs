#!/usr/bin/env node
// bench/bare.mjs: the start-up floor for this stack. A bare `node` that only
// imports what drvsquash is built on (yargs, split2, picocolors) and exits;
// bench/run.mjs compares drvsquash on a 10-line input against it.

import yargs from "yargs";
import split2 from "split2";
import pc from "picocolors";

if (typeof yargs !== "function" || typeof split2 !== "function" || typeof pc.red !== "function") process.exit(1);
