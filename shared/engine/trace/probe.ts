/**
 * What a dry run's statement did to the tables around it, read from the catalog in the file's own
 * transaction right after the statement: the relation locks the transaction holds (a lock taken is held
 * until the file commits), each table's relfilenode (a new one means the statement rewrote the table)
 * and its row estimate. Read with built-ins only, qualified, so a migration cannot change the answers.
 */
import type postgres from "postgres";
import { isLockMode, type LockMode } from "../../sql/lock-modes.ts";

export interface RelationState {
  /** `public.profiles`, quoted as needed. */
  readonly relation: string;
  readonly kind: "table" | "index" | "view" | "other";
  readonly filenode: string;
  /** pg_class.reltuples: an estimate; -1 when the table was never analyzed. */
  readonly rows: number;
}

export interface HeldLock {
  readonly relation: string;
  readonly kind: RelationState["kind"];
  readonly mode: LockMode;
}

/** Schemas whose objects are the engine's or PostgreSQL's, never the migration's subject. */
const OWN_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast', 'supamigrate', 'supamigrate_backup')";

const KIND = "case c.relkind when 'r' then 'table' when 'p' then 'table' when 'i' then 'index' when 'I' then 'index' when 'v' then 'view' when 'm' then 'view' else 'other' end";

/** Every user table's filenode and row estimate (before a file runs). */
export async function relationStates(sql: postgres.Sql): Promise<Map<string, RelationState>> {
  const rows = await sql.unsafe(`
    select pg_catalog.format('%I.%I', n.nspname, c.relname) as relation, ${KIND} as kind,
      pg_catalog.pg_relation_filenode(c.oid)::text as filenode, c.reltuples::float8 as rows
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'm') and n.nspname not in ${OWN_SCHEMAS} and n.nspname not like 'pg\\_temp%'`);
  return new Map(rows.map((r) => [r.relation as string, { relation: r.relation, kind: r.kind, filenode: r.filenode ?? "", rows: Number(r.rows) }]));
}

/** The relation locks this session's transaction holds now, with the tables' current filenode and rows. */
export async function heldLocks(sql: postgres.Sql): Promise<{ locks: HeldLock[]; states: Map<string, RelationState> }> {
  const rows = await sql.unsafe(`
    select pg_catalog.format('%I.%I', n.nspname, c.relname) as relation, ${KIND} as kind, l.mode,
      pg_catalog.pg_relation_filenode(c.oid)::text as filenode, c.reltuples::float8 as rows
    from pg_catalog.pg_locks l
    join pg_catalog.pg_class c on c.oid = l.relation
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where l.pid = pg_catalog.pg_backend_pid() and l.locktype = 'relation' and l.granted
      and n.nspname not in ${OWN_SCHEMAS} and n.nspname not like 'pg\\_temp%'`);
  const locks: HeldLock[] = [];
  const states = new Map<string, RelationState>();
  for (const r of rows) {
    if (isLockMode(r.mode)) locks.push({ relation: r.relation, kind: r.kind, mode: r.mode });
    if (r.kind === "table" || r.kind === "view") states.set(r.relation, { relation: r.relation, kind: r.kind, filenode: r.filenode ?? "", rows: Number(r.rows) });
  }
  return { locks, states };
}
