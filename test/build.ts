// For tests that run the built CLI (bin/ → dist/drvsquash.js): `npm test`
// builds first, but a test file run on its own may find dist/ missing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = fileURLToPath(new URL("..", import.meta.url));

/** Build dist/ if it is not there, atomically: build elsewhere, then rename into place. */
export function ensureBuilt(): void {
  const dist = join(repo, "dist");
  if (existsSync(join(dist, "drvsquash.js"))) return;
  const cache = join(repo, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, "drvsquash-build-"));
  try {
    const r = spawnSync(process.execPath, [join(repo, "scripts", "build.mjs"), "--out", out], { cwd: repo, encoding: "utf8" });
    // Another test may have built it meanwhile.
    if (r.status !== 0 && !existsSync(join(dist, "drvsquash.js"))) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
    if (!existsSync(join(dist, "drvsquash.js"))) {
      rmSync(dist, { recursive: true, force: true });
      renameSync(out, dist);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
