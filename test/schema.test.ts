// schema/report.schema.json is the JSON contract in machine form. Every sample's
// `--format json` report must validate against it, and the schema forbids
// unknown fields on the objects drvsquash owns: a field added to, renamed in or
// dropped from the Report type fails here until the schema (and so the
// documentation of the contract) says so too.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { runCli, samples } from "./run.js";

const samplesDir = fileURLToPath(samples);
const schemaFile = fileURLToPath(new URL("../schema/report.schema.json", import.meta.url));
const schema = JSON.parse(readFileSync(schemaFile, "utf8")) as Record<string, unknown>;

/** Notes and expected results that live beside the samples; everything else is nix-diff output. */
const NOT_INPUT = new Set(["README.md", "truth.json", "about.md"]);

function inputsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name === "closures") continue; // derivation closures: validated below
    if (e.isDirectory()) out.push(...inputsUnder(p));
    else if (e.isFile() && !NOT_INPUT.has(e.name)) out.push(p);
  }
  return out.sort();
}

// strictRequired would reject the per-kind `if/then` requirements (it wants each
// required name declared in the same subschema); every other strict check is on,
// so a typo in a keyword fails the schema itself.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

function errorsOf(data: unknown): string {
  return validate(data) ? "" : ajv.errorsText(validate.errors, { separator: "\n" });
}

const inputs = inputsUnder(samplesDir);

describe("schema/report.schema.json", () => {
  it("is itself a valid draft 2020-12 schema with an $id", () => {
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(schema["$id"]).toMatch(/report\.schema\.json$/);
  });

  it("finds the samples (text forms and nix-diff --json)", () => {
    expect(inputs.length).toBeGreaterThan(20);
    expect(inputs.some((p) => p.endsWith("diff.json"))).toBe(true);
  });

  it.each(inputs.map((p) => [relative(samplesDir, p), p] as const))("the report for %s validates", async (_name, path) => {
    const { code, stdout, stderr } = await runCli(["--format", "json", path]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { causes: unknown[] };
    expect(errorsOf(report)).toBe("");
  });

  it.each(readdirSync(join(samplesDir, "closures")).filter((f) => f.endsWith(".tar.gz")))("the report for the closures in closures/%s validates", async (name) => {
    const dir = mkdtempSync(join(tmpdir(), "drvsquash-schema-"));
    expect(spawnSync("tar", ["-xzf", join(samplesDir, "closures", name), "-C", dir]).status).toBe(0);
    const roots = readFileSync(join(dir, "roots"), "utf8").trim().split("\n");
    const { code, stdout, stderr } = await runCli(["--format", "json", "--store", join(dir, "store"), ...roots]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(errorsOf(JSON.parse(stdout))).toBe("");
  });

  describe("catches drift", () => {
    // One real report, changed the way a careless edit would change it.
    const base = async (): Promise<Record<string, unknown> & { causes: Record<string, unknown>[]; input: Record<string, unknown> }> => {
      const { stdout } = await runCli(["--format", "json", join(samplesDir, "seed-tailscale", "default.txt")]);
      return JSON.parse(stdout);
    };

    it("a cause without kind fails", async () => {
      const report = await base();
      expect(report.causes.length).toBeGreaterThan(0);
      delete report.causes[0]!["kind"];
      expect(errorsOf(report)).toMatch(/must have required property 'kind'/);
    });

    it("an unknown cause kind fails", async () => {
      const report = await base();
      report.causes[0]!["kind"] = "mystery";
      expect(errorsOf(report)).toMatch(/must be equal to one of the allowed values/);
    });

    it("a version cause without from/to fails", async () => {
      const report = await base();
      const v = report.causes.find((c) => c["kind"] === "version");
      expect(v).toBeDefined();
      delete v!["to"];
      expect(errorsOf(report)).toMatch(/must have required property 'to'/);
    });

    it("a field the schema does not know fails", async () => {
      const report = await base();
      report.input["linesRead"] = report.input["lines"];
      expect(errorsOf(report)).toMatch(/must NOT have additional properties/);
    });

    it("input.truncated missing fails", async () => {
      const report = await base();
      delete report.input["truncated"];
      expect(errorsOf(report)).toMatch(/must have required property 'truncated'/);
    });
  });
});
