// The closure front end: the ATerm reader, reading two `.drv` files or two
// closures (`--store`), each pairing rule of the walk, the fixed-output rule,
// and the causes of the closures kept in samples/closures/.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DrvError, parseDerivation } from "../src/closure/aterm.js";
import { ArgumentError, deriverOf } from "../src/closure/resolve.js";
import { Kit, esc, type Ref } from "./closureKit.js";
import { runCli, samples } from "./run.js";

interface JCause {
  kind: string;
  drv: string;
  seenIn: string[];
  name?: string;
  from?: string;
  to?: string;
  keys?: string[];
  source?: string;
  input?: string;
  affects: number;
  nixDiffShows?: boolean;
  nixDiffHides?: string;
  evidence: { line: number; text: string; drv?: string; field?: string }[];
}

async function causesOf(kit: Kit, a: Ref, b: Ref, extra: string[] = []): Promise<JCause[]> {
  const r = await runCli(["--format", "json", "--store", kit.dir, a.drv, b.drv, ...extra]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { causes: JCause[] }).causes;
}

const parse = (s: string, file = "x.drv") => parseDerivation(Buffer.from(s), file);

describe("ATerm reader", () => {
  it("reads the fields and the escapes \\\" \\\\ \\n \\r \\t (and \\c as c)", () => {
    const d = parse(
      `Derive([("out","/nix/store/aaaa-x","","")],[("/nix/store/bbbb-y.drv",["dev","out"])],["/nix/store/cccc-p.patch"],"x86_64-linux","/bin/sh",["-c","echo \\"hi\\""],[("k","a\\"b\\\\c\\nd\\re\\tf\\qg"),("u","ünïcødé")])`,
    );
    expect(d.outputs).toEqual([{ name: "out", path: "/nix/store/aaaa-x", hashAlgo: "", hash: "" }]);
    expect(d.inputDrvs).toEqual([{ path: "/nix/store/bbbb-y.drv", outputs: ["dev", "out"] }]);
    expect(d.inputSrcs).toEqual(["/nix/store/cccc-p.patch"]);
    expect(d.args).toEqual(["-c", 'echo "hi"']);
    expect(d.env).toEqual([
      ["k", 'a"b\\c\nd\re\tfqg'],
      ["u", "ünïcødé"],
    ]);
    expect(d.version).toBeNull();
  });

  it("reads DrvWithVersion with a dynamic input, fixed and content-addressed outputs", () => {
    const d = parse(
      `DrvWithVersion("xp-dyn-drv",[("out","/nix/store/aaaa-src","r:sha256","0123abcd"),("doc","","r:sha256","")],[("/nix/store/bbbb-gen.drv",(["out"],[("out",["sub"])]))],[],"builtin","builtin:fetchurl",[],[])`,
    );
    expect(d.version).toBe("xp-dyn-drv");
    expect(d.outputs[0]).toEqual({ name: "out", path: "/nix/store/aaaa-src", hashAlgo: "r:sha256", hash: "0123abcd" });
    expect(d.outputs[1]).toEqual({ name: "doc", path: "", hashAlgo: "r:sha256", hash: "" });
    expect(d.inputDrvs).toEqual([{ path: "/nix/store/bbbb-gen.drv", outputs: ["out"] }]);
  });

  it.each([
    ["not a derivation", "hello"],
    ["cut off", `Derive([("out","/nix/store/aaaa-x","",""`],
    ["an unterminated string", `Derive([("out","/nix/store/aaaa-x`],
    ["text after it", `Derive([],[],[],"x","y",[],[])garbage`],
    ["a missing comma", `Derive([]{},[],[],"x","y",[],[])`],
  ])("rejects %s with the file named", (_what, text) => {
    expect(() => parse(text, "/tmp/bad.drv")).toThrow(DrvError);
    try {
      parse(text, "/tmp/bad.drv");
    } catch (e) {
      expect((e as DrvError).file).toBe("/tmp/bad.drv");
      expect((e as DrvError).message).toMatch(/not a valid derivation: .* at byte \d+/);
    }
  });

  it("is linear: a 4 MB value with thousands of escapes reads quickly", () => {
    const big = "x\\n".repeat(1_400_000);
    const t = Date.now();
    const d = parse(`Derive([],[],[],"s","b",[],[("k","${big}")])`);
    expect(d.env[0]![1].length).toBe(2_800_000);
    expect(Date.now() - t).toBeLessThan(2000);
  });
});

/** Two tiny systems: top → app → lib, with a tarball and a patch; `change` edits one part of the new side. */
function system(kit: Kit, side: "old" | "new", change: Partial<Record<"libFlags" | "patch" | "libVersion" | "builder", boolean>> = {}) {
  const n = side === "new";
  const bash = kit.drv({ name: "bash-5.2", env: {} });
  const tarball = kit.drv({ name: "source", fixed: { algo: "r:sha256", hash: n && change.libVersion ? "2222" : "1111" }, env: { url: `https://example.org/lib-${n && change.libVersion ? "1.1" : "1.0"}.tar.gz` }, builder: "builtin:fetchurl", system: "builtin" });
  const patch = kit.src("fix.patch", n && change.patch ? "line 1\nline two\n" : "line 1\nline 2\n");
  const libName = n && change.libVersion ? "lib-1.1" : "lib-1.0";
  const lib = kit.drv({
    name: libName,
    inputs: [[bash, ["out"]], [tarball, ["out"]]],
    srcs: [patch],
    builder: `${bash.out.out}/bin/bash`,
    env: { src: tarball.out.out!, patches: patch, configureFlags: n && change.libFlags ? "--enable-x --enable-y" : "--enable-x", version: n && change.libVersion ? "1.1" : "1.0" },
  });
  const app = kit.drv({ name: "app-2.0", inputs: [[bash, ["out"]], [lib, ["out"]]], builder: `${bash.out.out}/bin/bash`, env: { buildInputs: lib.out.out! } });
  return kit.drv({ name: "top", inputs: [[app, ["out"]]], env: { app: app.out.out! } });
}

describe("drvsquash OLD.drv NEW.drv", () => {
  it("an env change below two levels: one env cause, evidence at derivation and field", async () => {
    const kit = new Kit();
    const causes = await causesOf(kit, system(kit, "old"), system(kit, "new", { libFlags: true }));
    expect(causes.map((c) => [c.kind, c.drv, c.keys])).toEqual([["env", "lib-1.0", ["configureFlags"]]]);
    expect(causes[0]!.evidence[0]).toMatchObject({ drv: "lib-1.0.drv", field: "env.configureFlags", text: "lib-1.0.drv: env.configureFlags" });
    expect(causes[0]!.nixDiffShows).toBe(true);
  });

  it("a changed patch: one source cause (its path in env.patches is the same change)", async () => {
    const kit = new Kit();
    const causes = await causesOf(kit, system(kit, "old"), system(kit, "new", { patch: true }));
    expect(causes.map((c) => [c.kind, c.drv, c.source])).toEqual([["source", "lib-1.0", "fix.patch"]]);
    expect(causes[0]!.evidence.map((e) => e.field)).toContain("inputSrcs fix.patch");
  });

  it("a version bump: one version cause; its tarball and version key fold into it", async () => {
    const kit = new Kit();
    const causes = await causesOf(kit, system(kit, "old"), system(kit, "new", { libVersion: true }));
    expect(causes.map((c) => [c.kind, c.name, c.from, c.to])).toEqual([["version", "lib", "1.0", "1.1"]]);
  });

  it("a change under a bumped input is found, and said to be hidden from nix-diff", async () => {
    const kit = new Kit();
    const leaf = (v: string) => kit.drv({ name: "zlib-1.3", env: { flags: v } });
    const mid = (v: string, z: Ref) => kit.drv({ name: `curl-${v}`, inputs: [[z, ["out"]]], env: { version: v, z: z.out.out! } });
    const top = (c: Ref) => kit.drv({ name: "top", inputs: [[c, ["out"]]], env: { c: c.out.out! } });
    const causes = await causesOf(kit, top(mid("8.1", leaf("-O2"))), top(mid("8.2", leaf("-O3"))));
    const byKind = Object.fromEntries(causes.map((c) => [c.kind, c]));
    expect(Object.keys(byKind).sort()).toEqual(["env", "version"]);
    expect(byKind.version).toMatchObject({ name: "curl", from: "8.1", to: "8.2", nixDiffShows: true });
    expect(byKind.env).toMatchObject({ drv: "zlib-1.3", keys: ["flags"], nixDiffShows: false });
    expect(byKind.env!.nixDiffHides).toMatch(/curl-8\.1 → curl-8\.2.*does not descend/);
  });

  it("an env change nix-diff skips because an input differs too: hidden, --environment named", async () => {
    const kit = new Kit();
    const leaf = (v: string) => kit.drv({ name: "zlib-1.3", env: { flags: v } });
    const app = (f: string, z: Ref) => kit.drv({ name: "app-1", inputs: [[z, ["out"]]], env: { flags: f, z: z.out.out! } });
    const top = (c: Ref) => kit.drv({ name: "top", inputs: [[c, ["out"]]], env: { c: c.out.out! } });
    const causes = await causesOf(kit, top(app("-a", leaf("-O2"))), top(app("-b", leaf("-O3"))));
    const app1 = causes.find((c) => c.drv === "app-1")!;
    expect(app1).toMatchObject({ kind: "env", keys: ["flags"], nixDiffShows: false });
    expect(app1.nixDiffHides).toMatch(/--environment/);
  });

  it("recognises derivations by content, not by suffix", async () => {
    const kit = new Kit();
    const a = system(kit, "old");
    const b = system(kit, "new", { libFlags: true });
    const dir = mkdtempSync(join(tmpdir(), "drvsquash-suffix-"));
    writeFileSync(join(dir, "old.txt"), readFileSync(kit.file(a.drv.slice("/nix/store/".length))));
    writeFileSync(join(dir, "new.txt"), readFileSync(kit.file(b.drv.slice("/nix/store/".length))));
    const r = await runCli(["--format", "json", "--store", kit.dir, join(dir, "old.txt"), join(dir, "new.txt")]);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as { causes: JCause[] }).causes.map((c) => c.kind)).toEqual(["env"]);
  });

  it("reads the inputs next to a .drv given by its file name (no --store)", async () => {
    const kit = new Kit();
    const a = system(kit, "old");
    const b = system(kit, "new", { libFlags: true });
    const r = await runCli(["--format", "json", kit.file(a.drv.slice(11)), kit.file(b.drv.slice(11))]);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as { causes: JCause[] }).causes.map((c) => c.keys)).toEqual([["configureFlags"]]);
  });

  it("every renderer works on a closure (text, markdown, --why, --tree)", async () => {
    const kit = new Kit();
    const a = system(kit, "old");
    const b = system(kit, "new", { libFlags: true });
    const text = await runCli(["--store", kit.dir, a.drv, b.drv]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/two closures \(\d+ derivations read\) → 1 root cause/);
    expect(text.stdout).toContain("lib-1.0: env.configureFlags: + --enable-y");
    const md = await runCli(["--format", "markdown", "--store", kit.dir, a.drv, b.drv]);
    expect(md.stdout).toContain("The derivations and fields that show it:");
    const why = await runCli(["--why", "app", "--store", kit.dir, a.drv, b.drv]);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain("configureFlags");
    const tree = await runCli(["--tree", "--store", kit.dir, a.drv, b.drv]);
    expect(tree.stdout).toContain("lib-1.0.drv: env.configureFlags");
  });
});

describe("bad input: exit 2, one line naming the problem, never a stack trace", () => {
  it("a malformed .drv names the file", async () => {
    const kit = new Kit();
    const a = system(kit, "old");
    const bad = join(kit.dir, "broken.drv");
    writeFileSync(bad, 'Derive([("out","/nix/store/x');
    const r = await runCli([a.drv, bad, "--store", kit.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("broken.drv");
    expect(r.stderr).toMatch(/not a valid derivation/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a missing input derivation names its file", async () => {
    const kit = new Kit();
    const lib = kit.drv({ name: "lib-1", env: {} });
    const a = kit.drv({ name: "top", inputs: [[lib, ["out"]]] });
    const b = kit.drv({ name: "top", inputs: [[{ drv: "/nix/store/00000000000000000000000000000000-gone.drv", name: "gone", out: { out: "/nix/store/x" } }, ["out"]]] });
    const r = await runCli([a.drv, b.drv, "--store", kit.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gone\.drv: no such derivation file/);
  });

  it("mixing a derivation with nix-diff text is refused", async () => {
    const kit = new Kit();
    const a = system(kit, "old");
    const txt = join(kit.dir, "diff.txt");
    writeFileSync(txt, "- /nix/store/aaaa-x.drv:{out}\n+ /nix/store/bbbb-x.drv:{out}\n");
    const r = await runCli([kit.file(a.drv.slice(11)), txt]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot mix derivations and nix-diff text/);
  });

  it("--store with nix-diff text is refused", async () => {
    const r = await runCli(["--store", "/tmp", fileURLToPath(new URL("env-change/default.txt", samples))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--store reads derivations/);
  });

  it("an output path whose deriver Nix cannot tell: the command to run instead", () => {
    const absent = () => ({ status: null, stdout: "", stderr: "", error: Object.assign(new Error("spawn nix-store ENOENT"), { code: "ENOENT" }) });
    expect(() => deriverOf("/nix/store/aaaa-system", absent)).toThrow(ArgumentError);
    expect(() => deriverOf("/nix/store/aaaa-system", absent)).toThrow(/Nix is not installed.*nix-store --query --deriver \/nix\/store\/aaaa-system/);
    const unknown = (cmd: string) => (cmd === "nix-store" ? { status: 0, stdout: "unknown-deriver\n", stderr: "", error: undefined } : { status: 1, stdout: "", stderr: "error: no deriver", error: undefined });
    expect(() => deriverOf("/nix/store/aaaa-system", unknown)).toThrow(/deriver is unknown/);
    const fallback = (cmd: string) => (cmd === "nix-store" ? { status: 1, stdout: "", stderr: "error: x", error: undefined } : { status: 0, stdout: "/nix/store/bbbb-system.drv\n", stderr: "", error: undefined });
    expect(deriverOf("/nix/store/aaaa-system", fallback)).toBe("/nix/store/bbbb-system.drv");
  });
});

describe("pairing rules", () => {
  it("same-named downloads are paired by the env key that names them, not by looks", async () => {
    const kit = new Kit();
    const dl = (url: string, hash: string) => kit.drv({ name: "source", fixed: { algo: "r:sha256", hash }, env: { url }, builder: "builtin:fetchurl", system: "builtin" });
    const pkg = (src: Ref, extra: Ref) => kit.drv({ name: "pkg-1", inputs: [[src, ["out"]], [extra, ["out"]]], env: { src: src.out.out!, extraSrc: extra.out.out! } });
    // The new src has the url the old extra had: by looks they would pair the wrong way round.
    const a = kit.drv({ name: "top", inputs: [[pkg(dl("https://a/src-1", "11"), dl("https://a/extra", "22")), ["out"]]] });
    const b = kit.drv({ name: "top", inputs: [[pkg(dl("https://a/extra", "33"), dl("https://a/extra", "22")), ["out"]]] });
    const causes = await causesOf(kit, a, b);
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ kind: "env", drv: "source" });
    expect(causes[0]!.keys).toEqual(expect.arrayContaining(["url", "outputHash"]));
  });

  it("exact names before package names (tz-1.19.patch next to tz-2024a)", async () => {
    const kit = new Kit();
    const side = (data: string, patchBody: string) => {
      const d = kit.drv({ name: data, env: { v: data } });
      const p = kit.drv({ name: "tz-1.19.patch", env: { body: patchBody } });
      return kit.drv({ name: "top", inputs: [[d, ["out"]], [p, ["out"]]], env: { d: d.out.out!, p: p.out.out! } });
    };
    const causes = await causesOf(kit, side("tz-2024a", "a"), side("tz-2025b", "b"));
    expect(causes.map((c) => [c.kind, c.drv, c.name ?? c.keys?.join()]).sort()).toEqual([
      ["env", "tz-1.19.patch", "body"],
      ["version", "top", "tz"],
    ]);
  });

  it("a rename is paired by the env key naming it on both sides and descended into", async () => {
    const kit = new Kit();
    const zlib = (f: string) => kit.drv({ name: "zlib-1.3", env: { f } });
    const impl = (name: string, z: Ref) => kit.drv({ name, inputs: [[z, ["out"]]], env: { z: z.out.out! } });
    const top = (s: Ref) => kit.drv({ name: "top", inputs: [[s, ["out"]]], env: { ssl: s.out.out! } });
    const causes = await causesOf(kit, top(impl("openssl-3.0", zlib("a"))), top(impl("libressl-3.9", zlib("b"))));
    expect(causes.map((c) => [c.kind, c.from ?? c.drv, c.to ?? c.keys?.join()]).sort()).toEqual([
      ["env", "zlib-1.3", "f"],
      ["renamed", "openssl-3.0", "libressl-3.9"],
    ]);
  });

  it("an added input that a value now names is that addition, not an env change", async () => {
    const kit = new Kit();
    const x = kit.drv({ name: "nginx-1.26", env: {} });
    const y = kit.drv({ name: "htop-3.3", env: {} });
    const a = kit.drv({ name: "system-path", inputs: [[y, ["out"]]], env: { pkgs: JSON.stringify([{ paths: [y.out.out] }]) } });
    const b = kit.drv({ name: "system-path", inputs: [[y, ["out"]], [x, ["out"]]], env: { pkgs: JSON.stringify([{ paths: [y.out.out] }, { paths: [x.out.out] }]) } });
    const causes = await causesOf(kit, a, b);
    expect(causes.map((c) => [c.kind, c.input])).toEqual([["added", "nginx-1.26"]]);
  });

  it("a builder switch explains the inputs that provided the builders", async () => {
    const kit = new Kit();
    const bash = kit.drv({ name: "bash-5.2" });
    const dash = kit.drv({ name: "dash-0.5" });
    const a = kit.drv({ name: "hello", inputs: [[bash, ["out"]]], builder: `${bash.out.out}/bin/bash` });
    const b = kit.drv({ name: "hello", inputs: [[dash, ["out"]]], builder: `${dash.out.out}/bin/dash` });
    const causes = await causesOf(kit, a, b);
    expect(causes.map((c) => c.kind)).toEqual(["builder"]);
  });

  it("a fixed output whose hash did not change: its url change is reported, nothing above it counts", async () => {
    const kit = new Kit();
    const dl = (url: string) => kit.drv({ name: "lib-1.0.tar.gz", fixed: { algo: "sha256", hash: "abcd" }, env: { url }, builder: "builtin:fetchurl", system: "builtin" });
    const lib = (d: Ref) => kit.drv({ name: "lib-1.0", inputs: [[d, ["out"]]], env: { src: d.out.out! } });
    const top = (l: Ref) => kit.drv({ name: "top", inputs: [[l, ["out"]]], env: { l: l.out.out! } });
    const causes = await causesOf(kit, top(lib(dl("https://old.example/lib-1.0.tar.gz"))), top(lib(dl("https://mirror.example/lib-1.0.tar.gz"))));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ kind: "fixed-output", drv: "lib-1.0.tar.gz", keys: ["url"], affects: 1 });
  });

  it("structured attrs (__json) are compared key by key", async () => {
    const kit = new Kit();
    const j = (flags: string[]) => kit.drv({ name: "pkg-1", env: { __json: JSON.stringify({ name: "pkg-1", mesonFlags: flags, doCheck: true }) } });
    const causes = await causesOf(kit, j(["-Da=1"]), j(["-Da=1", "-Db=2"]));
    expect(causes.map((c) => [c.kind, c.keys])).toEqual([["env", ["mesonFlags"]]]);
    expect(causes[0]!.evidence[0]!.field).toBe("__json.mesonFlags");
  });

  it("variants bumped together are one cause", async () => {
    const kit = new Kit();
    const side = (v: string) => {
      const u = kit.drv({ name: `util-linux-${v}`, env: { v } });
      const m = kit.drv({ name: `util-linux-minimal-${v}`, env: { v } });
      return kit.drv({ name: "top", inputs: [[u, ["out"]], [m, ["out"]]], env: { u: u.out.out!, m: m.out.out! } });
    };
    const causes = await causesOf(kit, side("2.40"), side("2.41"));
    expect(causes.map((c) => [c.kind, c.name, c.from, c.to])).toEqual([["version", "util-linux", "2.40", "2.41"]]);
  });

  it("escaped values are compared as Nix wrote them", async () => {
    const kit = new Kit();
    const a = kit.drv({ name: "s", env: { script: 'echo "a\tb"\nexit 0' } });
    const b = kit.drv({ name: "s", env: { script: 'echo "a\tc"\nexit 0' } });
    expect(readFileSync(kit.file(a.drv.slice(11)), "utf8")).toContain(esc('echo "a\tb"\nexit 0'));
    const causes = await causesOf(kit, a, b);
    expect(causes.map((c) => c.keys)).toEqual([["script"]]);
  });
});

describe("closures copied from the shared corpus (samples/closures)", () => {
  const unpack = (name: string): { store: string; roots: string[] } => {
    const dir = mkdtempSync(join(tmpdir(), `drvsquash-${name}-`));
    const tar = spawnSync("tar", ["-xzf", fileURLToPath(new URL(`closures/${name}.tar.gz`, samples)), "-C", dir]);
    expect(tar.status).toBe(0);
    return { store: join(dir, "store"), roots: readFileSync(join(dir, "roots"), "utf8").trim().split("\n") };
  };
  const run = async (name: string): Promise<JCause[]> => {
    const { store, roots } = unpack(name);
    const r = await runCli(["--format", "json", "--store", store, ...roots]);
    expect(r.stderr).toBe("");
    return (JSON.parse(r.stdout) as { causes: JCause[] }).causes;
  };

  it("seed-tailscale, systemd 257.9 → 257.10: the bumps inside it nix-diff never shows, and the bash patch", async () => {
    const causes = await run("seed-systemd");
    const got = causes.map((c) => (c.kind === "version" ? `version ${c.name} ${c.from}→${c.to}` : `${c.kind} ${c.drv} ${c.source}`)).sort();
    expect(got).toEqual([
      "source bash-5.2p37 pgrp-pipe-5.patch",
      "source bash-interactive-5.2p37 pgrp-pipe-5.patch",
      "version libapparmor 4.1.1→4.1.2",
      "version libarchive 3.8.0→3.8.2",
      "version openssl 3.4.2→3.4.3",
      "version unbound 1.23.1→1.24.1",
    ]);
  });

  it("seed-tailscale, the whole systems: the README's report of the two closures is this one", async () => {
    const { store, roots } = unpack("seed-tailscale");
    const r = await runCli(["--color", "never", "--store", store, ...roots]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("unbound 1.23.1 → 1.24.1\n    seen in gnutls-3.8.9 · not in nix-diff's output");
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(readme).toContain(r.stdout.trimEnd());
  });

  it("--why works on closures as on text: libapparmor is itself a cause, with its .drv and field, and its chains", async () => {
    const { store, roots } = unpack("seed-tailscale");
    const r = await runCli(["--color", "never", "--store", store, "--why", "libapparmor", ...roots]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("libapparmor is itself a cause: libapparmor 4.1.1 → 4.1.2 (systemd-257.10.drv: inputDrvs libapparmor-4.1.1 → libapparmor-4.1.2)");
    expect(r.stdout).toMatch(/^Why libapparmor-4\.1\.1 differs \(pair \d+; reached from the top by .* › systemd-257\.9 › libapparmor-4\.1\.1\):$/m);
    expect(r.stdout).toContain("numbers are positions of pairs in the walk");
    const none = await runCli(["--store", store, "--why", "libaparmor", ...roots]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("nearest: libapparmor, libapparmor-4.1.1");
  });

  it("service-enabled: two added inputs and two env changes, nothing else", async () => {
    const causes = await run("service-enabled");
    expect(causes.map((c) => `${c.kind} ${c.drv} ${c.input ?? c.keys?.join()}`).sort()).toEqual([
      "added system-path nginx-1.26.2",
      "added system-units unit-nginx.service",
      "env nixos-tmpfiles.d text",
      "env users-groups.json text",
    ]);
  });

  it("multi-cause, openssh: its configureFlags change is one nix-diff skips (sqlite differs below it)", async () => {
    const causes = await run("multi-cause-openssh");
    const env = causes.find((c) => c.kind === "env")!;
    expect(env).toMatchObject({ drv: "openssh-9.9p1", keys: ["configureFlags"], nixDiffShows: false });
    expect(env.nixDiffHides).toMatch(/skips the environment/);
    expect(causes.filter((c) => c.kind === "version").map((c) => c.name)).toEqual(["sqlite"]);
    expect(causes).toHaveLength(2);
  });
});
