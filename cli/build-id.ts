/**
 * A fingerprint of the code that produces lint results, for the lint cache's key: it changes whenever
 * the CLI's or the linter's code changes, in the bundle and in development (tsx) alike.
 * - Bundle (`npm run build`): esbuild names every chunk of dist/chunks/ by its content hash (and
 *   build.mjs empties the folder first), so the sorted chunk names plus the two files whose names have
 *   no hash (the entry dist/cli.cjs, dist/chunks/main.mjs) identify the build: one directory listing.
 * - Source (tsx): the contents of every file under cli/ and shared/ except tests (~1 MB).
 * Plus libpg-query's version: the parser is an external package, not part of the bundle.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** The fingerprint of the code running this module (computed once per process). */
export function buildId(): string {
  cached ??= fingerprint(fileURLToPath(import.meta.url));
  return cached;
}

/** The fingerprint of the code that `modulePath` (a chunk of a bundle, or a source file in cli/) belongs to. */
export function fingerprint(modulePath: string): string {
  const hash = createHash("sha256");
  const folder = dirname(modulePath);
  if (basename(folder) === "chunks") {
    hash.update("bundle\0").update(readFileSync(join(dirname(folder), "cli.cjs"))).update(readFileSync(join(folder, "main.mjs")));
    hash.update(`\0${readdirSync(folder).sort().join("\0")}`);
  } else if (modulePath.endsWith(".ts")) {
    const root = dirname(folder);
    for (const file of [...sourceFiles(join(root, "cli")), ...sourceFiles(join(root, "shared"))]) {
      hash.update(`\0${file.slice(root.length)}\0`).update(readFileSync(file));
    }
  } else {
    hash.update("module\0").update(readFileSync(modulePath)); // bundled some other way: this file is the code
  }
  hash.update(`\0libpg-query@${parserVersion(modulePath)}`);
  return hash.digest("hex");
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "dist") files.push(...sourceFiles(path));
    } else if (entry.isFile() && !entry.name.endsWith(".test.ts")) files.push(path);
  }
  return files;
}

function parserVersion(modulePath: string): string {
  try {
    const manifest = createRequire(modulePath).resolve("libpg-query/package.json");
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
