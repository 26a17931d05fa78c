/**
 * What the opt-in online-safety rules (types.ts `optIn: "online-safety"`) share: whether a statement
 * works on a relation that already holds production rows, or on one this same file made.
 *
 * A relation is *existing* unless the version of it live at the statement was created earlier in the
 * same file: created by an earlier migration, provided by Supabase (auth.users), or unknown to the
 * migrations (then the database must already have it). A table this file creates (or drops and creates
 * again) is empty while the file's transaction runs, so locking or rewriting it harms no one. `CREATE
 * TABLE IF NOT EXISTS` of a table an earlier migration created leaves that table in place: existing.
 */
import { positionOf } from "../schema/model.ts";
import { relationKey } from "../schema/names.ts";
import type { LintFile, LintProject } from "./types.ts";

/** `table`: an existing table (or one the migrations do not know); `view`: an existing view or materialized view; `new`: made by this file. */
export type RelationAge = "table" | "view" | "new";

/** What the relation (a RangeVar) is just before statement `statementIndex` of `file`; see the module comment. */
export function relationBefore(project: LintProject, file: LintFile, statementIndex: number, relation: unknown): RelationAge {
  const key = relationKey(relation);
  if (!key) return "new";
  const live = project.schema.definitionAt("table", key, positionOf(file.order, statementIndex));
  if (live?.place && live.place.path === file.path) return "new";
  return live?.kind === "view" ? "view" : "table";
}

/** True when the relation is an existing table (not a view, not made by this file). */
export function isExistingTable(project: LintProject, file: LintFile, statementIndex: number, relation: unknown): boolean {
  return relationBefore(project, file, statementIndex, relation) === "table";
}
