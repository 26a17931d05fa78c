/**
 * import-history's acknowledged rows: a row of the Supabase CLI's history that matches no local file
 * (renamed, or dropped on purpose) is reported as unmatched, and import-history exits 1, until someone
 * acknowledges it with a reason. The acknowledgement is an event in the append-only log
 * (`history-row-accepted`: the row, the reason, the actor), so it is audited like a repair and later
 * runs find it there.
 */
import type postgres from "postgres";
import type { AcknowledgedHistoryRow, HistoryRowAcceptance } from "../../protocol/adoption.ts";
import { logEventSql } from "../tracking/rows.ts";

type Sql = postgres.Sql;

/** A row of supabase_migrations.schema_migrations. */
export interface HistoryRow {
  readonly version: string;
  readonly name: string | null;
}

/** An unmatched row: the history row and why no local file matches it. */
export interface UnmatchedRow extends HistoryRow {
  readonly reason: string;
}

export const ACCEPTED_EVENT = "history-row-accepted";

/** `20240102090000_add_created_at` (or the bare version when the history has no names), as import-history lists it. */
export function historyRowLabel(row: HistoryRow): string {
  return row.name ? `${row.version}_${row.name}` : row.version;
}

/** Whether `given` (a version, `<version>_<name>`, or that with `.sql`) names this row. */
function names(given: string, row: HistoryRow): boolean {
  const text = given.trim().replace(/\.sql$/i, "");
  return text === row.version || text === historyRowLabel(row);
}

/** The rows acknowledged by earlier runs, by label; empty when the tracking schema does not exist yet. */
export async function readAcknowledged(sql: Sql): Promise<Map<string, AcknowledgedHistoryRow>> {
  const [exists] = await sql`select to_regclass('supamigrate.events') is not null as exists`;
  if (!exists.exists) return new Map();
  const rows = await sql`select name, actor, at, details from supamigrate.events where event = ${ACCEPTED_EVENT} order by id`;
  const found = new Map<string, AcknowledgedHistoryRow>();
  for (const row of rows) {
    const details = (row.details ?? {}) as { version?: unknown; name?: unknown; reason?: unknown };
    if (typeof row.name !== "string" || found.has(row.name)) continue;
    found.set(row.name, {
      version: typeof details.version === "string" ? details.version : row.name,
      name: typeof details.name === "string" ? details.name : null,
      reason: typeof details.reason === "string" ? details.reason : "",
      actor: row.actor ?? null,
      at: row.at instanceof Date ? row.at.toISOString() : row.at === null ? null : String(row.at),
    });
  }
  return found;
}

export interface Acknowledgement {
  /** Rows still unmatched: neither acknowledged before nor now. */
  readonly unmatched: UnmatchedRow[];
  /** Every acknowledged unmatched row: earlier ones as recorded, this request's as they will be (`at` null until written). */
  readonly acknowledged: AcknowledgedHistoryRow[];
  /** This request's new acknowledgements, to log. */
  readonly toRecord: ReadonlyArray<{ readonly row: UnmatchedRow; readonly reason: string }>;
}

/**
 * Splits the unmatched rows by what was acknowledged earlier and what this request acknowledges; an
 * acceptance that names no unmatched row is the error message to refuse with (nothing recorded).
 */
export function acknowledge(
  unmatched: readonly UnmatchedRow[],
  earlier: ReadonlyMap<string, AcknowledgedHistoryRow>,
  accept: readonly HistoryRowAcceptance[],
  actor: string | null,
): Acknowledgement | { readonly refusal: string } {
  const acknowledged: AcknowledgedHistoryRow[] = [];
  const toRecord: Array<{ row: UnmatchedRow; reason: string }> = [];
  for (const given of accept) {
    if (!unmatched.some((row) => names(given.row, row))) {
      const listed = unmatched.map(historyRowLabel);
      return {
        refusal: `${JSON.stringify(given.row)} (--accept-unmatched) names no unmatched row of the Supabase CLI's history: ` +
          (listed.length > 0 ? `the unmatched rows are ${listed.join(", ")}` : "every row matches a local file") +
          " (give the version or <version>_<name>, as import-history lists it). Nothing was recorded.",
      };
    }
  }
  const still: UnmatchedRow[] = [];
  for (const row of unmatched) {
    const label = historyRowLabel(row);
    const before = earlier.get(label);
    const now = accept.find((given) => names(given.row, row));
    if (before) acknowledged.push(before);
    else if (now) {
      const reason = now.reason.trim();
      toRecord.push({ row, reason });
      acknowledged.push({ version: row.version, name: row.name, reason, actor, at: null });
    } else still.push(row);
  }
  return { unmatched: still, acknowledged, toRecord };
}

/** The event that records one acknowledgement (in the caller's transaction). */
export function acknowledgementSql(row: UnmatchedRow, reason: string, actor: string | null): string {
  return logEventSql(ACCEPTED_EVENT, historyRowLabel(row), actor, { version: row.version, name: row.name, reason, unmatched: row.reason });
}
