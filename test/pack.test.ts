// What a user gets from the registry: `npm pack` the project, install the
// tarball into an empty prefix that cannot see this repository, and run the
// installed `drvsquash` on a sample. Catches a "files" list that leaves out
// something the CLI loads, a runtime dependency listed as a dev dependency, a
// bin that is not executable, and a tarball that carries the sources or tests.
//
// The tarball is packed with --ignore-scripts: `prepare` would rebuild dist/
// in place while other test files run bin/drvsquash.js from it. `npm test`
// builds dist/ before vitest starts (and `npm pack`/`npm publish` run prepare
// themselves), so the dist/ packed here is the current one; run alone, this
// test builds dist/ only if it is missing.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "./build.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string> };
const sample = join(repo, "samples", "env-change", "default.txt");


/**
 * The environment for npm, without what `npm test` puts there about this
 * package (npm_package_*, npm_config_prefix / local_prefix, INIT_CWD), so the
 * install really happens in the temporary prefix and knows nothing of the repo.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|config_(prefix|local_prefix|global_prefix|call)$)/i.test(k) || k === "INIT_CWD") continue;
    env[k] = v;
  }
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let tmp = "";
let bin = "";
let installedWith = "";

describe("the packed tarball, installed like a user would", () => {
  beforeAll(async () => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), "drvsquash-pack-"));
    const dest = join(tmp, "pack");
    const prefix = join(tmp, "prefix");
    mkdirSync(dest);
    mkdirSync(prefix);
    await run(npm, ["pack", "--ignore-scripts", "--pack-destination", dest], { cwd: repo, env: npmEnv() });
    const tarball = join(dest, `${pkg.name}-${pkg.version}.tgz`);
    expect(existsSync(tarball)).toBe(true);
    // The dependencies are normally in npm's cache already (this repo's own
    // install put them there): try without the network first, then with it.
    // --ignore-scripts: a registry install runs none of the package's own scripts
    // (prepare is for git and folder installs), so dist/ must come from the tarball.
    const base = ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--ignore-scripts", tarball];
    for (const mode of ["--offline", "--prefer-offline"]) {
      try {
        await run(npm, [...base, mode], { cwd: prefix, env: npmEnv() });
        installedWith = mode;
        break;
      } catch (e) {
        if (mode === "--prefer-offline") throw e;
      }
    }
    bin = join(prefix, "node_modules", ".bin", "drvsquash");
  }, 120_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("installs the bin and only what runs", () => {
    expect(installedWith).not.toBe("");
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const installed = join(tmp, "prefix", "node_modules", pkg.name);
    for (const f of ["bin/drvsquash.js", "dist/drvsquash.js", "schema/report.schema.json", "LICENSE", "CHANGELOG.md", "package.json"]) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
    // dist/ ships the bundle only: the module-by-module build is for tests and bench scripts.
    for (const f of ["src", "test", "samples", "bench", "scripts", "tsconfig.json", "dist/cli.js", "dist/analyse"]) {
      expect(existsSync(join(installed, f)), f).toBe(false);
    }
    // The runtime dependencies came from the registry (or cache), beside it, not from the repo.
    for (const dep of Object.keys(pkg.dependencies)) {
      expect(existsSync(join(tmp, "prefix", "node_modules", dep, "package.json")), dep).toBe(true);
    }
  });

  // execFile rejects on a non-zero exit status, so each run below also checks for exit 0.
  it("reports the root cause of a sample", async () => {
    const { stdout, stderr } = await run(bin, ["--color", "never", sample], { cwd: tmp });
    expect(stderr).toBe("");
    expect(stdout).toContain("libmnl-1.0.5");
    expect(stdout).toContain("configureFlags");
  }, 30_000);

  it("prints JSON that names the cause", async () => {
    const { stdout } = await run(bin, ["--format", "json", sample], { cwd: tmp });
    const report = JSON.parse(stdout) as { tool: { version: string }; causes: { kind: string; drv: string; keys?: string[] }[] };
    expect(report.tool.version).toBe(pkg.version);
    expect(report.causes[0]).toMatchObject({ kind: "env", drv: "libmnl-1.0.5", keys: ["configureFlags"] });
  }, 30_000);

  it("--version prints package.json's version", async () => {
    const { stdout } = await run(bin, ["--version"], { cwd: tmp });
    expect(stdout).toBe(`${pkg.version}\n`);
  }, 30_000);
});
