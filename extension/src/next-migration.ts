/** The next numbered migration in a project's folder, for New Migration and Move My Change. */
import * as vscode from "vscode";
import { InvalidMigrationName, nextMigrationName } from "../../shared/migrations/new-migration.ts";
import { UserError } from "./user-error.ts";

/** What an input box for a migration's description accepts. */
export function validateDescription(value: string): string | undefined {
  return /^[A-Za-z0-9_-]+$/.test(value.trim()) ? undefined : "Use letters, digits, '_' and '-' only.";
}

/** The next file name in `dirUri` for `description` (a missing or unreadable folder counts as empty; a taken name is refused when written). */
export async function nextMigrationIn(dirUri: vscode.Uri, description: string): Promise<{ fileName: string; notes: string[] }> {
  let existing: string[] = [];
  try {
    existing = (await vscode.workspace.fs.readDirectory(dirUri)).map(([entry]) => entry);
  } catch {
    // no folder yet: the first migration creates it
  }
  try {
    return nextMigrationName(existing, description);
  } catch (error) {
    if (error instanceof InvalidMigrationName) throw new UserError(error.message);
    throw error;
  }
}
