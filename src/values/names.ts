// Derivation and store-path names, split the way Nix itself splits them.

/** `builtins.parseDrvName`: split at the first `-` whose next character is not a letter. */
export function parseDrvName(name: string): { pname: string; version: string } {
  for (let i = 0; i < name.length - 1; i++) {
    if (name.charCodeAt(i) === 0x2d /* - */ && !/[A-Za-z]/.test(name.charAt(i + 1))) {
      return { pname: name.slice(0, i), version: name.slice(i + 1) };
    }
  }
  return { pname: name, version: "" };
}

/** `/nix/store/<hash>-systemd-257.9.drv` → `systemd-257.9` (also without `.drv`). */
export function storePathName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dash = base.indexOf("-");
  const rest = dash >= 0 ? base.slice(dash + 1) : base;
  return rest.endsWith(".drv") ? rest.slice(0, -4) : rest;
}

/** The store path name inside a builder or other value: `/nix/store/<hash>-bash-5.2p37/bin/bash` → `bash-5.2p37`. */
export function firstStorePathName(value: string, storeDir: string): string | null {
  const at = value.indexOf(storeDir + "/");
  if (at < 0) return null;
  const rest = value.slice(at + storeDir.length + 1);
  const m = /^[0-9a-z]{32}-([A-Za-z0-9+._?=-]+)/.exec(rest);
  return m ? (m[1] ?? null) : null;
}

/** `{out,dev}` or `out,dev` → sorted list of output names. */
export function outputNames(outputs: string): string[] {
  return outputs
    .replace(/^\{|\}$/g, "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .sort();
}
