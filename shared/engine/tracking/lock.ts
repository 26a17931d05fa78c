/**
 * The migration lock: a session advisory lock on a reserved connection, held for a whole apply or
 * rollback and released in `finally` — or by Postgres itself when the session ends, so a crashed
 * caller never leaves it stuck. Who holds it (actor, since) is written to the unlogged table
 * supamigrate.lock_holder once the lock is taken, and read back joined to pg_locks, so a stale row
 * from a dead session is never reported. `since` is when the lock was granted (the server's clock at
 * pg_try_advisory_lock), not when the holder's connection opened: a pooled connection may be hours old.
 */
import type postgres from "postgres";

type Sql = postgres.Sql;
type Reserved = postgres.ReservedSql;

/** The fixed 64-bit key ("sumigrat" in ASCII). pg_locks shows it as classid (high half) and objid (low half). */
export const MIGRATION_LOCK_KEY = 0x73756d6967726174n;
const KEY = MIGRATION_LOCK_KEY.toString();
export const MIGRATION_LOCK_CLASSID = Number(MIGRATION_LOCK_KEY >> 32n);
export const MIGRATION_LOCK_OBJID = Number(MIGRATION_LOCK_KEY & 0xffffffffn);
const POLL_MS = 200;

export interface LockHolder {
  readonly holder: string;
  readonly since: string;
}

/** A held lock and the connection it lives on; every query of the run goes through `conn`. */
export interface HeldLock {
  readonly conn: Reserved;
  /** The backend pid of the session that holds the lock: a reconnected session has another one. */
  readonly pid: number;
  /** Writes who holds the lock to supamigrate.lock_holder (the tracking schema must exist). */
  recordHolder(actor: string | null): Promise<void>;
  /**
   * Marks the session as gone (a FATAL error or a closed socket was seen on it): nothing is sent on it
   * again — postgres.js 3.4 crashes on a query to a reserved connection whose socket closed — and it is
   * not handed back to the pool, which reconnects it on its own. Postgres released the lock with the session.
   */
  markDead(): void;
  readonly dead: boolean;
  /** Releases the lock and returns the connection to the pool. Idempotent; never throws. */
  release(): Promise<void>;
}

export type LockResult = { readonly ok: true; readonly lock: HeldLock } | { readonly ok: false; readonly holder: LockHolder };

/** Tries to take the lock on a reserved connection, retrying for up to `waitMs`. */
export async function acquireLock(sql: Sql, waitMs: number): Promise<LockResult> {
  const conn = await sql.reserve();
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const [row] = await conn.unsafe(`select pg_catalog.pg_try_advisory_lock(${KEY}) as locked, pg_catalog.pg_backend_pid() as pid, pg_catalog.clock_timestamp() as at`);
      if (row.locked === true) return { ok: true, lock: heldLock(conn, Number(row.pid), row.at as Date) };
      if (Date.now() >= deadline) {
        const holder = (await lockHolder(conn)) ?? { holder: "another session", since: "a moment ago" };
        conn.release();
        return { ok: false, holder };
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
    }
  } catch (error) {
    conn.release();
    throw error;
  }
}

/** `takenAt`: the server's time when the lock was granted, recorded as the holder's `since`. */
function heldLock(conn: Reserved, pid: number, takenAt: Date): HeldLock {
  let released = false;
  let recorded = false;
  let dead = false;
  return {
    conn,
    pid,
    markDead() {
      dead = true;
    },
    get dead() {
      return dead;
    },
    async recordHolder(actor) {
      await conn`insert into supamigrate.lock_holder (pid, actor, since) values (pg_catalog.pg_backend_pid(), ${actor}, ${takenAt})
        on conflict (singleton) do update set pid = excluded.pid, actor = excluded.actor, since = excluded.since`;
      recorded = true;
    },
    async release() {
      if (released) return;
      released = true;
      if (dead) return;
      try {
        if (recorded) await conn.unsafe("delete from supamigrate.lock_holder where pid = pg_catalog.pg_backend_pid()").catch(() => {});
        await conn.unsafe(`select pg_catalog.pg_advisory_unlock(${KEY})`);
      } catch {
        // The connection is gone: its session ended, and the lock with it.
      } finally {
        conn.release();
      }
    },
  };
}

/**
 * Throws LockLostError unless `sql` is still the session that holds the lock. postgres.js reconnects a
 * dropped connection silently on the next query, and that new session would not hold the lock; run
 * inside a file's transaction, the check covers every statement of it.
 */
export async function assertLockSession(sql: Sql, pid: number): Promise<void> {
  const [row] = await sql.unsafe("select pg_catalog.pg_backend_pid() as pid");
  if (Number(row.pid) !== pid) throw new LockLostError();
}

export class LockLostError extends Error {
  constructor() {
    super("the connection that holds the migration lock was reset");
    this.name = "LockLostError";
  }
}

/** Who holds the lock now (null when nobody does). Reads only. */
export async function lockHolder(sql: Sql): Promise<LockHolder | null> {
  const [table] = await sql`select to_regclass('supamigrate.lock_holder') is not null as exists`;
  const holderJoin = table.exists
    ? "left join supamigrate.lock_holder h on h.pid = l.pid"
    : "left join (select null::integer as pid, null::text as actor, null::timestamptz as since) h on false";
  const rows = await sql.unsafe(`
    select l.pid, h.actor, h.since, a.application_name, coalesce(a.xact_start, a.query_start) as active_since, h.pid is not null as recorded
    from pg_locks l
    ${holderJoin}
    left join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.classid = ${MIGRATION_LOCK_CLASSID} and l.objid = ${MIGRATION_LOCK_OBJID} and l.objsubid = 1 and l.granted
      and l.database = (select oid from pg_database where datname = current_database())`);
  const row = rows[0];
  if (!row) return null;
  if (row.recorded) {
    return { holder: row.actor ?? "an unnamed caller", since: isoString(row.since) };
  }
  // Taken but not (yet) recorded: a dry run on a fresh database, or the instant between lock and record.
  // Nothing says when the lock was granted, so the nearest the server shows: the start of the holder's
  // current transaction, else of its latest statement — never backend_start, the connection's opening,
  // which for a pooled connection can be long before the lock.
  const app = row.application_name ? `, ${row.application_name}` : "";
  return { holder: `session ${row.pid}${app}`, since: row.active_since ? isoString(row.active_since) : "an unknown time" };
}

function isoString(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
