// Every sample scenario that ships a truth.json (the known root causes, from
// the shared corpus) must give exactly those causes, in every mode we ship.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli, samples } from "./run.js";

interface TrueCause {
  kind: string;
  name?: string;
  from?: string;
  to?: string;
  drv?: string;
  keys?: string[];
  source?: string;
  input?: string;
}
interface Reported extends TrueCause {
  seenIn?: string[];
}

const at = (r: Reported, drv?: string): boolean => drv === undefined || r.drv === drv || (r.seenIn ?? []).includes(drv);

/** The same matching rules as the project's scorer (shared/tools/score.mjs). */
function matches(t: TrueCause, r: Reported): boolean {
  switch (t.kind) {
    case "version":
      return r.kind === "version" && r.name === t.name && r.from === t.from && r.to === t.to;
    case "env":
      return (r.kind === "env" || r.kind === "fixed-output") && at(r, t.drv) && (t.keys ?? []).every((k) => (r.keys ?? []).includes(k));
    case "source":
      return r.kind === "source" && at(r, t.drv) && (t.source === undefined || r.source === t.source);
    case "added":
    case "removed":
      return r.kind === t.kind && r.input === t.input && at(r, t.drv);
    default:
      return r.kind === t.kind && at(r, t.drv);
  }
}

const dir = fileURLToPath(samples);
const scenarios = readdirSync(dir).filter((d) => existsSync(`${dir}/${d}/truth.json`));

describe.each(scenarios)("scenario %s", (scenario) => {
  const truth = JSON.parse(readFileSync(`${dir}/${scenario}/truth.json`, "utf8")) as { causes: TrueCause[]; hidden?: { cause: number; mode: string | null }[] };
  const modes = readdirSync(`${dir}/${scenario}`).filter((f) => f.endsWith(".txt") || f === "diff.json");
  it.each(modes)("%s gives exactly the true causes", async (mode) => {
    const hidden = new Set((truth.hidden ?? []).filter((h) => !(mode === "env.txt" && (h.mode ?? "").includes("environment"))).map((h) => h.cause));
    const expected = truth.causes.filter((_, i) => !hidden.has(i));
    const { code, stdout } = await runCli(["--format", "json", `${dir}/${scenario}/${mode}`]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { causes: Reported[]; input: { unrecognized: number } };
    expect(report.input.unrecognized).toBe(0);
    const unused = [...report.causes];
    const missing: TrueCause[] = [];
    for (const t of expected) {
      const i = unused.findIndex((r) => matches(t, r));
      if (i >= 0) unused.splice(i, 1);
      else missing.push(t);
    }
    expect(missing).toEqual([]);
    expect(unused.map((r) => ({ kind: r.kind, drv: r.drv }))).toEqual([]);
  });
});
