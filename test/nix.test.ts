// With real Nix (Debian's nix-bin, Nix 2.8, as root without a daemon; .ci/run
// installs it): two small expressions instantiated with nix-instantiate, then
// drvsquash on the two .drv paths, and on the output paths of built
// derivations (the deriver lookup through nix-store --query --deriver).
import { spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";

const haveNix = spawnSync("nix-instantiate", ["--version"]).status === 0;
if (!haveNix) console.warn("test/nix.test.ts: SKIPPED — nix-instantiate is not installed (apt-get install -y nix-bin; .ci/run does it)");

const dir = mkdtempSync(join(tmpdir(), "drvsquash-nix-"));
const expr = join(dir, "e.nix");
writeFileSync(
  expr,
  `{ flag ? "a" }:
let lib = builtins.derivation { name = "lib-1.0"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo lib > $out" ]; configureFlags = "--x \${flag}"; };
in builtins.derivation { name = "top"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "read x < \${lib}; echo $x > $out" ]; }
`,
);

function nix(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim().split("\n").pop()!;
}

describe.skipIf(!haveNix)("with real Nix (nix-bin)", () => {
  const instantiate = (flag: string): string => nix("nix-instantiate", [expr, "--argstr", "flag", flag]);

  it("two .drv paths written by nix-instantiate: the env change below the top", async () => {
    const r = await runCli(["--format", "json", instantiate("a"), instantiate("b")]);
    expect(r.stderr).toBe("");
    const causes = (JSON.parse(r.stdout) as { causes: { kind: string; drv: string; keys?: string[] }[] }).causes;
    expect(causes).toEqual([expect.objectContaining({ kind: "env", drv: "lib-1.0", keys: ["configureFlags"] })]);
  });

  it("two output paths (one through a result link): resolved to their derivations", async () => {
    const build = (flag: string): string => nix("nix-store", ["--realise", instantiate(flag), "--option", "sandbox", "false"]);
    const a = build("a");
    const b = build("b");
    const link = join(dir, "result");
    symlinkSync(b, link);
    const r = await runCli(["--format", "json", a, link]);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as { top: { old: string; new: string }; causes: { kind: string; keys?: string[] }[] };
    expect(report.top.old).toBe(instantiate("a"));
    expect(report.top.new).toBe(instantiate("b"));
    expect(report.causes.map((c) => c.keys)).toEqual([["configureFlags"]]);
  });

  it("an output path with no known deriver: exit 2 and the command to run", async () => {
    const added = nix("nix-store", ["--add", expr]);
    const r = await runCli([added, added]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot find its derivation: .*nix-store --query --deriver/);
  });
});
