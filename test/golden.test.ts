// Golden files: each sample's report in every format, compared byte for byte
// with test/golden/. After an intended change, regenerate with
//   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
// and read the diff before committing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli, samples } from "./run.js";

const golden = fileURLToPath(new URL("./golden/", import.meta.url));
const dir = fileURLToPath(samples);

interface Case {
  name: string;
  args: string[];
}

const files = [
  "seed-tailscale/default.txt",
  "seed-tailscale/v1020.txt",
  "multi-cause/default.txt",
  "env-change/default.txt",
  "env-change/v1010.txt",
  "source-change/line.txt",
  "service-enabled/default.txt",
  "forum-fragment.txt",
  "upstream/human-readable",
];

const cases: Case[] = [];
for (const f of files) {
  const base = f.replace(/[/.]/g, "_");
  cases.push({ name: `${base}.json`, args: ["--format", "json", f] });
  cases.push({ name: `${base}.txt`, args: ["--color", "never", f] });
  cases.push({ name: `${base}.md`, args: ["--format", "markdown", f] });
}
cases.push({ name: "seed-tailscale_default_txt.color.txt", args: ["--color", "always", "seed-tailscale/default.txt"] });
cases.push({ name: "seed-tailscale_default_txt.why-procps.txt", args: ["--color", "never", "--why", "procps", "seed-tailscale/default.txt"] });
cases.push({ name: "env-change_default_txt.tree.txt", args: ["--color", "never", "--tree", "env-change/default.txt"] });

describe("golden reports", () => {
  it.each(cases)("$name", async ({ name, args }) => {
    const resolved = args.map((a) => (a.includes("/") || a.endsWith(".txt") || a === "human-readable" ? `${dir}/${a}` : a));
    const { code, stdout } = await runCli(resolved, { env: {} });
    expect(code).toBe(0);
    // The JSON names its input file; keep the golden independent of where the repo lives.
    const text = stdout.split(dir).join("samples/");
    const file = `${golden}/${name}`;
    if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
      mkdirSync(golden, { recursive: true });
      writeFileSync(file, text);
    }
    expect(text).toBe(readFileSync(file, "utf8"));
  });
});
