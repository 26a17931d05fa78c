/**
 * The supamigrate package's folder, found from this module whether it runs from source
 * (cli/serve/) or from the CLI bundle (dist/chunks/), so files shipped with the package (the
 * function bundle, the bootstrap SQL) are found from any working directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | null = null;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "supamigrate") {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the supamigrate package folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
