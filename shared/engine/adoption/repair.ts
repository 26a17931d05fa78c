/**
 * `repair`: after review, accept a deployed file's new checksum (a comment-only edit) or forget a
 * tracking row. Never runs SQL from files. Every repair needs a reason and is logged (`repaired`) with
 * the actor and the old/new checksum, in the same transaction as the change, under the migration lock.
 */
import type postgres from "postgres";
import { migrationChecksum } from "../../migrations/index.ts";
import type { RepairRequest, RepairResponse } from "../../protocol/adoption.ts";
import { type AdoptionResult, inTransaction, underLock } from "./baseline.ts";
import type { ResolvedOptions } from "../options.ts";
import { logEventSql, readTrackingRows, sqlLiteral } from "../tracking/rows.ts";

type Sql = postgres.Sql;

export async function repair(sql: Sql, request: RepairRequest, options: ResolvedOptions): Promise<AdoptionResult<RepairResponse>> {
  const reason = request.reason.trim();
  if (reason.length === 0) {
    return { ok: false, rejection: { status: 400, code: "missing-reason", message: "every repair needs a reason (--reason \"…\"): it goes into the event log. Nothing was changed." } };
  }
  const actor = request.meta?.actor ?? options.defaultActor;
  const newChecksum = request.action === "accept-checksum" ? await migrationChecksum(request.sql) : null;
  return await underLock(sql, options, actor, async (conn) => {
    const row = (await readTrackingRows(conn, { schemaExists: true })).find((r) => r.name === request.name);
    if (!row) {
      return {
        ok: false,
        rejection: { status: 409, code: "not-tracked", message: `${request.name} is not in the tracking table, so there is nothing to repair; check the name (supamigrate status lists the tracked files). Nothing was changed.` },
      };
    }
    if (newChecksum !== null && newChecksum === row.checksum) {
      return {
        ok: false,
        rejection: { status: 409, code: "checksum-unchanged", message: `${request.name}'s text already has the recorded checksum (${row.checksum.slice(0, 12)}…): there is nothing to accept. Nothing was changed.` },
      };
    }
    const change = newChecksum !== null
      ? `update supamigrate.migrations set checksum = ${sqlLiteral(newChecksum)}, sql = ${sqlLiteral(request.action === "accept-checksum" ? request.sql : null)} where name = ${sqlLiteral(request.name)}`
      : `delete from supamigrate.migrations where name = ${sqlLiteral(request.name)}`;
    await inTransaction(conn, [
      change,
      logEventSql("repaired", request.name, actor, { action: request.action, reason, oldChecksum: row.checksum, newChecksum }),
    ]);
    return { ok: true, result: { action: request.action, name: request.name, oldChecksum: row.checksum, newChecksum, actor } };
  });
}
