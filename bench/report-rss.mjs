// Preloaded into a Node child (`node --import ./bench/report-rss.mjs …`) by
// bench/run.mjs when /usr/bin/time is not available: on exit, writes the
// process's peak resident set size in KB to the file named by BENCH_RSS_FILE.
// (A parent cannot read a child's peak RSS from Node, and polling
// /proc/<pid>/status is racy; the child itself knows it exactly.)

import { writeFileSync } from "node:fs";

const file = process.env.BENCH_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, `${process.resourceUsage().maxRSS}\n`));
