// The layering (docs/architecture.md), checked on every import of library code, static or dynamic,
// type-only included: a lower layer never imports a higher one, so the function's bundle never pulls
// in the linter, and the extension's never pulls in the engine and its driver.
//
//   sql ← migrations ← schema ← lint ← project (configuration, the folder read strictly)
//                 ↖ protocol ← engine (also on schema) ← client
//   plan (the deployment report) on client, lint and schema
//   the function: engine, protocol, sql, migrations;  cli: everything;  extension: everything but engine
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** What each part may import, besides itself. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  "shared/sql": [],
  "shared/migrations": ["shared/sql"],
  "shared/schema": ["shared/sql", "shared/migrations"],
  "shared/lint": ["shared/sql", "shared/migrations", "shared/schema"],
  "shared/protocol": ["shared/sql", "shared/migrations"],
  "shared/engine": ["shared/sql", "shared/migrations", "shared/schema", "shared/protocol"],
  "shared/client": ["shared/sql", "shared/migrations", "shared/protocol", "shared/engine"],
  "shared/project": ["shared/sql", "shared/migrations", "shared/schema", "shared/lint"],
  "shared/plan": ["shared/sql", "shared/migrations", "shared/schema", "shared/lint", "shared/protocol", "shared/client"],
  "supabase/functions": ["shared/sql", "shared/migrations", "shared/protocol", "shared/engine"],
  "extension/src": ["shared/sql", "shared/migrations", "shared/schema", "shared/lint", "shared/protocol", "shared/client", "shared/project", "shared/plan"],
  "cli": ["shared/sql", "shared/migrations", "shared/schema", "shared/lint", "shared/protocol", "shared/engine", "shared/client", "shared/project", "shared/plan"],
};
const PARTS = Object.keys(ALLOWED);
const IMPORT = /(?:from\s*|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

function partOf(path: string): string | null {
  return PARTS.find((part) => path === part || path.startsWith(`${part}/`)) ?? null;
}

function libraryFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry === "dist" || entry === "out") return [];
    if (statSync(path).isDirectory()) return libraryFiles(path);
    return /\.m?ts$/.test(entry) && !/\.test\.m?ts$/.test(entry) ? [path] : [];
  });
}

/** `file: import → target part` for every import of `text` (a file of `part`) that the layering forbids. */
export function offences(file: string, text: string): string[] {
  const part = partOf(file);
  if (!part) return [];
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const target = partOf(relative(".", normalize(join(dirname(file), match[1]))));
    if (target && target !== part && !ALLOWED[part].includes(target)) found.push(`${file}: imports ${match[1]} (${part} may not use ${target})`);
  }
  return found;
}

test("library code imports only what its layer may use", () => {
  const found = ["shared", "supabase/functions", "extension/src", "cli"].flatMap(libraryFiles)
    .flatMap((file) => offences(file, readFileSync(file, "utf8")));
  assert.deepEqual(found, []);
});

test("the check catches a deliberate bad import, static, dynamic or type-only (so the test above can fail)", () => {
  assert.deepEqual(offences("shared/engine/x.ts", 'import { rules } from "../lint/registry.ts";'), [
    "shared/engine/x.ts: imports ../lint/registry.ts (shared/engine may not use shared/lint)",
  ]);
  assert.equal(offences("shared/schema/x.ts", 'const m = await import("../engine/index.ts");').length, 1);
  assert.equal(offences("extension/src/x.ts", 'import type { MigrationEngine } from "../../shared/engine/types.ts";').length, 1);
  assert.equal(offences("supabase/functions/supamigrate/x.ts", 'import { lintProject } from "../../../shared/lint/engine.ts";').length, 1);
  assert.deepEqual(offences("shared/lint/x.ts", 'import { spanRange } from "../sql/index.ts";'), []);
});
