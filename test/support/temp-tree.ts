/**
 * Throwaway folders of files for tests: `tempTree({ "scripts/001_a.sql": "…" })` makes one, and every
 * folder made by a test file is removed when its tests end.
 */
import { after } from "node:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temp folder holding `files` (paths relative to it, contents as text or bytes). */
export function tempTree(files: Record<string, string | Uint8Array>, prefix = "supamigrate-test-"): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  made.push(root);
  for (const [path, content] of Object.entries(files)) writeTreeFile(root, path, content);
  return root;
}

/** Writes `root/path`, making its folders. */
export function writeTreeFile(root: string, path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
