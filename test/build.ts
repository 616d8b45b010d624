// For tests that run the built CLI (bin/ → dist/): `npm test` builds first,
// but a test file run on its own may find dist/ missing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = fileURLToPath(new URL("..", import.meta.url));

/** Build dist/ if it is not there, atomically: compile elsewhere, then rename into place. */
export function ensureBuilt(): void {
  const dist = join(repo, "dist");
  if (existsSync(join(dist, "cli.js"))) return;
  const cache = join(repo, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, "drvsquash-build-"));
  try {
    const r = spawnSync(process.execPath, [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", join(repo, "tsconfig.build.json"), "--outDir", out], {
      cwd: repo,
      encoding: "utf8",
    });
    // Another test may have built it meanwhile.
    if (r.status !== 0 && !existsSync(join(dist, "cli.js"))) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
    if (!existsSync(join(dist, "cli.js"))) {
      rmSync(dist, { recursive: true, force: true });
      renameSync(out, dist);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
