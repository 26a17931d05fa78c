/** Helpers for the adoption tests: a database the way a team left it after running scripts/ by hand. */
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedMigrationFolder } from "../support/seed-scripts.ts";
import { substitutePlaceholders } from "../../shared/migrations/index.ts";
import type { MigrationPayload } from "../../shared/protocol/types.ts";
import { psql } from "../support/postgres.ts";

export const ADMIN_EMAIL = "admin@example.com";
export const CREATE_ADMIN_USER = `insert into auth.users (id, email, aud, role) values ('00000000-0000-4000-8000-000000000001', '${ADMIN_EMAIL}', 'authenticated', 'authenticated')`;

export function seed(): MigrationPayload[] {
  return seedMigrationFolder().migrations.map(({ name, sql, rollback }) => ({ name, sql, rollback }));
}

/** Runs every seed file with psql, in contract order, as the SQL Editor would (placeholders substituted by hand). */
export function applyByHand(url: string, files: readonly MigrationPayload[] = seed()): void {
  const created = psql(url, ["-c", CREATE_ADMIN_USER]);
  if (created.status !== 0) throw new Error(created.stderr);
  for (const file of files) {
    const result = psql(url, ["-1"], substitutePlaceholders(file.sql, { admin_email: ADMIN_EMAIL }));
    if (result.status !== 0) throw new Error(`${file.name}: ${result.stderr}`);
  }
}

/** A copy of scripts/ in a temp project folder (cwd for CLI runs). */
export function projectCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "supamigrate-adopt-"));
  cpSync("scripts", join(root, "scripts"), { recursive: true });
  return root;
}
