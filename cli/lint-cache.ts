/**
 * The lint result cache (as ruff's `.ruff_cache`, or ESLint's `--cache`): a folder's lint result is kept
 * in `.supamigrate-cache/` in the current folder and reused, without loading the SQL parser, while
 * nothing it depends on has changed. `supamigrate lint --no-cache` neither reads nor writes it.
 *
 * One file per linted folder, `lint-<hash of the folder's path>.json`, holding the key it was computed
 * for and the result. The key is a SHA-256 over everything the result depends on: the CLI's version, the
 * build id of its code (build-id.ts), the text of supamigrate.json, the folder's path as findings show
 * it, the applied state (`--url`), and every entry of the folder's listing: each .sql file of the folder
 * and of rollback/ by path, content hash and decode error, and the names that are not .sql files.
 * A cache that cannot be read, is corrupt, or cannot be written is ignored: the folder is linted.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LintListedFile } from "../shared/lint/engine.ts";
import type { Finding } from "../shared/lint/types.ts";
import { buildId } from "./build-id.ts";
import { version } from "./version.ts";

export const CACHE_DIR = ".supamigrate-cache";
const SCHEMA = 1;

/** A finding as the CLI's formats print it (its fixes are for the editor, not kept). */
export type CachedFinding = Omit<Finding, "fixes">;

/** A folder's lint result as cached (what the folder ignores is in the key; the CLI reads it from the listing). */
export interface CachedLint {
  readonly files: number;
  readonly findings: readonly CachedFinding[];
}

export interface CacheKeyInput {
  /** supamigrate.json's text, or null when there is none. */
  readonly configText: string | null;
  /** The folder as findings show it. */
  readonly dir: string;
  readonly applied: ReadonlyMap<string, string> | null;
  readonly listing: readonly LintListedFile[];
  readonly ignored: readonly string[];
}

export function cacheKey(input: CacheKeyInput): string {
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
  return sha256(JSON.stringify([
    SCHEMA,
    version,
    buildId(),
    input.configText,
    input.dir,
    input.applied ? [...input.applied].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null,
    input.listing.map((file) => [file.relativePath, sha256(file.text), file.decodeError ?? null]),
    input.ignored,
  ]));
}

/** The cache file of a folder (as findings show it). */
export function entryPath(dir: string): string {
  return join(CACHE_DIR, `lint-${createHash("sha256").update(dir).digest("hex").slice(0, 16)}.json`);
}

export function hasEntry(dir: string): boolean {
  return existsSync(entryPath(dir));
}

/** The cached result for `key`, or null (no entry, another key, unreadable or corrupt). */
export function readEntry(dir: string, key: string): CachedLint | null {
  try {
    const entry = JSON.parse(readFileSync(entryPath(dir), "utf8")) as Record<string, unknown>;
    if (entry.key !== key) return null;
    const { files, findings } = entry;
    if (typeof files !== "number" || !Number.isInteger(files) || files < 0) return null;
    if (!Array.isArray(findings) || !findings.every(isFinding)) return null;
    return { files, findings };
  } catch {
    return null;
  }
}

/** Stores a result (atomically: a temp file renamed over the entry); returns why it could not, or null. */
export function writeEntry(dir: string, key: string, result: CachedLint): string | null {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const ignore = join(CACHE_DIR, ".gitignore");
    if (!existsSync(ignore)) writeAtomically(ignore, "# Automatically created by supamigrate.\n*\n");
    writeAtomically(entryPath(dir), JSON.stringify({ key, files: result.files, findings: result.findings }));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The part of a result the CLI prints. */
export function toCached(result: { readonly files: number; readonly findings: readonly Finding[] }): CachedLint {
  const findings = result.findings.map(({ fixes: _fixes, ...printed }): CachedFinding => printed);
  return { files: result.files, findings };
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function isRange(value: unknown): boolean {
  const r = value as Record<string, unknown> | null;
  return typeof r === "object" && r !== null && [r.line, r.column, r.endLine, r.endColumn].every(Number.isInteger);
}

function isFinding(value: unknown): boolean {
  const f = value as Record<string, unknown> | null;
  if (typeof f !== "object" || f === null) return false;
  if (typeof f.file !== "string" || typeof f.rule !== "string" || typeof f.message !== "string" || !isRange(f.range)) return false;
  if (f.severity !== "error" && f.severity !== "warning" && f.severity !== "info") return false;
  if (f.help !== undefined && typeof f.help !== "string") return false;
  if (f.related === undefined) return true;
  return Array.isArray(f.related) && f.related.every((r: Record<string, unknown> | null) =>
    typeof r === "object" && r !== null && typeof r.file === "string" && typeof r.message === "string" && isRange(r.range));
}
