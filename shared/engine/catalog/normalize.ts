/**
 * What makes two snapshots of the same schema compare equal across server versions (the live database
 * on PostgreSQL 15/17, the shadow on PGlite's PostgreSQL 18), applied to every snapshot alike. Each rule
 * is listed in docs/schema-verify.md ("Normalization"); the query leaves out the rest (NOT NULL
 * constraints, which PostgreSQL 18 keeps in pg_constraint, and the MAINTAIN privilege of 17+).
 */
import { normalizeCatalogType } from "../adoption/catalog.ts";
import { SUPABASE_MANAGED_SCHEMAS } from "./snapshot-sql.ts";

/** format_type() output, short (`character varying(20)` → `varchar(20)`, `timestamp with time zone` → `timestamptz`). */
export function normalizeType(type: string): string {
  return normalizeCatalogType(type);
}

/** A definition printed by pg_get_*def / pg_get_expr. */
export function normalizeDefinition(definition: string): string {
  return definition.trim();
}

/** Schemas a view's text names that are never a table's alias. */
const KNOWN_SCHEMAS = new Set(["pg_catalog", "public", ...SUPABASE_MANAGED_SCHEMAS]);

/**
 * pg_get_viewdef() text, version-neutral: PostgreSQL 16+ no longer qualifies a column with its table when
 * the query reads one table (`SELECT team_id` where 15 printed `SELECT members.team_id`), so every
 * `<alias>.` before a column is dropped, on both sides alike (a schema's name is kept: `public.members`,
 * `auth.uid()`), and runs of white space are one space. Two views that differ only in which of two
 * joined tables a column comes from compare equal; their column lists (compared beside it) still differ
 * when the types do.
 */
export function normalizeViewDefinition(definition: string, schemas: ReadonlySet<string>): string {
  return definition
    .replace(/\b([A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")\.(?=[A-Za-z_"])/g, (whole, qualifier: string) =>
      KNOWN_SCHEMAS.has(qualifier) || schemas.has(qualifier) ? whole : "")
    .replace(/\s+/g, " ")
    .trim();
}
