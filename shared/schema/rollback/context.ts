/**
 * What the generator knows while it inverts one statement of a migration: the statement, the schema
 * model (what was live just before it), the history of what the model does not record, and the
 * migration's other statements.
 */
import type { ParsedStatement } from "../../sql/index.ts";
import type { ParsedMigration } from "../migrations.ts";
import type { Definition, ObjectKind, SchemaModel } from "../model.ts";
import type { History } from "./history.ts";
import { statementSummary, terminated } from "./sql-text.ts";

/** A statement with no derivable inverse: what it changed and what the author has to write. */
export interface HandWritten {
  /** Short, for the marker line and lint's message: `DROP TABLE public.old_results`. */
  readonly what: string;
  /** What to write, in a sentence. */
  readonly hint: string;
}

/** One statement's inverse: SQL to run, things to write by hand, or (both empty) why nothing needs undoing. */
export interface Inverse {
  readonly sql: readonly string[];
  readonly handWritten: readonly HandWritten[];
  /** Comment lines shown before the SQL (a caution), without `-- `. */
  readonly notes?: readonly string[];
  /** Why nothing needs undoing, when `sql` and `handWritten` are empty. */
  readonly nothing?: string;
}

export const sql = (...statements: string[]): Inverse => ({ sql: statements, handWritten: [] });
export const nothing = (why: string): Inverse => ({ sql: [], handWritten: [], nothing: why });
export const hand = (what: string, hint: string): Inverse => ({ sql: [], handWritten: [{ what, hint }] });

/** Several inverses as one, in the given order. */
export function combine(parts: readonly Inverse[]): Inverse {
  const whys = parts.filter((p) => p.nothing).map((p) => p.nothing!);
  const combined: Inverse = {
    sql: parts.flatMap((p) => p.sql),
    handWritten: parts.flatMap((p) => p.handWritten),
    notes: parts.flatMap((p) => p.notes ?? []),
  };
  return combined.sql.length || combined.handWritten.length ? combined : { ...combined, nothing: whys.join("; ") || "it changes nothing to undo" };
}

export interface InverseContext {
  readonly files: readonly ParsedMigration[];
  readonly migration: ParsedMigration;
  readonly model: SchemaModel;
  readonly statement: ParsedStatement;
  /** The statement's position on the model's time line. */
  readonly position: number;
  /** What earlier statements left that the model does not record, just before this statement. */
  readonly history: History;
}

/** The live definition of an object just before the statement. */
export function before(ctx: InverseContext, kind: ObjectKind, key: string | null): Definition | null {
  return key ? ctx.model.definitionAt(kind, key, ctx.position) : null;
}

/** True when this migration created the object (before this statement) and it is still live: the rollback drops it anyway. */
export function createdByThisMigration(ctx: InverseContext, kind: ObjectKind, key: string | null): boolean {
  return before(ctx, kind, key)?.place?.order === ctx.migration.order;
}

/** A definition's statement text, exactly as written (null for Supabase's own objects). */
export function definitionText(ctx: InverseContext, definition: Definition): string | null {
  const place = definition.place;
  if (!place) return null;
  const file = ctx.files[place.order]?.order === place.order ? ctx.files[place.order] : ctx.files.find((f) => f.order === place.order);
  return file ? terminated(file.text.slice(place.start, place.end)) : null;
}

/** `line 6 of 015_create_results_tables.sql` (or `line 6` in the migration itself). */
export function whereDefined(ctx: InverseContext, definition: Definition): string {
  const place = definition.place;
  if (!place) return "Supabase";
  const file = ctx.files.find((f) => f.order === place.order);
  const line = file ? file.parsed.index.positionAt(place.start).line : 0;
  return file && file.order !== ctx.migration.order ? `line ${line} of ${file.name}` : `line ${line}`;
}

/** True when a statement after this one in the migration creates the object. */
export function recreatedLater(ctx: InverseContext, kind: ObjectKind, key: string | null): boolean {
  if (!key) return false;
  const namespace = (k: ObjectKind) => (k === "table" || k === "view" || k === "sequence" ? "relation" : k);
  return ctx.model.definitions.some((d) =>
    d.place?.order === ctx.migration.order && d.place.statement > ctx.statement.index && namespace(d.kind) === namespace(kind) &&
    (d.key === key || (key.endsWith("(") && d.key.startsWith(key)))
  );
}

/** The statement, for messages: its text on one line, cut short. */
export function summary(ctx: InverseContext): string {
  return statementSummary(ctx.statement.text);
}
