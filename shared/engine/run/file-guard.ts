/**
 * What a migration must not be able to do to the run it is part of, checked in the file's own
 * transaction right before its tracking row is written — so a file that did any of it is rolled back
 * and never recorded:
 * - end its transaction (the tracking row would then be written outside it, beside statements that
 *   committed on their own): the opening sets a transaction-local marker with a value only the engine
 *   knows, and a transaction that ended takes its local settings with it;
 * - release the migration lock (`pg_advisory_unlock_all()`), which would let a second apply run beside
 *   this one: pg_locks must still show this session holding it;
 * - leave the tracking write to another role (`SET ROLE`, `SET SESSION AUTHORIZATION`) or another
 *   search_path: both are put back first, and stay put back when the file commits, so the next file and
 *   the next request on this pooled connection run as the function's own role.
 * The search_path is pinned to pg_catalog first, before anything else runs: a file may create functions
 * and operators in any schema it can write.
 */
import { MIGRATION_LOCK_CLASSID, MIGRATION_LOCK_OBJID } from "../tracking/lock.ts";
import { sqlLiteral } from "../tracking/rows.ts";

/** SQLSTATEs of the guard's refusals (class SM: supamigrate). */
export const TRANSACTION_ENDED = "SM001";
export const LOCK_RELEASED = "SM002";

/** A value for the file's marker: unguessable, so no file can set the marker back after ending its transaction. */
export function newFileMarker(): string {
  return crypto.randomUUID();
}

/**
 * Goes in the file's opening, after BEGIN (or SAVEPOINT): the marker, and standard_conforming_strings on
 * whatever the role's default, since statements were split by a parser that reads strings that way.
 */
export function openingGuard(marker: string): string {
  return `set local standard_conforming_strings = on;
select pg_catalog.set_config('supamigrate.file', ${sqlLiteral(marker)}, true) as file_marker`;
}

/** A query of its own, sent right before the tracking write; `marker`: null for a file that ran outside a transaction (its own record has none). */
export function recordGuard(marker: string | null): string {
  const ended = marker === null ? "" : `
  if pg_catalog.current_setting('supamigrate.file', true) is distinct from ${sqlLiteral(marker)} then
    raise exception 'the migration ended the transaction it runs in, so it was not recorded'
      using errcode = '${TRANSACTION_ENDED}',
        hint = 'Remove COMMIT/ROLLBACK and whatever ends a transaction from the file: every file already runs in its own transaction.';
  end if;`;
  return `set local search_path = pg_catalog, pg_temp;
reset session authorization;
reset role;
do $supamigrate_guard$
begin${ended}
  if not exists (
    select from pg_catalog.pg_locks
    where locktype = 'advisory' and classid = ${MIGRATION_LOCK_CLASSID} and objid = ${MIGRATION_LOCK_OBJID} and objsubid = 1
      and granted and pid = pg_catalog.pg_backend_pid()
  ) then
    raise exception 'the migration released the migration lock (pg_advisory_unlock_all or pg_advisory_unlock), so it was rolled back and not recorded'
      using errcode = '${LOCK_RELEASED}',
        hint = 'Remove the advisory-unlock call from the file: the lock keeps two applies from running at once.';
  end if;
end
$supamigrate_guard$`;
}
