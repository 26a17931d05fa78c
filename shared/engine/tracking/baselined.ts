/**
 * Which tracking rows were recorded without running their file (baseline, import-history: docs/adoption.md),
 * and where each came from. Read only, for status.
 */
import type postgres from "postgres";

type Sql = postgres.Sql;

/** name → source (`baseline`, `supabase-cli`) of every baselined row; empty without the tracking table or before tracking schema 2. */
export async function readBaselined(sql: Sql): Promise<Map<string, string | null>> {
  try {
    const rows = await sql`select name, source from supamigrate.migrations where baselined`;
    return new Map(rows.map((r) => [r.name as string, (r.source ?? null) as string | null]));
  } catch (error) {
    // 42P01: no tracking table yet; 42703: a schema older than adoption, without the column (status never upgrades it).
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "42P01" || code === "42703") return new Map();
    throw error;
  }
}
