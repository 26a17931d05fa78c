/** Reads and writes supamigrate.migrations and supamigrate.events. */
import type postgres from "postgres";
import { compareFileNames } from "../../migrations/index.ts";
import type { AppliedMigration } from "../../protocol/types.ts";
import { trackingSchemaExists } from "./schema.ts";

type Sql = postgres.Sql;

/** A tracking row as the engine uses it. */
export interface TrackingRow {
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
  /** applied_at in microseconds since the epoch: exact ordering within a run. */
  readonly appliedAtMicros: bigint;
  readonly appliedBy: string | null;
  readonly durationMs: number;
  readonly rollbackSql: string | null;
  readonly transactional: boolean;
  readonly gitSha: string | null;
  readonly ciRun: string | null;
}

/**
 * Tracking rows in applied order (applied_at, then contract order); [] when the schema does not exist.
 * `schemaExists`: what the caller already knows (under takeLock), saving the probe's round trip.
 */
export async function readTrackingRows(sql: Sql, known: { readonly schemaExists?: boolean } = {}): Promise<TrackingRow[]> {
  if (!(known.schemaExists ?? await trackingSchemaExists(sql))) return [];
  const rows = await sql`
    select name, checksum, applied_at, (extract(epoch from applied_at) * 1000000)::bigint::text as at_us,
      applied_by, duration_ms, rollback_sql, transactional, git_sha, ci_run
    from supamigrate.migrations`;
  return rows.map((r) => ({
    name: r.name,
    checksum: r.checksum,
    appliedAt: r.applied_at instanceof Date ? r.applied_at.toISOString() : String(r.applied_at),
    appliedAtMicros: BigInt(r.at_us),
    appliedBy: r.applied_by,
    durationMs: Number(r.duration_ms),
    rollbackSql: r.rollback_sql,
    transactional: r.transactional,
    gitSha: r.git_sha,
    ciRun: r.ci_run,
  })).sort(compareAppliedOrder);
}

export function compareAppliedOrder(a: TrackingRow, b: TrackingRow): number {
  if (a.appliedAtMicros !== b.appliedAtMicros) return a.appliedAtMicros < b.appliedAtMicros ? -1 : 1;
  return compareFileNames(a.name, b.name);
}

export function toAppliedMigration(row: TrackingRow): AppliedMigration {
  return {
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.appliedAt,
    appliedBy: row.appliedBy,
    durationMs: row.durationMs,
    hasRollback: row.rollbackSql !== null,
    transactional: row.transactional,
    gitSha: row.gitSha,
    ciRun: row.ciRun,
  };
}

/**
 * The file's duration in ms inside the transaction that records it: run-file sets it (set_config …,
 * local) just before the tracking statements, from the server's clock or the engine's measurement, so
 * the tracking row, the event and the progress event all carry the same number.
 */
export const RECORDED_DURATION_SQL = "pg_catalog.current_setting('supamigrate.duration_ms')::int";

export interface NewTrackingRow {
  readonly name: string;
  readonly checksum: string;
  readonly appliedBy: string | null;
  readonly rollbackSql: string | null;
  readonly transactional: boolean;
  readonly gitSha: string | null;
  readonly ciRun: string | null;
  readonly statements: number;
  /** The file's text as deployed (placeholders unsubstituted). */
  readonly sql: string;
}

/**
 * A value as an SQL literal, for statements sent with the simple protocol (no parameters) in the same
 * query as others. Strings become E'…' with `\` and `'` doubled: read the same whatever
 * standard_conforming_strings a migration set.
 */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** The tracking row's INSERT with its values inlined (see sqlLiteral) and the recorded duration. */
export function insertTrackingRowSql(row: NewTrackingRow): string {
  const values = [row.name, row.checksum, row.appliedBy].map(sqlLiteral);
  const rest = [row.rollbackSql, row.transactional, row.gitSha, row.ciRun, row.statements, row.sql].map(sqlLiteral);
  return "insert into supamigrate.migrations (name, checksum, applied_by, duration_ms, rollback_sql, transactional, git_sha, ci_run, statements, sql) " +
    `values (${[...values, RECORDED_DURATION_SQL, ...rest].join(", ")})`;
}

/**
 * logEvent as one statement with its values inlined (see sqlLiteral). `computed` adds detail keys whose
 * values are SQL expressions (e.g. `{ durationMs: RECORDED_DURATION_SQL }`).
 */
export function logEventSql(
  event: EventName,
  name: string | null,
  actor: string | null,
  details: unknown,
  computed: Readonly<Record<string, string>> = {},
): string {
  const extra = Object.entries(computed).map(([key, expression]) => `${sqlLiteral(key)}, ${expression}`);
  const json = `${sqlLiteral(JSON.stringify(details ?? null))}::pg_catalog.jsonb` +
    (extra.length ? ` || pg_catalog.jsonb_build_object(${extra.join(", ")})` : "");
  return "insert into supamigrate.events (event, name, actor, details) " +
    `values (${sqlLiteral(event)}, ${sqlLiteral(name)}, ${sqlLiteral(actor)}, ${json})`;
}

/** The tracking row's DELETE with its value inlined; the caller checks that it returned exactly one row. */
export function deleteTrackingRowSql(name: string): string {
  return `delete from supamigrate.migrations where name = ${sqlLiteral(name)} returning name`;
}

/** The event log's vocabulary. */
export type EventName =
  | "apply-started"
  | "applied"
  | "failed"
  | "time-budget"
  | "drift-refused"
  | "lock-refused"
  | "rollback-started"
  | "rolled-back"
  | "rollback-failed"
  | "baselined"
  | "repaired"
  | "baseline-refused"
  | "backups-pruned"
  | "history-row-accepted";

/** Appends one event (in whatever transaction `sql` has open). */
export async function logEvent(sql: Sql, event: EventName, name: string | null, actor: string | null, details: unknown): Promise<void> {
  await sql`insert into supamigrate.events (event, name, actor, details)
    values (${event}, ${name}, ${actor}, ${JSON.stringify(details ?? null)}::text::jsonb)`;
}

/** Appends an event when the schema exists, ignoring failures: for refusals, which must never fail because of it. */
export async function logEventIfTracked(sql: Sql, event: EventName, name: string | null, actor: string | null, details: unknown): Promise<void> {
  try {
    if (await trackingSchemaExists(sql)) await logEvent(sql, event, name, actor, details);
  } catch {
    // best effort: the refusal itself is what the caller needs
  }
}
