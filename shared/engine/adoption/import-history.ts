/**
 * `import-history`: for teams coming from `supabase db push`, which records what it ran in
 * supabase_migrations.schema_migrations (version, name, statements). Each history row is matched to a
 * local file by number (= version) and name, and the matched files are recorded as applied without
 * running them (baselined, source `supabase-cli`). Rows that match no local file are reported, until
 * acknowledged with a reason (`acceptUnmatched`: history-acknowledgements.ts).
 */
import type postgres from "postgres";
import { migrationChecksum, parseMigrationName, sortByContractOrder } from "../../migrations/index.ts";
import type { ImportHistoryRequest, ImportHistoryResponse } from "../../protocol/adoption.ts";
import { type AdoptionResult, baselinedRowSql, inTransaction, storedRollback, underLock } from "./baseline.ts";
import type { ResolvedOptions } from "../options.ts";
import { readTrackingRows } from "../tracking/rows.ts";
import { acknowledge, acknowledgementSql, historyRowLabel, type HistoryRow, readAcknowledged, type UnmatchedRow } from "./history-acknowledgements.ts";

type Sql = postgres.Sql;

async function readHistory(sql: Sql): Promise<HistoryRow[] | null> {
  const [table] = await sql`select to_regclass('supabase_migrations.schema_migrations') is not null as exists`;
  if (!table.exists) return null;
  const [hasName] = await sql`select exists (select 1 from information_schema.columns
    where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' and column_name = 'name') as exists`;
  const rows = await sql.unsafe(`select version::text as version, ${hasName.exists ? "name::text" : "null::text"} as name
    from supabase_migrations.schema_migrations order by version`);
  return rows.map((r) => ({ version: r.version, name: r.name }));
}

export async function importHistory(sql: Sql, request: ImportHistoryRequest, options: ResolvedOptions): Promise<AdoptionResult<ImportHistoryResponse>> {
  const dryRun = request.dryRun === true;
  const actor = request.meta?.actor ?? options.defaultActor;
  const files = sortByContractOrder(request.migrations);

  const evaluate = async (db: Sql) => {
    const history = await readHistory(db);
    if (history === null) return null;
    const tracked = new Set((await readTrackingRows(db)).map((r) => r.name));
    const matched: typeof files = [];
    const alreadyTracked: string[] = [];
    const unmatched: UnmatchedRow[] = [];
    for (const row of history) {
      const sameVersion = files.filter((f) => {
        const parsed = parseMigrationName(f.name);
        return parsed !== null && (parsed.number === row.version || parsed.value.toString() === row.version.replace(/^0+(?=\d)/, ""));
      });
      const file = sameVersion.find((f) => row.name === null || parseMigrationName(f.name)!.label === row.name);
      if (!file) {
        const reason = sameVersion.length === 0
          ? `no local file numbered ${row.version}`
          : `the local file numbered ${row.version} is ${sameVersion.map((f) => f.name).join(", ")}, not ${row.version}_${row.name}.sql`;
        unmatched.push({ version: row.version, name: row.name, reason });
      } else if (tracked.has(file.name)) alreadyTracked.push(file.name);
      else matched.push(file);
    }
    const acknowledged = acknowledge(unmatched, await readAcknowledged(db), request.acceptUnmatched ?? [], actor);
    return { matched, alreadyTracked, acknowledged };
  };

  const noHistory = {
    ok: false as const,
    rejection: {
      status: 409 as const,
      code: "no-supabase-history",
      message: "this database has no supabase_migrations.schema_migrations table (the Supabase CLI's history): there is nothing to import. Use baseline for files run by hand.",
    },
  };
  const refuse = (message: string) => ({ ok: false as const, rejection: { status: 409 as const, code: "unknown-history-row", message } });
  if ((request.acceptUnmatched ?? []).some((given) => given.reason.trim().length === 0)) {
    return {
      ok: false,
      rejection: { status: 400, code: "missing-reason", message: "acknowledging an unmatched history row needs a reason (--reason \"…\"): it goes into the event log. Nothing was recorded." },
    };
  }
  if (dryRun) {
    const found = await evaluate(sql);
    if (!found) return noHistory;
    if ("refusal" in found.acknowledged) return refuse(found.acknowledged.refusal);
    const { unmatched, acknowledged } = found.acknowledged;
    return { ok: true, result: { dryRun, recorded: found.matched.map((f) => f.name), alreadyTracked: found.alreadyTracked, unmatched: unmatched.map(reported), acknowledged } };
  }
  return await underLock(sql, options, actor, async (conn) => {
    const found = await evaluate(conn);
    if (!found) return noHistory;
    if ("refusal" in found.acknowledged) return refuse(found.acknowledged.refusal);
    const { unmatched, toRecord } = found.acknowledged;
    const statements = await Promise.all(found.matched.map(async (f) =>
      baselinedRowSql(
        { name: f.name, checksum: await migrationChecksum(f.sql), rollbackSql: storedRollback(f, {}), sql: f.sql, source: "supabase-cli", details: {} },
        actor,
        request.meta?.gitSha ?? null,
        request.meta?.ciRun ?? null,
      )
    ));
    await inTransaction(conn, [...statements, ...toRecord.map(({ row, reason }) => acknowledgementSql(row, reason, actor))]);
    // As recorded (with the time of this run's acknowledgements).
    const recordedNow = await readAcknowledged(conn);
    const acknowledged = found.acknowledged.acknowledged.map((row) => recordedNow.get(historyRowLabel(row)) ?? row);
    return { ok: true, result: { dryRun, recorded: found.matched.map((f) => f.name), alreadyTracked: found.alreadyTracked, unmatched: unmatched.map(reported), acknowledged } };
  });
}

/** An unmatched row as the answer lists it. */
function reported(row: UnmatchedRow): ImportHistoryResponse["unmatched"][number] {
  return { version: row.version, name: row.name, reason: row.reason };
}
