/**
 * countNulls: what a NOT NULL added by a pending migration meets on the live database — the rows that
 * hold NULL in the column (SET NOT NULL fails on any) and the table's rows (a NOT NULL column added with
 * no default fails on any). The breaking-change analysis (shared/schema/breaking/) says which columns
 * to ask about (its `liveCheck`).
 *
 * Reads only, in a read-only transaction: one catalog query for which tables and columns exist, then one
 * `count(*)` query per table (every column of it at once, with `count(*) filter (where … is null)`). Each
 * count scans the table under an ACCESS SHARE lock, which blocks no reads or writes.
 */
import type postgres from "postgres";

export interface NullCountRequest {
  /** `schema.table` (unquoted parts, as the schema model keys it); an unqualified name is in `public`. */
  readonly table: string;
  readonly column: string;
}

export interface NullCount {
  readonly table: string;
  readonly column: string;
  /** The table's rows, or null when there is no such table. */
  readonly rows: number | null;
  /** Rows holding NULL in the column, or null when there is no such table or column. */
  readonly nulls: number | null;
}

/** Counts, for each request in order, the table's rows and the column's NULLs. */
export async function countNulls(sql: postgres.Sql, requests: readonly NullCountRequest[]): Promise<NullCount[]> {
  if (requests.length === 0) return [];
  const named = requests.map((r) => ({ ...r, ...splitTable(r.table) }));
  return await sql.begin("read only", async (tx) => {
    const found = await tx.unsafe(EXISTING, [named.map((r) => r.schema), named.map((r) => r.name), named.map((r) => r.column)]);
    const tables = new Map<string, { schema: string; name: string; columns: Set<string> }>();
    const exists = found.map((row) => ({ table: row.table_exists === true, column: row.column_exists === true }));
    named.forEach((r, i) => {
      if (!exists[i].table) return;
      const key = JSON.stringify([r.schema, r.name]);
      const entry = tables.get(key) ?? { schema: r.schema, name: r.name, columns: new Set<string>() };
      if (exists[i].column) entry.columns.add(r.column);
      tables.set(key, entry);
    });
    const counts = new Map<string, { rows: number; nulls: Map<string, number> }>();
    for (const [key, table] of tables) {
      const columns = [...table.columns];
      const filters = columns.map((c, i) => `, count(*) filter (where ${quoted(c)} is null)::text as n${i}`).join("");
      const [row] = await tx.unsafe(`select count(*)::text as rows${filters} from ${quoted(table.schema)}.${quoted(table.name)}`);
      counts.set(key, { rows: Number(row.rows), nulls: new Map(columns.map((c, i) => [c, Number(row[`n${i}`])])) });
    }
    return named.map((r, i) => {
      const count = counts.get(JSON.stringify([r.schema, r.name]));
      return { table: r.table, column: r.column, rows: count?.rows ?? null, nulls: exists[i].column ? count?.nulls.get(r.column) ?? null : null };
    });
  });
}

/** Per request (in order): does the table exist (an ordinary or partitioned table), and has it the column. */
const EXISTING = `
select c.oid is not null as table_exists, a.attnum is not null as column_exists
from unnest($1::text[], $2::text[], $3::text[]) with ordinality as q(schema_name, table_name, column_name, i)
left join pg_catalog.pg_namespace n on n.nspname = q.schema_name
left join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = q.table_name and c.relkind in ('r', 'p')
left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attname = q.column_name and a.attnum > 0 and not a.attisdropped
order by q.i`;

/** `schema.table` → its parts (the first dot separates them). */
function splitTable(table: string): { schema: string; name: string } {
  const dot = table.indexOf(".");
  return dot < 0 ? { schema: "public", name: table } : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}

/** An identifier, always double-quoted (no keyword list needed, any name reads back unchanged). */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
