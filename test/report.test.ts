// The report's measures (reach, paths, funnels, line attribution) on the
// corpus samples, against values worked out by hand from the nix-diff text,
// and the report options (--why, --tree, --exit-code) through main().
import { sameChangeGroups } from "../src/render/words.js";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { MAX_CHARS } from "../src/render/markdown.js";
import type { Report } from "../src/report.js";
import { runCli, samples } from "./run.js";
import { drv } from "./fixtures.js";

const dir = fileURLToPath(samples);
const TOP_SEED = "nixos-system-remote-24.11.20241012.54cce65";
const TOP_WEB = "nixos-system-web01-24.11.20241012.54cce65";

async function report(file: string): Promise<Report> {
  const { code, stdout } = await runCli(["--format", "json", `${dir}/${file}`]);
  expect(code).toBe(0);
  return JSON.parse(stdout) as Report;
}

describe("reach, paths and funnels (worked out by hand)", () => {
  it("env-change: libmnl's configureFlags reaches all 17 differing pairs, via etc and system-path", async () => {
    // 19 pairs are printed; iptables-1.8.10 three times (for {dev}, {man,out} and {out}), so 17 distinct.
    // Every one of them has libmnl below it, through a child or an "already compared" mention.
    const r = await report("env-change/default.txt");
    expect(r.summary.pairs).toBe(17);
    expect(r.summary.pairsPrinted).toBe(19);
    expect(r.causes).toHaveLength(1);
    const c = r.causes[0]!;
    expect(c.affects).toBe(17);
    // The top mentions system-path as already compared (line 103), so the shortest chain skips etc and dbus-1.
    expect(c.path).toEqual([TOP_WEB, "system-path", "ethtool-6.11", "libmnl-1.0.5"]);
    expect(c.via.sort()).toEqual(["etc", "system-path"]);
    expect(c.lines).toEqual([19]);
  });

  it("seed: all five causes reach the top only through tailscale-1.82.5, which holds 2,732 of 2,761 lines", async () => {
    const r = await report("seed-tailscale/default.txt");
    expect(r.input.lines).toBe(2761);
    const all = r.funnels.find((f) => f.scope === "all")!;
    expect(all.drv).toBe("tailscale-1.82.5");
    // tailscale's heading is line 12 and its expansion ends at line 2743 (the next sibling, line 2744, is system-path's "Skipping").
    expect(all.lines).toBe(2743 - 12 + 1);
    expect(all.causes.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(all.path).toEqual([TOP_SEED, "system-path", "tailscale-1.82.5"]);
    const byWhat = Object.fromEntries(r.causes.map((c) => [c.kind === "version" ? c.name! : `${c.drv}:${c.source}`, c]));
    // bash is the builder of every 25.05 derivation: all 225 differing pairs have it below.
    expect(byWhat["bash-5.2p37:pgrp-pipe-5.patch"]!.affects).toBe(225);
    expect(byWhat["bash-5.2p37:pgrp-pipe-5.patch"]!.path).toEqual([TOP_SEED, "system-path", "tailscale-1.82.5", "bash-5.2p37"]);
    // systemd's bump is printed in procps-4.0.4 (line 1214) and one more parent.
    expect(byWhat["systemd"]!.lines[0]).toBe(1214);
    expect(byWhat["systemd"]!.seenIn[0]).toBe("procps-4.0.4");
    for (const c of r.causes) expect(c.via.sort()).toEqual(["etc", "system-path"]);
    // The heaviest subtree is the funnel itself.
    expect(r.heaviest[0]).toMatchObject({ name: "tailscale-1.82.5", lines: 2732 });
  });

  it("multi-cause: the iproute2 patch explains 8 pairs via etc and system-path; sqlite has no single funnel", async () => {
    const r = await report("multi-cause/default.txt");
    const patch = r.causes.find((c) => c.kind === "source")!;
    expect(patch).toMatchObject({ drv: "iproute2-6.11.0", source: "0001-configure-fix-check-for-libbpf.patch", affects: 8, lines: [1084, 1103] });
    expect(patch.via.sort()).toEqual(["etc", "system-path"]);
    expect(patch.path).toEqual([TOP_WEB, "system-path", "iproute2-6.11.0"]);
    const sqlite = r.causes.find((c) => c.kind === "version")!;
    expect(sqlite).toMatchObject({ name: "sqlite", from: "3.46.1", to: "3.47.2" });
    expect(sqlite.seenIn).toHaveLength(5);
    // sqlite sits under python3, systemd and more: it reaches the top through nine of its inputs.
    expect(sqlite.via).toHaveLength(9);
    expect(r.funnels.filter((f) => f.scope === "all")).toEqual([]);
  });

  it("per-pair line counts add up along the tree", async () => {
    const r = await report("env-change/default.txt");
    expect(r.pairLines[0]).toEqual({ name: TOP_WEB, firstLine: 1, lines: 104, depth: 0 });
    const libmnl = r.pairLines.find((p) => p.name === "libmnl-1.0.5")!;
    expect(libmnl).toEqual({ name: "libmnl-1.0.5", firstLine: 15, lines: 5, depth: 5 });
  });
});

describe("the contract holds on every sample", () => {
  const inputs = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => (f.endsWith(".txt") || f.endsWith("diff.json") || f.startsWith("upstream/")) && statSync(`${dir}/${f}`).isFile());
  it.each(inputs)("%s: every path leads from the top to drv, drv is in seenIn, lines are sorted input lines", async (file) => {
    const r = await report(file);
    for (const c of r.causes) {
      expect(c.path[c.path.length - 1]).toBe(c.drv);
      expect(c.seenIn).toContain(c.drv);
      if (r.top && !r.input.fragment) expect(c.path[0]).toBe(r.top.name);
      for (const l of c.lines) expect(l >= 1 && l <= r.input.lines).toBe(true);
      for (const e of c.evidence) expect(c.lines).toContain(e.line);
    }
  });
});

describe("text report", () => {
  it("seed: at most 25 lines, names tailscale as the funnel and every visible cause", async () => {
    const { code, stdout } = await runCli(["--color", "never", `${dir}/seed-tailscale/default.txt`]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(25);
    expect(lines[1]).toContain("only through tailscale-1.82.5");
    for (const what of ["systemd 257.9 → 257.10", "openssl 3.4.2 → 3.4.3", "libarchive 3.8.0 → 3.8.2", "bash-5.2p37 and bash-interactive-5.2p37: pgrp-pipe-5.patch"]) {
      expect(stdout).toContain(what);
    }
    expect(stdout).toContain("nix-diff --environment");
  });

  it("colour only when asked or on a terminal, and never with NO_COLOR or FORCE_COLOR=0", async () => {
    const f = `${dir}/env-change/default.txt`;
    expect((await runCli(["--color", "always", f])).stdout).toContain("\x1b[");
    expect((await runCli([f], { stdoutTTY: true })).stdout).toContain("\x1b[");
    expect((await runCli([f])).stdout).not.toContain("\x1b[");
    expect((await runCli([f], { stdoutTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toContain("\x1b[");
    expect((await runCli([f], { stdoutTTY: true, env: { FORCE_COLOR: "0" } })).stdout).not.toContain("\x1b[");
    expect((await runCli([f], { env: { FORCE_COLOR: "1" } })).stdout).toContain("\x1b[");
  });

  it("cuts long lines to the terminal width with a marker", async () => {
    const { stdout } = await runCli([`${dir}/seed-tailscale/default.txt`], { stdoutTTY: true, columns: 60, env: { NO_COLOR: "1" } });
    const lines = stdout.trimEnd().split("\n");
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(60);
    expect(lines.some((l) => l.endsWith("…"))).toBe(true);
  });
});

describe("--why, --tree, --exit-code through main()", () => {
  it("--why procps explains procps-4.0.4 down to its causes", async () => {
    const { code, stdout } = await runCli(["--color", "never", "--why", "procps", `${dir}/seed-tailscale/default.txt`]);
    expect(code).toBe(0);
    expect(stdout).toContain("Why procps-4.0.4 differs (line 1207");
    expect(stdout).toContain("systemd 257.9 → 257.10: procps-4.0.4:1207");
    expect(stdout).toContain("→ bash-5.2p37:18");
  });

  it("--why with JSON gives the chains, and an unknown name says so", async () => {
    const { stdout } = await runCli(["--format", "json", "--why", "procps-4.0.4", `${dir}/seed-tailscale/default.txt`]);
    const why = JSON.parse(stdout) as { matches: { name: string; chains: { steps: string[] }[] }[] };
    expect(why.matches.map((m) => m.name)).toEqual(["procps-4.0.4"]);
    expect(why.matches[0]!.chains.some((c) => c.steps.join(" ") === "procps-4.0.4")).toBe(true);
  });

  it("--why with a name that is nowhere: exit 2, and the nearest names in the input", async () => {
    const none = await runCli(["--why", "procs", `${dir}/seed-tailscale/default.txt`]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe("drvsquash: --why: no derivation named procs in the input; nearest: procps-4.0.4\n");
    const json = await runCli(["--format", "json", "--why", "tailscal", `${dir}/seed-tailscale/default.txt`]);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("nearest: tailscale-1.82.5, tailscale-1.82.5-go-modules");
    const far = await runCli(["--why", "zzzzzzz", `${dir}/seed-tailscale/default.txt`]);
    expect(far.stderr).toBe("drvsquash: --why: no derivation named zzzzzzz in the input\n");
  });

  it("--why bash in a fragment finds bash-5.2p37, which changed outside the paste (samples/forum-fragment.txt)", async () => {
    const { code, stdout } = await runCli(["--color", "never", "--why", "bash", `${dir}/forum-fragment.txt`]);
    expect(code).toBe(0);
    expect(stdout).toContain("bash-5.2p37 changed outside the pasted part (same name, new store path; the builder of 4 pairs here). To see why: nix-diff");
    const md = await runCli(["--format", "markdown", "--why", "bash", `${dir}/forum-fragment.txt`]);
    expect(md.stdout).toMatch(/^- `bash-5\.2p37` changed outside the pasted part .*To see why: `nix-diff /);
  });

  it("--why systemd says systemd itself changed", async () => {
    const { stdout } = await runCli(["--color", "never", "--why", "systemd", `${dir}/seed-tailscale/default.txt`]);
    expect(stdout).toContain("systemd is itself a cause: systemd 257.9 → 257.10");
  });

  it("--tree keeps the pairs on paths to causes, with line numbers and references", async () => {
    const { code, stdout } = await runCli(["--color", "never", "--tree", `${dir}/env-change/default.txt`]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ {2}1 {2}- \/nix\/store\/agmpyqg11ahxfqp7c830h98csfdfl355-nixos-system-web01/);
    expect(stdout).toContain(" 15            • The input derivation named `libmnl-1.0.5` differs");
    expect(stdout).toContain(" 19              configureFlags=--enable-static=no→ →→--disable-silent-rules→");
    expect(stdout).toContain("↪ libmnl-1.0.5: already compared, shown at line 15");
    expect(stdout).toContain("103    ↪ system-path: already compared, shown at line 9");
  });

  it("--exit-code: 1 when causes were found, 0 when none", async () => {
    expect((await runCli(["--exit-code", `${dir}/env-change/default.txt`])).code).toBe(1);
    expect((await runCli([`${dir}/env-change/default.txt`])).code).toBe(0);
    // A fragment whose only finding is an unexplained pair has no root cause.
    const onlyCascade = [
      "- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-hello-2.12.1.drv:{out}",
      "+ /nix/store/48cqlanijz7wk5cfliyqqsy5xb5hhng6-hello-2.12.1.drv:{out}",
      "• The builders do not match",
      "    - /nix/store/cfqbabpc7xwg8akbcchqbq3cai6qq2vs-bash-5.2p37/bin/bash",
      "    + /nix/store/l9k32vj2aczxw62134j1x0dsh569jz2l-bash-5.2p37/bin/bash",
      "• Input derivations differ but have already been compared",
      "    bash-5.2p37",
      "• Skipping environment comparison",
      "",
    ].join("\n");
    expect((await runCli(["--exit-code"], { stdin: onlyCascade })).code).toBe(0);
  });

  it("completion prints a shell script, and answers a shell's completion request", async () => {
    const script = await runCli(["completion"]);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain("###-begin-drvsquash-completions-###");
    const words = await runCli(["--get-yargs-completions", "drvsquash", "--fo"]);
    expect(words.code).toBe(0);
    expect(words.stdout.split("\n")).toContain("--format");
  });

  it("--help documents every exit code and the examples", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    for (const s of ["nix-diff /run/current-system ./result | drvsquash", "--format markdown", "--why", "--tree", "--exit-code", "0  report printed", "1  with --exit-code", "2  the input could not be used", "3  an internal error"]) {
      expect(stdout).toContain(s);
    }
  });
});

describe("markdown report", () => {
  const md = new MarkdownIt({ html: true });
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => (f.endsWith(".txt") || f.endsWith("diff.json") || f.startsWith("upstream/")) && statSync(`${dir}/${f}`).isFile());

  it.each(files)("%s renders with balanced <details>, evidence only inside fences, under the size limit", async (file) => {
    const { code, stdout } = await runCli(["--format", "markdown", `${dir}/${file}`]);
    expect(code).toBe(0);
    expect(stdout.length).toBeLessThan(MAX_CHARS);
    const html = md.render(stdout);
    const open = (html.match(/<details>/g) ?? []).length;
    expect(open).toBe((html.match(/<\/details>/g) ?? []).length);
    expect(open).toBe((html.match(/<summary>/g) ?? []).length);
    // The table survived: one row per entry (a cause, or the same change in several derivations; up to 100).
    const r = (await report(file)) as Report;
    const entries = sameChangeGroups(r.causes).length;
    expect((html.match(/<tr>/g) ?? []).length).toBe(entries === 0 ? 0 : Math.min(100, entries) + 1);
    // No raw nix-diff line outside a code block.
    const outside = html.replace(/<pre><code[^>]*>[\s\S]*?<\/code><\/pre>/g, "").replace(/<code>[\s\S]*?<\/code>/g, "");
    for (const c of r.causes) for (const e of c.evidence) if (e.text.length > 12) expect(outside).not.toContain(md.utils.escapeHtml(e.text));
    expect(outside).not.toMatch(/• The input/);
  });

  it("stays under the limit when there are many causes, and says what was left out", async () => {
    // 400 derivations each with its own real env change, each with a long value.
    const lines = ["- /nix/store/agmpyqg11ahxfqp7c830h98csfdfl355-top.drv:{out}", "+ /nix/store/48cqlanijz7wk5cfliyqqsy5xb5hhng6-top.drv:{out}"];
    for (let i = 0; i < 400; i++) {
      const h = String(i).padStart(4, "0");
      lines.push(`• The input derivation named \`pkg${i}\` differs`);
      lines.push(`  - /nix/store/${h}qyg11ahxfqp7c830h98csfdfl355-pkg${i}.drv:{out}`);
      lines.push(`  + /nix/store/${h}yn932rrknfxgzpwb23s3qci966fj8-pkg${i}.drv:{out}`);
      lines.push("  • The environments do not match:");
      lines.push(`      flags=${"x".repeat(30)}←--old-${i}←→--new-${i}→`);
    }
    lines.push("• Skipping environment comparison", "");
    const { code, stdout } = await runCli(["--format", "markdown"], { stdin: lines.join("\n") });
    expect(code).toBe(0);
    expect(stdout.length).toBeLessThan(MAX_CHARS);
    expect(stdout).toMatch(/The evidence of [\d,]+ more entries is left out/);
  });
});

describe("the README shows real output", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  it.each([
    [["samples/seed-tailscale/v1020.txt"]],
    [["--why", "procps", "samples/seed-tailscale/v1020.txt"]],
    [["--format", "markdown", "samples/env-change/default.txt"]],
    [["samples/forum-fragment.txt"]],
  ])("drvsquash %j", async (args) => {
    const { stdout } = await runCli(["--color", "never", ...args.map((a) => (a.startsWith("samples/") ? `${dir}/${a.slice(8)}` : a))]);
    expect(readme).toContain(stdout.trimEnd());
  });
});

describe("the seed scenario's text golden is what a person reads", () => {
  it("matches the README's claim of one funnel sentence", () => {
    const text = readFileSync(new URL("./golden/seed-tailscale_default_txt.txt", import.meta.url), "utf8");
    expect(text.split("\n").filter((l) => l.includes("only through")).length).toBe(1);
  });
});

describe("a paste cut at a fixed width (`cut -c1-W`)", () => {
  const cut = (file: string, width: number): string =>
    readFileSync(`${dir}/${file}`)
      .toString("utf8")
      .split("\n")
      .map((l) => {
        const b = Buffer.from(l, "utf8");
        return b.length > width ? b.subarray(0, width).toString("utf8").replace(/\uFFFD$/, "") : l;
      })
      .join("\n");

  it.each([100, 200])("env.txt cut at %i: the one true cause, and the cut values are said not judged", async (width) => {
    const { code, stdout } = await runCli(["--format", "json"], { stdin: cut("env-change/env.txt", width) });
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as Report;
    expect(r.input.cutWidth).toBe(width);
    expect(r.input.truncated).toBe(true);
    expect(r.causes.map((c) => [c.kind, c.drv, c.keys])).toEqual([["env", "libmnl-1.0.5", ["configureFlags"]]]);
    expect(r.summary.valuesNotJudged).toBeGreaterThan(0);
    expect(r.notes.some((n) => n.includes(`cut their lines at ${width} characters`))).toBe(true);
  });

  it("path lines that lost their end still open their pair", async () => {
    const { stdout } = await runCli(["--format", "json"], { stdin: cut("seed-tailscale/default.txt", 100) });
    const r = JSON.parse(stdout) as Report;
    expect(r.input.unrecognized).toBe(0);
    expect(r.causes.map((c) => c.summary).sort()).toEqual(
      ["libarchive 3.8.0 → 3.8.2", "openssl 3.4.2 → 3.4.3", "pgrp-pipe-5.patch changed (11 lines differ)", "pgrp-pipe-5.patch changed (11 lines differ)", "systemd 257.9 → 257.10"],
    );
  });
});

// The shared corpus lives beside the repository on the developers' machines and
// in CI, not in a clone of its own: when it is there, every scenario's
// Markdown is rendered too (the suite does not depend on it).
const corpus = fileURLToPath(new URL("../../shared/corpus/", import.meta.url));
describe.skipIf(!existsSync(corpus))("markdown report of every shared corpus scenario", () => {
  const md = new MarkdownIt({ html: true });
  const scenarios = existsSync(corpus) ? readdirSync(corpus).filter((d) => existsSync(`${corpus}/${d}/default.txt`)) : [];
  it.each(scenarios)("%s renders with balanced <details> and stays under the limit", async (scenario) => {
    const { code, stdout } = await runCli(["--format", "markdown", `${corpus}/${scenario}/default.txt`]);
    expect(code).toBe(0);
    expect(stdout.length).toBeLessThan(MAX_CHARS);
    const html = md.render(stdout);
    expect((html.match(/<details>/g) ?? []).length).toBe((html.match(/<\/details>/g) ?? []).length);
    const outside = html.replace(/<pre><code[^>]*>[\s\S]*?<\/code><\/pre>/g, "").replace(/<code>[\s\S]*?<\/code>/g, "");
    expect(outside).not.toMatch(/• The input|\/nix\/store\/[0-9a-z]{32}/);
  });
});

describe("a name shared by thousands of derivations", () => {
  it("links each mention to the nearest 16, lists at most 1,000 ambiguities, and counts them all", async () => {
    // 1,500 parents, each expanding its own `source` and then mentioning `source` as already compared.
    const lines = [`- ${drv("a", "top")}:{out}`, `+ ${drv("b", "top")}:{out}`];
    for (let i = 1; i <= 1500; i++) {
      lines.push(
        `• The input derivation named \`pkg${i}\` differs`,
        `  - ${drv(`c${i}`, `pkg${i}`)}:{out}`,
        `  + ${drv(`d${i}`, `pkg${i}`)}:{out}`,
        "  • The input derivation named `source` differs",
        `    - ${drv(`e${i}`, "source")}:{out}`,
        `    + ${drv(`f${i}`, "source")}:{out}`,
        "    • The environments do not match:",
        `        url=←https://example.invalid/${i}/a←→https://example.invalid/${i}/b→`,
        "  • Input derivations differ but have already been compared",
        "      source",
        "  • Skipping environment comparison",
      );
    }
    lines.push("• Skipping environment comparison", "");
    const { code, stdout } = await runCli(["--format", "json"], { stdin: lines.join("\n") });
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as Report;
    // The first parent's mention has one earlier `source` (its own): not ambiguous; parent i's has i.
    expect(r.summary.ambiguousMentions).toBe(1499);
    expect(r.ambiguities.length).toBe(1000);
    expect(Math.max(...r.ambiguities.map((a) => a.candidates.length))).toBe(16);
    expect(r.ambiguities[999]!.count).toBe(1001);
    // Each `source` is its own derivation: 1,500 download changes, not one.
    expect(r.causes.filter((c) => c.kind === "fixed-output")).toHaveLength(1500);
  });
});
