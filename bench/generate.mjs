#!/usr/bin/env node
// bench/generate.mjs: writes synthetic nix-diff 1.0.21 text shaped like a real
// whole-system rebuild, of a chosen size, for measuring drvsquash
// (bench/run.mjs). A measuring tool, not a fixture; test/bench-generator.test.ts
// checks that drvsquash finds exactly the causes it plants.
//
//   node bench/generate.mjs [--lines N] [--seed N] [--environment] [--color] [--legacy]
//                           [--out FILE] [--truth FILE]
//
//   --lines N       approximate number of lines of the default form (default 10000;
//                   within ~1% above 1000). The --environment form of the same
//                   system prints more (every skipped environment is compared).
//   --seed N        the output is a pure function of the options; default 1
//   --environment   `nix-diff --environment` form: the same walk, the same pairs and
//                   causes, but `• The environments do not match:` with the values
//                   (long one-line lists of store paths of several KB, multi-line
//                   scripts in '' blocks, ←old←→new→ markers) wherever the default
//                   form says `• Skipping environment comparison`; the causes
//                   nix-diff hides in the default form show there
//   --color         `--color always` form: ESC[1;31m- …ESC[0m / ESC[1;32m+ …ESC[0m path and
//                   list lines, ESC[1;2m unchanged / ESC[41m old / ESC[42m new chunks
//                   in text diffs instead of ←old← / →new→
//   --legacy        1.0.20 per-input `These two derivations have already been compared`
//                   instead of 1.0.21's grouped `Input derivations differ but have already
//                   been compared`
//   --out FILE      write there instead of stdout
//   --truth FILE    write the planted causes there, as a corpus truth.json
//                   (../shared/tools/score.mjs reads it)
//
// Shape (from /work/shared/docs/nix-diff-format.md and the corpus outputs): a
// `nixos-system-…` pair at column 0; each descended input as `• The input
// derivation named `x` differs` with its pair at N+2, inputs sorted by name;
// per pair, in nix-diff's order: path lines, builder, sources, the input-name
// set, inputs, the `Input derivations differ but have already been compared`
// group, then `• Skipping environment comparison` (or the environment).
//
// What a whole-system rebuild looks like, and so what this writes:
// - a handful of root causes per 10,000 pairs (5, and at least 5 in all): bash's
//   `fix-pop-var-context-error.patch` (always, the top's first input), then
//   version bumps, environment changes, source patches and environment changes
//   nix-diff hides unless --environment, spread evenly over the output;
// - everything else cascade: `• The builders do not match` with bash's two
//   paths (hash-only) in ~85% of pairs, each of them naming `bash-5.2p37` among
//   its already-compared inputs; a bumped version's `- x-1.2` / `+ x-1.3`
//   name-set lines repeated in several parents; environment values that differ
//   only in the hashes of changed inputs;
// - most lines are "already compared" names, ~6 per pair; about 40% of those
//   mentions name something several printed pairs share (`stdenv-linux`,
//   `source`, the python hooks, …), as in the corpus's larger scenarios.
//
// Library use: `generate(options)` returns the text; `generateTo(options, write)`
// calls write(chunk) with successive pieces of it and returns the line count;
// `generateWithTruth(options)` returns { text, truth }.

import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";

const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";
const RESET = "\x1b[0m";
const SGR = { both: "\x1b[1;2m", old: "\x1b[41m", new: "\x1b[42m", minus: "\x1b[1;31m", plus: "\x1b[1;32m" };
const MARK = { old: "←", new: "→" };

const BASH = "bash-5.2p37";
const BASH_PATCH = "fix-pop-var-context-error.patch";
const SYSTEM_INPUTS = ["boot.json", "dbus-1", "etc", "firmware", "initrd-linux-6.6.58", "linux-6.6.58-modules", "system-path",
  "system-units", "udev-rules", "unit-dbus.service", "unit-sshd.service", "users-groups.json"];
const PACKAGES = ["glibc-2.40-36", "zlib-1.3.1", "openssl-3.3.2", "curl-8.11.0", "systemd-256.10", "dbus-1.14.10",
  "coreutils-9.5", "util-linux-2.39.4", "iproute2-6.11.0", "iptables-1.8.10", "libmnl-1.0.5", "libnftnl-1.2.8",
  "python3-3.12.7", "perl-5.40.0", "gcc-13.3.0", "binutils-2.43.1", "cmake-3.30.5", "ninja-1.12.1", "meson-1.6.0",
  "libxml2-2.13.4", "xz-5.6.3", "bzip2-1.0.8", "lz4-1.10.0", "ncurses-6.4.20221231", "readline-8.2p13",
  "gnugrep-3.11", "gnused-4.9", "gawk-5.3.1", "findutils-4.10.0", "diffutils-3.10", "shadow-4.16.0",
  "linux-pam-1.6.1", "kmod-31", "e2fsprogs-1.47.1", "nix-2.24.10", "openssh-9.9p1", "postgresql-16.4",
  "git-2.47.0", "vim-9.1.0765", "tmux-3.5a", "htop-3.3.0", "elfutils-0.191", "libbpf-1.4.7", "clang-18.1.8",
  "libarchive-3.7.7", "brotli-1.1.0", "nghttp2-1.64.0", "libssh2-1.11.1", "c-ares-1.34.3", "libidn2-2.3.7",
  "acl-2.3.2", "attr-2.5.2", "libcap-2.70", "lvm2-2.03.27", "dhcpcd-10.1.0", "tailscale-1.76.6", "go-1.23.3",
  "gettext-0.22.5", "texinfo-7.1.1", "autoconf-2.72", "pkg-config-wrapper-0.29.2", "mirrors-list"];
// Names several different derivations have (every python has its own hooks; `source` is any unpacked tarball).
const SHARED = ["stdenv-linux", "source", "hook", "pypa-build-hook.sh", "pypa-install-hook", "python-catch-conflicts-hook",
  "python-imports-check-hook.sh", "python-runtime-deps-check-hook.sh", "1.cabal", "2.cabal", "update-autotools-gnu-config-scripts-hook",
  "make-shell-wrapper-hook", "auto-patchelf-hook", "die-hook"];
const PREFIXES = ["python3.12-", "perl5.40.0-", "lib", "", "", "haskell-", "node-", "rust-", "unit-", "go-"];
const SYLLABLES = ["ar", "bo", "cal", "dex", "ent", "fi", "gor", "hil", "ix", "jam", "kel", "lum", "mor", "nix",
  "ox", "pra", "qui", "ros", "sil", "tor", "ul", "vex", "wen", "yar", "zed", "ca", "ne", "ti"];
// Version bumps: the first ones real, then made up (pnames end in `kit`, which no other name does).
const BUMPS = [["sqlite", "3.46.1", "3.47.2"], ["zstd", "1.5.6", "1.5.7"], ["icu4c", "74.2", "76.1"], ["pcre2", "10.43", "10.44"],
  ["libuv", "1.48.0", "1.49.2"], ["expat", "2.6.3", "2.6.4"], ["gmp", "6.3.0", "6.3.1"], ["libffi", "3.4.6", "3.4.7"]];
const ENV_KEYS = ["configureFlags", "cmakeFlags", "mesonFlags", "NIX_CFLAGS_COMPILE", "makeFlags", "preConfigure"];
const FLAGS = ["--enable-shared", "--disable-static", "--with-openssl", "--enable-ipv6", "--without-libpsl", "--enable-threads=posix",
  "--disable-manual", "--with-systemd", "--enable-largefile", "--disable-dependency-tracking", "--with-pic"];
const SCRIPT = ["mkdir -p $out/bin $out/share", "for f in $src/*.conf; do", "  install -Dm644 \"$f\" $out/etc/$(basename \"$f\")",
  "done", "", "# Symlink all units provided listed in systemd.packages.", "if [ -e \"$out/share/man\" ]; then",
  "  gzip -9n $out/share/man/*/*", "fi", "patchShebangs --build $out/bin", "export LC_ALL=C.UTF-8"];
const PATCH = ["From: Chet Ramey", "Subject: Fix a spurious \"pop_var_context: head of shell_variables not a function context\"",
  "", "--- variables.c", "+++ variables.c", "@@ -5412,7 +5412,8 @@", "   vcxt = shell_variables;", "   if (vc_isfuncenv (vcxt) == 0)",
  "     {", "       return;", "     }", " ", "--", "2.47.0", "   int result = 0;", "     result = 1;", " }"];

/** mulberry32: a small, fast, seedable PRNG (floats in [0, 1)). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the text with write(chunk) (pieces of about 64 KB); returns { lines, truth }. */
function run({ lines = 10000, seed = 1, color = false, legacy = false, environment = false } = {}, write) {
  // Two streams: `rand` decides the walk and every line both forms print, `erand` only what the
  // --environment form adds, so that both forms show the same system.
  const rand = prng(seed * 2654435761 + 12345);
  const erand = prng(seed * 40503 + 977);
  const mk = (r) => ({
    int: (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)), // inclusive
    pick: (xs) => xs[Math.floor(r() * xs.length)],
    store: (name) => {
      let h = "";
      for (let i = 0; i < 32; i++) h += NIX32[Math.floor(r() * 32)];
      return `/nix/store/${h}-${name}`;
    },
  });
  const S = mk(rand);
  const E = mk(erand);
  const { int, pick } = S;

  let count = 0; // lines written
  let shared = 0; // lines both forms print: what the budget counts
  let buf = "";
  const out = (line) => {
    buf += line + "\n";
    count++;
    if (buf.length >= 65536) { write(buf); buf = ""; }
  };
  const emit = (line) => { shared++; out(line); };
  const signedTo = (put, ind, sign, text) =>
    put(color ? `${ind}${sign === "-" ? SGR.minus : SGR.plus}${sign} ${text}${RESET}` : `${ind}${sign} ${text}`);
  const signed = (ind, sign, text) => signedTo(emit, ind, sign, text);

  // ---- names
  const taken = new Set();
  const pkgQueue = [...PACKAGES];
  const freshName = () => {
    if (pkgQueue.length > 0) return pkgQueue.splice(Math.floor(rand() * pkgQueue.length), 1)[0];
    for (;;) {
      const prefix = pick(PREFIXES);
      const stem = pick(SYLLABLES) + pick(SYLLABLES) + (rand() < 0.5 ? pick(SYLLABLES) : "");
      const name = prefix === "unit-" ? `unit-${stem}.service` : `${prefix}${stem}-${int(0, 9)}.${int(0, 30)}.${int(0, 12)}`;
      if (!taken.has(name)) { taken.add(name); return name; }
    }
  };
  const outputs = () => pick(["out", "out", "out", "out", "dev", "dev", "bin", "man,out", "dev,out", "lib"]);
  const bash = [S.store(`${BASH}/bin/bash`), S.store(`${BASH}/bin/bash`)];

  // Names already printed as pairs, what "already compared" lists refer to: all of them in order,
  // and those that several printed pairs share.
  const done = [];
  const timesDone = new Map();
  const multi = [];
  const finished = (name) => {
    done.push(name);
    const n = (timesDone.get(name) ?? 0) + 1;
    timesDone.set(name, n);
    if (n === 2) multi.push(name);
  };

  // ---- the causes to plant: a handful per 10,000 pairs (~13 lines a pair), evenly spread
  const truth = { scenario: `bench-generate lines=${lines} seed=${seed}`, top: "", causes: [], via: [], hidden: [] };
  const nPlan = Math.max(4, Math.round(((lines / 16) * 5) / 10000));
  const CYCLE = ["version", "env", "source", "hidden"];
  const plan = Array.from({ length: nPlan }, (_, i) => ({ kind: CYCLE[i % CYCLE.length], at: Math.round((lines * (i + 0.5)) / nPlan) }));
  let nextPlan = 0;
  let bumpsMade = 0;
  const activeBumps = []; // { from, to, repeats }: parents still to show it
  const newBump = () => {
    const i = bumpsMade++;
    if (i < BUMPS.length) {
      const [p, a, b] = BUMPS[i];
      return { pname: p, from: a, to: b };
    }
    const stem = SYLLABLES[i % SYLLABLES.length] + SYLLABLES[Math.floor(i / SYLLABLES.length) % SYLLABLES.length] + `${Math.floor(i / 784) || ""}kit`;
    const major = int(1, 9), minor = int(0, 40), patch = int(0, 9);
    return { pname: stem, from: `${major}.${minor}.${patch}`, to: `${major}.${minor}.${patch + 1}` };
  };
  /** The planned cause this pair should show, if its turn has come and the pair can show it. */
  const takePlan = (depth, leaf) => {
    const p = plan[nextPlan];
    if (!p || depth === 0 || shared < p.at) return null;
    const fits = p.kind === "version" || p.kind === "source" || (p.kind === "env" ? leaf : !leaf);
    if (!fits) return null;
    nextPlan++;
    return p.kind;
  };
  const addTruth = (cause, hiddenWhy) => {
    truth.causes.push(cause);
    truth.via.push(null);
    if (hiddenWhy) truth.hidden.push({ cause: truth.causes.length - 1, mode: "--environment", why: hiddenWhy });
  };

  // ---- text diffs: a value is a list of chunks { t: "both" | "old" | "new", s }
  const words = (text) => text.split(/(\s+)/).filter((s) => s !== "").map((s) => ({ t: "both", s }));
  const render = (chunks) => {
    let o = "";
    for (const { t, s } of chunks) {
      if (!color) o += t === "both" ? s : MARK[t] + s + MARK[t];
      else if (t !== "both" && /^\s+$/.test(s)) o += SGR[t] + RESET + s; // added/removed whitespace
      else o += s.split("\n").map((piece) => SGR[t] + piece + RESET).join("\n"); // each line closed (1.0.21)
    }
    return o;
  };
  /** Store paths of `names`, those in `changed` with another hash on each side. */
  const pathList = (G, names, changed) => {
    const chunks = [];
    names.forEach((n, i) => {
      if (i > 0) chunks.push({ t: "both", s: " " });
      if (changed.has(n)) chunks.push({ t: "old", s: G.store(n) }, { t: "new", s: G.store(n) });
      else chunks.push({ t: "both", s: G.store(n) });
    });
    return chunks;
  };
  /** A path whose name changes as a bump says (the parent's name set lists it). */
  const bumpedPath = (G, b, suffix) => [{ t: "old", s: G.store(`${b.pname}-${b.from}${suffix}`) }, { t: "new", s: G.store(`${b.pname}-${b.to}${suffix}`) }];
  const script = (G, n, deps) => {
    const chunks = [];
    for (let i = 0, j = G.int(0, SCRIPT.length - 1); i < n; i++) {
      if (i > 0) chunks.push({ t: "both", s: "\n" });
      if (i % 6 === 5 && deps.length > 0) {
        const dep = deps[i % deps.length];
        chunks.push(...words("ln -s "), { t: "old", s: G.store(dep) }, { t: "new", s: G.store(dep) }, ...words(" $out/lib/" + dep));
      } else chunks.push(...words(SCRIPT[j++ % SCRIPT.length]));
    }
    return chunks;
  };

  /** One `key=value` entry; long or multi-line values go in a '' block closing at the pair's column. */
  const envValue = (put, ind, key, chunks) => {
    const text = render(chunks);
    if (!text.includes("\n") && ind.length + 4 + key.length + 1 + text.length < 80) return put(`${ind}    ${key}=${text}`);
    put(`${ind}    ${key}=''`);
    for (const l of text.split("\n")) put(`${ind}    ${l}`);
    put(`${ind}''`);
  };
  const envBlock = (put, ind, entries) => {
    // nix-diff prints the keys only one side has first (`- key=…` / `+ key=…`), then the changed values, each by name.
    entries.sort((a, b) => (!a[2] !== !b[2] ? (a[2] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    for (const [key, chunks, sign] of entries) {
      if (sign) signedTo(put, ind + "    ", sign, `${key}=${render(chunks)}`);
      else envValue(put, ind, key, chunks);
    }
  };

  /** What the --environment form shows for a pair whose inputs changed: values that differ in their hashes only. */
  const cascadeEnv = (ind, p) => {
    const G = E;
    const entries = [];
    const changed = new Set([...p.children, ...p.refs.filter((r) => r !== BASH && r !== "stdenv-linux")].map((n) => `${n}-dev`));
    if (p.builder) entries.push(["shell", [{ t: "old", s: bash[0] }, { t: "new", s: bash[1] }]]);
    if (p.refs.includes("stdenv-linux") || erand() < 0.5) entries.push(["stdenv", [{ t: "old", s: G.store("stdenv-linux") }, { t: "new", s: G.store("stdenv-linux") }]]);
    // Long one-line lists: several KB, a few entries with other hashes.
    for (const key of ["buildInputs", "nativeBuildInputs", "propagatedBuildInputs"]) {
      if (erand() < 0.6) continue;
      const names = [];
      for (let i = 0, n = G.int(4, 40); i < n; i++) names.push(`${G.pick(PACKAGES)}-${G.pick(["dev", "bin", "lib", "man"])}`);
      const chunks = pathList(G, [...new Set(names)], changed.size ? changed : new Set([names[0]]));
      for (const n of changed) chunks.push({ t: "both", s: " " }, { t: "old", s: G.store(n) }, { t: "new", s: G.store(n) });
      for (const b of p.bumps) chunks.push({ t: "both", s: " " }, ...bumpedPath(G, b, "-dev"));
      entries.push([key, chunks]);
    }
    if (erand() < 0.25) entries.push([G.pick(["installPhase", "postInstall", "postFixup", "buildCommand"]), script(G, G.int(3, 24), [...p.children, G.pick(PACKAGES)])]);
    if (entries.length === 0) entries.push(["stdenv", [{ t: "old", s: G.store("stdenv-linux") }, { t: "new", s: G.store("stdenv-linux") }]]);
    return entries;
  };

  /** The environment line(s) of a pair whose inputs differ: skipped, or compared with --environment. */
  const envOfParent = (ind, p, hiddenCause) => {
    if (!environment) return emit(`${ind}• Skipping environment comparison`);
    emit(`${ind}• The environments do not match:`);
    const entries = cascadeEnv(ind, p);
    if (hiddenCause) entries.push([hiddenCause.key, hiddenCause.chunks]);
    envBlock(out, ind, entries);
  };

  const pickRefs = (n, self, exclude, mustBash) => {
    const set = new Set();
    if (mustBash && self !== BASH && !exclude.includes(BASH)) set.add(BASH);
    for (let tries = 0; set.size < n && tries < n * 4 && done.length > 0; tries++) {
      const r = multi.length > 0 && rand() < 0.55 ? multi[Math.floor(rand() * multi.length)]
        : done[done.length - 1 - Math.floor(rand() * Math.min(done.length, 400))];
      if (r !== self && !exclude.includes(r)) set.add(r);
    }
    return [...set].sort();
  };

  const nameSet = (ind, bumps) => {
    emit(`${ind}• The set of input derivation names do not match:`);
    for (const b of bumps) signed(ind + "    ", "-", `${b.pname}-${b.from}`);
    for (const b of bumps) signed(ind + "    ", "+", `${b.pname}-${b.to}`);
  };
  /** Bumps a parent repeats: each planted bump shows in several parents after its first. */
  const repeatBumps = () => {
    const bs = [];
    for (const b of activeBumps) if (b.repeats > 0 && rand() < 0.04) { b.repeats--; bs.push(b); }
    return bs;
  };

  const sourceDiff = (ind, name, extra) => {
    emit(`${ind}• The input source named \`${name}\` differs`);
    emit(`${ind}    ''`);
    const chunks = words(PATCH.slice(0, 9).join("\n"));
    chunks.push({ t: "both", s: "\n" }, ...words("-      internal_error (_(\"pop_var_context: head of shell_variables not a function context\"));"),
      { t: "both", s: "\n" }, ...words("+      if (interrupt_state"), { t: "new", s: " " }, { t: "new", s: "==" }, { t: "new", s: " " },
      { t: "new", s: "0" }, { t: "new", s: " " }, { t: "new", s: "&&" }, { t: "new", s: " " }, { t: "new", s: "running_trap" },
      ...words(" == 0)"));
    for (let i = 0; i < extra; i++) chunks.push({ t: "both", s: "\n" }, ...words(PATCH[9 + (i % 8)]));
    for (const l of render(chunks).split("\n")) emit(`${ind}    ${l}`);
    emit(`${ind}''`);
  };
  let sourcesMade = 0;
  let envCauses = 0;
  const sourceName = () => `${pick(["fix-build", "keep-path", "no-usr", "cve-2024", "musl-compat", "reproducible"])}-${++sourcesMade}.patch`;
  const patchesValue = (G, src) => pathList(G, ["pgrp-pipe-5.patch", src, "parallel.patch"], new Set([src]));

  // ---- one pair; `budget` is how many shared lines it should take, its `• The input … differs` line included
  const pair = (name, outs, depth, budget, last) => {
    const start = shared;
    const ind = " ".repeat(depth * 2);
    const used = () => shared - start;
    if (depth > 0) emit(`${" ".repeat(depth * 2 - 2)}• The input derivation named \`${name}\` differs`);
    signed(ind, "-", `${S.store(name)}.drv:{${outs}}`);
    signed(ind, "+", `${S.store(name)}.drv:{${outs}}`);

    // bash, the top's first input: its patch is the cause of every builder change below.
    if (name === BASH && depth === 1) {
      sourceDiff(ind, BASH_PATCH, 6);
      emit(`${ind}• The environments do not match:`);
      envBlock(emit, ind, [["patches", patchesValue(S, BASH_PATCH)]]);
      addTruth({ kind: "source", drv: BASH, source: BASH_PATCH });
      return finished(name);
    }

    const leaf = budget < 36 || depth >= 13;
    const planted = takePlan(depth, leaf);
    // A planted leaf is a root: its builder and inputs are the same on both sides.
    const builder = depth === 0 || (planted !== "env" && !(planted && leaf) && rand() < 0.85);
    if (builder) {
      emit(`${ind}• The builders do not match`);
      signed(ind + "    ", "-", bash[0]);
      signed(ind + "    ", "+", bash[1]);
    }
    let src = null;
    if (planted === "source") {
      src = sourceName();
      sourceDiff(ind, src, int(2, 12));
      addTruth({ kind: "source", drv: name, source: src });
    }
    const bumps = depth > 0 ? repeatBumps() : [];
    if (planted === "version") {
      const b = newBump();
      addTruth({ kind: "version", name: b.pname, from: b.from, to: b.to });
      bumps.unshift(b);
      activeBumps.push({ ...b, repeats: int(2, 8) });
    }
    if (bumps.length > 0) nameSet(ind, bumps);

    if (planted && leaf) {
      // A root: nothing below it differs, so nix-diff compares its environment in both forms.
      emit(`${ind}• The environments do not match:`);
      const entries = [];
      if (planted === "env") {
        const key = pick(ENV_KEYS);
        const flags = Array.from({ length: int(3, 8) }, () => pick(FLAGS));
        const chunks = words(flags.join(" "));
        chunks.splice(int(0, chunks.length), 0, { t: "new", s: " " }, { t: "new", s: `--enable-${pick(SYLLABLES)}${pick(SYLLABLES)}` });
        entries.push([key, chunks]);
        if (envCauses++ === 0 || rand() < 0.3) entries.push(["separateDebugInfo", [{ t: "both", s: "1" }], "+"]); // a key one side has
        addTruth({ kind: "env", drv: name, keys: entries.map((e) => e[0]) });
      } else if (planted === "source") entries.push(["patches", patchesValue(S, src)]);
      for (const b of bumps) {
        const list = pathList(S, Array.from({ length: int(4, 14) }, () => `${pick(PACKAGES)}-dev`), new Set());
        entries.push([pick(["buildInputs", "propagatedBuildInputs"]), [...list, { t: "both", s: " " }, ...bumpedPath(S, b, "-dev")]]);
      }
      if (entries.length === 0) entries.push(["version", [{ t: "old", s: "1.0" }, { t: "new", s: "1.1" }]]);
      envBlock(emit, ind, entries);
      return finished(name);
    }

    if (leaf) {
      // The common leaf: only inputs that were already compared elsewhere.
      // The output's last leaf takes what is left of the budget, so the total lands near --lines.
      const want = last ? 40 : rand() < 0.6 ? int(2, 6) : int(8, 17);
      const room = Math.max(1, Math.min(want, budget - used() - 2));
      const refs = pickRefs(legacy ? Math.ceil(room / 2) : room, name, [], builder);
      return footer(name, ind, refs, [], { refs, children: [], builder, bumps }, null);
    }

    // Descend: k inputs, sorted by name as nix-diff does; budget re-split after each.
    // The top pair has the system's inputs (bash first): more of them for bigger outputs.
    const k = depth === 0 ? Math.max(3, Math.min(30, Math.round(budget / 2000))) : rand() < 0.2 ? 1 : int(2, Math.min(10, Math.floor(budget / 25)));
    const children = [];
    const chosen = new Set([name]);
    for (let i = 0; i < k; i++) {
      let c;
      if (depth === 0) {
        // bash sorts first, so that every "already compared" list after it has something to name.
        c = i === 0 ? BASH : i <= SYSTEM_INPUTS.length ? SYSTEM_INPUTS[i - 1] : freshName();
        while (c < BASH) c = freshName();
      }
      else if (rand() < 0.1) c = pick(SHARED);
      else c = freshName();
      if (chosen.has(c)) c = freshName();
      chosen.add(c);
      children.push(c);
    }
    const refs = depth === 0 ? [] : pickRefs(Math.floor(-Math.log(1 - rand()) * 3), name, children, builder);
    let tail = (legacy ? 2 * refs.length : refs.length > 0 ? refs.length + 1 : 0) + 1; // lines still to come after the inputs
    const weights = children.map((c) => (c === BASH ? 0 : 0.2 + rand()));
    const inputs = legacy ? [...children.map((c) => ({ c })), ...refs.map((r) => ({ r }))] : children.map((c) => ({ c }));
    inputs.sort((a, b) => ((a.c ?? a.r) < (b.c ?? b.r) ? -1 : 1));
    let wLeft = weights.reduce((x, y) => x + y, 0);
    const lastChild = inputs.findLast((i) => i.c !== undefined);
    for (const input of inputs) {
      if (input.r !== undefined) {
        emit(`${ind}• The input derivation named \`${input.r}\` differs`);
        emit(`${ind}  • These two derivations have already been compared`);
        tail -= 2;
        continue;
      }
      const w = weights[children.indexOf(input.c)];
      const share = w === 0 ? 20 : Math.max(8, Math.round(((budget - used() - tail) * w) / wLeft));
      wLeft -= w;
      pair(input.c, outputs(), depth + 1, share, last && input === lastChild);
    }
    let hidden = null;
    if (planted === "hidden") {
      // An environment change nix-diff only shows with --environment: the pair's inputs differ too.
      const key = pick(ENV_KEYS);
      const flags = Array.from({ length: int(2, 6) }, () => pick(FLAGS));
      const chunks = words(flags.join(" "));
      chunks.push({ t: "new", s: " " }, { t: "new", s: `--with-${pick(SYLLABLES)}${pick(SYLLABLES)}` });
      hidden = { key, chunks };
      addTruth({ kind: "env", drv: name, keys: [key] },
        "the pair's inputs differ too, so nix-diff prints 'Skipping environment comparison' instead of the change");
    }
    return footer(name, ind, legacy ? [] : refs, children, { refs, children, builder, bumps }, hidden);
  };

  const footer = (name, ind, refs, children, p, hidden) => {
    if (legacy && children.length === 0) {
      for (const r of refs) { // a leaf's back-references, 1.0.20 style
        emit(`${ind}• The input derivation named \`${r}\` differs`);
        emit(`${ind}  • These two derivations have already been compared`);
      }
    } else if (refs.length > 0) {
      emit(`${ind}• Input derivations differ but have already been compared`);
      for (const r of refs) emit(`${ind}    ${r}`);
    }
    if (refs.length > 0 || children.length > 0) envOfParent(ind, p, hidden);
    finished(name);
  };

  const top = `nixos-system-${pick(["web01", "db02", "router", "laptop"])}-24.11.20241012.${Array.from({ length: 7 }, () => "0123456789abcdef"[int(0, 15)]).join("")}`;
  truth.top = top;
  pair(top, "out", 0, lines, true);
  if (buf) write(buf);
  return { lines: count, truth };
}

/** Calls write(chunk) with the generated text, in pieces of about 64 KB; returns the number of lines. */
export function generateTo(options, write) {
  return run(options, write).lines;
}

/** The generated text as one string. */
export function generate(options = {}) {
  return generateWithTruth(options).text;
}

/** The text and the causes planted in it (a corpus truth.json: causes, hidden by --environment). */
export function generateWithTruth(options = {}) {
  const parts = [];
  const { truth } = run(options, (chunk) => parts.push(chunk));
  return { text: parts.join(""), truth };
}

function main(argv) {
  const opts = { lines: 10000, seed: 1, color: false, legacy: false, environment: false };
  let outFile = null;
  let truthFile = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--lines" || a === "--seed") {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
      opts[a.slice(2)] = v;
    } else if (a === "--color") opts.color = true;
    else if (a === "--legacy") opts.legacy = true;
    else if (a === "--environment") opts.environment = true;
    else if (a === "--out") outFile = argv[++i];
    else if (a === "--truth") truthFile = argv[++i];
    else if (a === "--help" || a === "-h") {
      return void process.stdout.write("usage: node bench/generate.mjs [--lines N] [--seed N] [--environment] [--color] [--legacy] [--out FILE] [--truth FILE]\n");
    } else throw new Error(`unknown argument: ${a}`);
  }
  const fd = outFile ? openSync(outFile, "w") : 1;
  const { truth } = run(opts, (chunk) => writeAll(fd, chunk));
  if (outFile) closeSync(fd);
  if (truthFile) writeFileSync(truthFile, JSON.stringify(truth, null, 2) + "\n");
}

/** writeSync, retrying when stdout is a non-blocking pipe that is momentarily full. */
function writeAll(fd, chunk) {
  let b = Buffer.from(chunk);
  while (b.length > 0) {
    try {
      b = b.subarray(writeSync(fd, b));
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
