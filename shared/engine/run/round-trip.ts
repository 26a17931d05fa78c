/**
 * The rollback round trip of a dry run (docs/engine.md, "Rollback round trip"): for a pending file with a
 * rollback, inside the dry run's one transaction that is always rolled back — the catalog before the file,
 * the file (the runner runs it, in its savepoint), then in a savepoint of its own the file's rollback and
 * the catalog again; any difference between the two catalogs is a finding at the rollback file
 * ("rollback/020_x.sql leaves public.invoices.status behind"). The savepoint is then rolled back, so the
 * file stays applied for the files after it. A rollback that fails is a finding too, at its statement.
 *
 * Findings are warnings (`rollback-incomplete`, `rollback-failed-in-dry-run`): the dry run goes on, and
 * `verify --rollbacks` turns them into exit 1. Only the catalog is compared (shared/engine/catalog/), not
 * the data; the rollback's restore of backed-up data (backups/restore.ts) is not part of it.
 */
import type postgres from "postgres";
import type { CatalogDifference, CatalogSnapshot } from "../../protocol/catalog.ts";
import type { ApplyEvent } from "../../protocol/types.ts";
import { compareCatalogs } from "../catalog/compare.ts";
import { BEFORE_AND_AFTER, roundTripMessage } from "../catalog/messages.ts";
import { type CatalogReader, readSnapshot } from "../catalog/snapshot.ts";
import type { HeldLock } from "../tracking/lock.ts";
import { endsSession, failureFromError, isPostgresError } from "./errors.ts";
import { sendStatement } from "./run-file.ts";
import { prepareFile, type RunnableFile, type RunnableStatement } from "./split.ts";

type Sql = postgres.Sql;

/** A file's round trip: `begin` before the file runs; what it answers, after the file ran, checks its rollback. */
export interface RoundTrip {
  begin(): Promise<() => Promise<ApplyEvent[]>>;
}

export interface RoundTripSettings {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

const SAVEPOINT = "supamigrate_round_trip";

/**
 * The round trip of migration `name` whose stored rollback (placeholders substituted) is `rollbackSql`;
 * null when it has none. Runs on the lock's connection, inside the dry run's transaction.
 */
export function rollbackRoundTrip(lock: HeldLock, name: string, rollbackSql: string | null, settings: RoundTripSettings): RoundTrip | null {
  if (rollbackSql === null) return null;
  const conn = lock.conn as unknown as Sql;
  const read: CatalogReader = (text, params) => conn.unsafe(text, params as postgres.ParameterOrJSON<never>[] | undefined);
  const path = `rollback/${name}`;
  return {
    async begin() {
      const before = await readSnapshot(read);
      return async () => {
        const prepared = prepareFile(rollbackSql, {});
        // apply's checks refused every other problem of a rollback; an empty one runs nothing (and leaves everything behind).
        const file: RunnableFile | null = "problem" in prepared ? null : prepared;
        if (file && !file.transactional) {
          return [{
            event: "warning",
            code: "non-transactional-skipped",
            name,
            file: path,
            message: `${path} was not tried in the dry run: its statement cannot run inside a transaction, and a dry run runs everything in one that it rolls back.`,
          }];
        }
        return await check(conn, read, name, path, file, before, settings);
      };
    },
  };
}

async function check(
  conn: Sql, read: CatalogReader, name: string, path: string, file: RunnableFile | null, before: CatalogSnapshot, settings: RoundTripSettings,
): Promise<ApplyEvent[]> {
  await conn.unsafe(`savepoint ${SAVEPOINT};
set local lock_timeout = ${Math.floor(settings.lockTimeoutMs)};
set local statement_timeout = ${Math.floor(settings.statementTimeoutMs)}`);
  let current: RunnableStatement | null = null;
  let events: ApplyEvent[];
  try {
    for (const statement of file?.statements ?? []) {
      current = statement;
      await sendStatement(conn, statement.text);
    }
    current = null;
    const after = await readSnapshot(read);
    events = compareCatalogs(before, after, BEFORE_AND_AFTER).map((difference) => incomplete(name, path, difference));
  } catch (error) {
    // A lost session or the engine's own failure is the run's to report (runner.ts); a Postgres error of the rollback is a finding.
    if (!file || endsSession(error) || !isPostgresError(error)) throw error;
    const failure = failureFromError(error, { name: path, file, statement: current, ...settings });
    const hint = failure.hint ? ` (hint: ${failure.hint})` : "";
    events = [{
      event: "warning",
      code: "rollback-failed-in-dry-run",
      name,
      file: path,
      line: failure.line,
      column: failure.column,
      message: `${path} fails in the dry run at line ${failure.line}, column ${failure.column}: ${failure.message}${hint} [${failure.code}]`,
    }];
  }
  await conn.unsafe(`rollback to savepoint ${SAVEPOINT};\nrelease savepoint ${SAVEPOINT}`);
  return events;
}

function incomplete(name: string, path: string, difference: CatalogDifference): ApplyEvent {
  return { event: "warning", code: "rollback-incomplete", name, file: path, line: 1, column: 1, message: roundTripMessage(path, name, difference), difference };
}
