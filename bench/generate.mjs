#!/usr/bin/env node
// bench/generate.mjs: writes synthetic but realistic nix-diff 1.0.21 text of a
// chosen size, for measuring drvsquash (bench/run.mjs). A measuring tool, not a
// fixture: the tests only check that the parser reads every line of it.
//
//   node bench/generate.mjs [--lines N] [--seed N] [--color] [--legacy] [--out FILE]
//
//   --lines N   approximate number of lines (default 10000; within ~1% above 1000)
//   --seed N    the output is a pure function of (lines, seed, color, legacy); default 1
//   --color     `--color always` form: ESC[1;31m- …ESC[0m / ESC[1;32m+ …ESC[0m path and
//               list lines, ESC[1;2m unchanged / ESC[41m old / ESC[42m new chunks
//               in text diffs instead of ←old← / →new→
//   --legacy    1.0.20 per-input `These two derivations have already been compared`
//               instead of 1.0.21's grouped `Input derivations differ but have already
//               been compared` (colour spans are still closed on every line, as 1.0.21 does)
//   --out FILE  write there instead of stdout
//
// Shape (see /work/shared/docs/nix-diff-format.md): a `nixos-system-…` pair at
// column 0; each descended input as `• The input derivation named `x` differs` with
// its pair at N+2, inputs sorted by name; most of the volume is "already compared"
// name lists, as in real system diffs; per pair, in nix-diff's order: path lines,
// builder (bash paths differing only in hash, for a whole subtree as when bash
// changes), sources (`• The input source named `x.patch` differs`, bare '' at N+4,
// content at N+4, '' at N), name set (`- zstd-1.5.6` / `+ zstd-1.5.7`), inputs,
// then `• Skipping environment comparison` if any input differed, else
// `• The environments do not match:` with `key=value` at N+4 (long values as
// `key=''`, lines at N+4, closing '' at N). Leaf pairs size their content so the
// total lands near --lines.
//
// Library use: `generate({ lines, seed, color, legacy })` returns the text;
// `generateTo(options, write)` calls write(chunk) with successive pieces of it.

import { closeSync, openSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";

const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";
const RESET = "\x1b[0m";
const SGR = { both: "\x1b[1;2m", old: "\x1b[41m", new: "\x1b[42m", minus: "\x1b[1;31m", plus: "\x1b[1;32m" };
const MARK = { old: "←", new: "→" };

const SYSTEM_INPUTS = ["etc", "system-path", "system-units", "activate", "initrd-linux-6.6.58", "linux-6.6.58-modules",
  "firmware", "users-groups.json", "dbus-1", "unit-dbus.service", "unit-sshd.service", "udev-rules", "boot.json"];
const PACKAGES = ["glibc-2.40-36", "zlib-1.3.1", "openssl-3.3.2", "curl-8.11.0", "systemd-256.10", "dbus-1.14.10",
  "coreutils-9.5", "util-linux-2.39.4", "iproute2-6.11.0", "iptables-1.8.10", "libmnl-1.0.5", "libnftnl-1.2.8",
  "python3-3.12.7", "perl-5.40.0", "gcc-13.3.0", "binutils-2.43.1", "cmake-3.30.5", "ninja-1.12.1", "meson-1.6.0",
  "libxml2-2.13.4", "xz-5.6.3", "bzip2-1.0.8", "lz4-1.10.0", "ncurses-6.4.20221231", "readline-8.2p13",
  "gnugrep-3.11", "gnused-4.9", "gawk-5.3.1", "findutils-4.10.0", "diffutils-3.10", "shadow-4.16.0",
  "linux-pam-1.6.1", "kmod-31", "e2fsprogs-1.47.1", "nix-2.24.10", "openssh-9.9p1", "postgresql-16.4",
  "git-2.47.0", "vim-9.1.0765", "tmux-3.5a", "htop-3.3.0", "elfutils-0.191", "libbpf-1.4.7", "clang-18.1.8",
  "libarchive-3.7.7", "brotli-1.1.0", "nghttp2-1.64.0", "libssh2-1.11.1", "c-ares-1.34.3", "libidn2-2.3.7",
  "acl-2.3.2", "attr-2.5.2", "libcap-2.70", "lvm2-2.03.27", "dhcpcd-10.1.0", "tailscale-1.76.6", "go-1.23.3",
  "hook", "source", "stdenv-linux", "bootstrap-tools", "gettext-0.22.5", "texinfo-7.1.1", "autoconf-2.72"];
const PREFIXES = ["python3.12-", "perl5.40.0-", "lib", "", "", "haskell-", "node-", "rust-", "unit-", "go-"];
const SYLLABLES = ["ar", "bo", "cal", "dex", "ent", "fi", "gor", "hil", "ix", "jam", "kel", "lum", "mor", "nix",
  "ox", "pra", "qui", "ros", "sil", "tor", "ul", "vex", "wen", "yar", "zed", "ca", "ne", "ti"];
// Version bumps: what a parent shows in `The set of input derivation names do not match:`.
const BUMPS = [["zstd-1.5.6", "zstd-1.5.7"], ["openssl-3.4.2", "openssl-3.4.3"], ["sqlite-3.46.1", "sqlite-3.47.2"],
  ["systemd-257.9", "systemd-257.10"], ["icu4c-74.2", "icu4c-76.1"], [null, "nginx-1.26.2"], ["libxcrypt-4.4.36", null]];
const SCRIPT = ["mkdir -p $out/bin $out/share", "for f in $src/*.conf; do", "  install -Dm644 \"$f\" $out/etc/$(basename \"$f\")",
  "done", "", "# Symlink all units provided listed in systemd.packages.", "if [ -e \"$out/share/man\" ]; then",
  "  gzip -9n $out/share/man/*/*", "fi", "patchShebangs --build $out/bin", "export LC_ALL=C.UTF-8"];
const PATCH = ["From 8d5d4730c1a2b3 Mon Sep 17 00:00:00 2001", "From: NixOS maintainers <nixpkgs@example.invalid>",
  "Subject: [PATCH] keep the build hermetic", "", "---", " src/main.c | 4 ++--", " 1 file changed, 2 insertions(+), 2 deletions(-)",
  "", "diff --git a/src/main.c b/src/main.c", "index 8d5d473..d9cd1cb 100644", "--- a/src/main.c", "+++ b/src/main.c",
  "@@ -341,7 +341,7 @@", "   int result = 0;", "     result = 1;", " }", " ", "--", "2.47.0"];

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

/** Calls write(chunk) with the generated text, in pieces of about 64 KB. */
export function generateTo({ lines = 10000, seed = 1, color = false, legacy = false } = {}, write) {
  const rand = prng(seed * 2654435761 + 12345);
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const hash = () => { let h = ""; for (let i = 0; i < 32; i++) h += NIX32[Math.floor(rand() * 32)]; return h; };
  const store = (name) => `/nix/store/${hash()}-${name}`;

  let count = 0;
  let buf = "";
  const emit = (line) => {
    buf += line + "\n";
    count++;
    if (buf.length >= 65536) { write(buf); buf = ""; }
  };
  const signed = (ind, sign, text) =>
    emit(color ? `${ind}${sign === "-" ? SGR.minus : SGR.plus}${sign} ${text}${RESET}` : `${ind}${sign} ${text}`);

  // Names: the system's inputs under the top pair, then real packages, then made-up unique ones.
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
  const bash = [store("bash-5.2p37/bin/bash"), store("bash-5.2p37/bin/bash")];
  const done = []; // names of pairs already printed: what "already compared" lists refer to

  // ---- text diffs: a value is a list of chunks { t: "both" | "old" | "new", s }
  const words = (text) => text.split(/(\s+)/).filter((s) => s !== "").map((s) => ({ t: "both", s }));
  const render = (chunks) => {
    let out = "";
    for (const { t, s } of chunks) {
      if (!color) out += t === "both" ? s : MARK[t] + s + MARK[t];
      else if (t !== "both" && /^\s+$/.test(s)) out += SGR[t] + RESET + s; // added/removed whitespace
      else out += s.split("\n").map((piece) => SGR[t] + piece + RESET).join("\n"); // each line closed (1.0.21)
    }
    return out;
  };
  const pathList = (names, changed) => {
    const chunks = [];
    names.forEach((n, i) => {
      if (i > 0) chunks.push({ t: "both", s: " " });
      if (i === changed) chunks.push({ t: "old", s: store(n) }, { t: "new", s: store(n) });
      else chunks.push({ t: "both", s: store(n) });
    });
    return chunks;
  };
  const script = (n) => {
    const chunks = [];
    for (let i = 0, j = 0; i < n; i++) {
      if (i > 0) chunks.push({ t: "both", s: "\n" });
      if (i % 7 === 6) {
        const dep = pick(PACKAGES);
        chunks.push(...words("ln -s "), { t: "old", s: store(dep) }, { t: "new", s: store(dep) }, ...words(" $out/lib/" + dep));
      } else chunks.push(...words(SCRIPT[j++ % SCRIPT.length]));
    }
    return chunks;
  };

  /** One `key=value` entry; long or multi-line values go in a '' block closing at the pair's column. */
  const envValue = (ind, key, chunks) => {
    const text = render(chunks);
    if (!text.includes("\n") && ind.length + 4 + key.length + 1 + text.length < 80) return emit(`${ind}    ${key}=${text}`);
    emit(`${ind}    ${key}=''`);
    for (const l of text.split("\n")) emit(`${ind}    ${l}`);
    emit(`${ind}''`);
  };

  // ---- one pair; `budget` is how many lines it should take, including its `• The input … differs` line
  const pair = (name, outs, depth, budget, builderChanged) => {
    const start = count;
    const ind = " ".repeat(depth * 2);
    const used = () => count - start;
    if (depth > 0) emit(`${" ".repeat(depth * 2 - 2)}• The input derivation named \`${name}\` differs`);
    signed(ind, "-", `${store(name)}.drv:{${outs}}`);
    signed(ind, "+", `${store(name)}.drv:{${outs}}`);
    if (builderChanged) {
      emit(`${ind}• The builders do not match`);
      signed(ind + "    ", "-", bash[0]);
      signed(ind + "    ", "+", bash[1]);
    }
    const leaf = budget - used() < 30 || depth >= 24;
    if (leaf && done.length >= 3 && rand() < 0.95) {
      // The common leaf: only inputs that were already compared elsewhere.
      const room = Math.max(1, Math.min(40, budget - used() - 2));
      return footer(name, ind, pickRefs(legacy ? Math.ceil(room / 2) : room, name, []), []);
    }
    if (!leaf && rand() < 0.01) sourceDiff(ind, int(4, 12));
    if (rand() < (leaf ? 0.3 : 0.05)) nameSet(ind);
    if (leaf) return causeLeaf(name, ind, budget - used());

    // Descend: k inputs, sorted by name as nix-diff does; budget re-split after each.
    // The top pair has the system's inputs (etc, system-path, …): more of them for bigger outputs.
    const k = depth === 0 ? Math.max(3, Math.min(30, Math.round(budget / 2000))) : rand() < 0.2 ? 1 : int(2, Math.min(10, Math.floor(budget / 25)));
    const children = [];
    for (let i = 0; i < k; i++) children.push(depth === 0 && i < SYSTEM_INPUTS.length ? SYSTEM_INPUTS[i] : freshName());
    const refs = pickRefs(Math.floor(-Math.log(1 - rand()) * 3), name, children);
    let tail = (legacy ? 2 * refs.length : refs.length > 0 ? refs.length + 1 : 0) + 1; // lines still to come after the inputs
    // A changed builder (bash) shows in every pair of a subtree.
    const sub = budget > 400 && !builderChanged ? () => rand() < 0.1 : () => builderChanged;
    const weights = children.map(() => 0.2 + rand());
    const inputs = legacy ? [...children.map((c) => ({ c })), ...refs.map((r) => ({ r }))] : children.map((c) => ({ c }));
    inputs.sort((a, b) => ((a.c ?? a.r) < (b.c ?? b.r) ? -1 : 1));
    let wLeft = weights.reduce((x, y) => x + y, 0);
    let ci = 0;
    for (const input of inputs) {
      if (input.r !== undefined) {
        emit(`${ind}• The input derivation named \`${input.r}\` differs`);
        emit(`${ind}  • These two derivations have already been compared`);
        tail -= 2;
        continue;
      }
      const w = weights[ci++];
      const share = Math.max(8, Math.round(((budget - used() - tail) * w) / wLeft));
      wLeft -= w;
      pair(input.c, outputs(), depth + 1, share, sub());
    }
    return footer(name, ind, legacy ? [] : refs, children);
  };

  const pickRefs = (n, self, exclude) => {
    const set = new Set();
    for (let tries = 0; set.size < n && tries < n * 3 && done.length > 0; tries++) {
      const r = done[done.length - 1 - Math.floor(rand() * Math.min(done.length, 400))];
      if (r !== self && !exclude.includes(r)) set.add(r);
    }
    return [...set].sort();
  };

  const footer = (name, ind, refs, children) => {
    if (legacy && children.length === 0) {
      for (const r of refs) { // a leaf's back-references, 1.0.20 style
        emit(`${ind}• The input derivation named \`${r}\` differs`);
        emit(`${ind}  • These two derivations have already been compared`);
      }
    } else if (refs.length > 0) {
      emit(`${ind}• Input derivations differ but have already been compared`);
      for (const r of refs) emit(`${ind}    ${r}`);
    }
    if (refs.length > 0 || children.length > 0) emit(`${ind}• Skipping environment comparison`);
    done.push(name);
  };

  const nameSet = (ind) => {
    emit(`${ind}• The set of input derivation names do not match:`);
    const [from, to] = pick(BUMPS);
    if (from) signed(ind + "    ", "-", from);
    if (to) signed(ind + "    ", "+", to);
  };

  const sourceDiff = (ind, extra) => {
    emit(`${ind}• The input source named \`${pick(["keep-path", "fix-build", "cve-2024-1234", "no-usr"])}.patch\` differs`);
    emit(`${ind}    ''`);
    const chunks = words(PATCH.slice(0, 13).join("\n"));
    chunks.push({ t: "both", s: "\n" }, ...words("-  if (access (path, F_OK) == 0)"), { t: "new", s: "\n" },
      { t: "new", s: "+" }, { t: "new", s: "  " }, { t: "new", s: "if" }, { t: "new", s: " " }, { t: "new", s: "(!is_impure_path (path))" });
    for (let i = 0; i < extra; i++) chunks.push({ t: "both", s: "\n" }, ...words(PATCH[13 + (i % 6)]));
    for (const l of render(chunks).split("\n")) emit(`${ind}    ${l}`);
    emit(`${ind}''`);
  };

  /** A pair that shows a root cause: environment values (and maybe a source diff), padded to `room` lines. */
  const causeLeaf = (name, ind, room) => {
    const start = count;
    const src = rand() < 0.15;
    if (src) sourceDiff(ind, Math.max(1, Math.min(60, room - 30)));
    emit(`${ind}• The environments do not match:`);
    if (rand() < 0.1) signed(ind + "    ", "-", "NIX_CFLAGS_COMPILE=-O2");
    if (rand() < 0.1) signed(ind + "    ", "+", "separateDebugInfo=1");
    const env = [["buildInputs", pathList(Array.from({ length: int(2, 6) }, () => pick(PACKAGES) + "-dev"), 0)],
      ["configureFlags", [...words("--enable-static=no"), { t: "new", s: " " }, { t: "new", s: "--disable-silent-rules" }]],
      ["version", [{ t: "old", s: "1.5.6" }, { t: "new", s: "1.5.7" }]]];
    if (src) env.push(["patches", pathList(["keep-path.patch", "fix-install.patch", "runtime-shell.patch"], 0)]);
    const left = room - (count - start) - 10; // what the three entries above take, roughly
    if (left > 0 || rand() < 0.5) env.push([pick(["buildCommand", "postInstall", "installPhase"]), script(Math.max(2, Math.min(80, left)))]);
    env.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [key, chunks] of env) envValue(ind, key, chunks);
    done.push(name);
  };

  const top = `nixos-system-${pick(["web01", "db02", "router", "laptop"])}-24.11.20241012.${Array.from({ length: 7 }, () => "0123456789abcdef"[int(0, 15)]).join("")}`;
  pair(top, "out", 0, lines, false);
  if (buf) write(buf);
  return count;
}

/** The generated text as one string. */
export function generate(options = {}) {
  const parts = [];
  generateTo(options, (chunk) => parts.push(chunk));
  return parts.join("");
}

function main(argv) {
  const opts = { lines: 10000, seed: 1, color: false, legacy: false };
  let out = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--lines" || a === "--seed") {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
      opts[a.slice(2)] = v;
    } else if (a === "--color") opts.color = true;
    else if (a === "--legacy") opts.legacy = true;
    else if (a === "--out") out = argv[++i];
    else if (a === "--help" || a === "-h") return void process.stdout.write("usage: node bench/generate.mjs [--lines N] [--seed N] [--color] [--legacy] [--out FILE]\n");
    else throw new Error(`unknown argument: ${a}`);
  }
  const fd = out ? openSync(out, "w") : 1;
  generateTo(opts, (chunk) => writeAll(fd, chunk));
  if (out) closeSync(fd);
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
