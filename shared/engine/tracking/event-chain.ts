/**
 * The event log as a hash chain, so that changing, deleting or inserting an event after the fact is
 * seen by `verify`. The append-only trigger keeps honest mistakes out; a migration runs as the table's
 * owner and can disable a trigger, so the chain is what makes tampering visible:
 * - each event gets `seq` (1, 2, …, gap-free), `prev_hash` (the previous event's hash) and `hash`
 *   (SHA-256 of its own fields and prev_hash), by a BEFORE INSERT trigger under a transaction-level
 *   advisory lock, so two writers never fork the chain;
 * - `verify` recomputes every hash with built-in functions only (a migration can replace the
 *   trigger's functions, not pg_catalog's) and reports the first event that does not fit.
 * What it cannot stop: an owner who rewrites the whole chain consistently. Against that, keep the head
 * hash somewhere a migration cannot reach: it is in `status` (eventLog.head) and in CI logs.
 */
import type postgres from "postgres";
import type { EventLogCheck } from "../../protocol/types.ts";

type Sql = postgres.Sql;

/** Key of the transaction-level lock that orders chained inserts. */
export const EVENT_CHAIN_LOCK_KEY = "8319103957839151478";

/** The hash of an event row `r` (with r.seq, r.prev_hash, r.at, r.event, r.name, r.actor, r.details), built-ins only. */
export function eventHashSql(r: string): string {
  const fields = [
    `${r}.seq::pg_catalog.text`,
    `pg_catalog.quote_nullable(${r}.prev_hash)`,
    `((extract(epoch from ${r}.at) * 1000000)::pg_catalog.int8)::pg_catalog.text`,
    `pg_catalog.quote_nullable(${r}.event)`,
    `pg_catalog.quote_nullable(${r}.name)`,
    `pg_catalog.quote_nullable(${r}.actor)`,
    `pg_catalog.quote_nullable(${r}.details::pg_catalog.text)`,
  ];
  return `pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.concat_ws(pg_catalog.chr(31), ${fields.join(", ")}), 'UTF8')), 'hex')`;
}

/**
 * The tracking schema's upgrade to the chain (version 2 → 3). Events written before it have no seq:
 * the chain starts at the first event after the upgrade. A dry run's events (rolled back with it) are
 * not chained, so a dry run never holds the chain's lock while it runs; an event left unchained in a
 * committed transaction is reported by verify.
 */
export const EVENT_CHAIN_UPGRADE = `
  alter table supamigrate.events add column if not exists seq bigint;
  alter table supamigrate.events add column if not exists prev_hash text;
  alter table supamigrate.events add column if not exists hash text;
  create unique index if not exists events_seq_idx on supamigrate.events (seq);

  create or replace function supamigrate.chain_event() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  declare
    previous record;
  begin
    if pg_catalog.current_setting('supamigrate.dry_run', true) = 'on' then
      return new;
    end if;
    perform pg_catalog.pg_advisory_xact_lock(${EVENT_CHAIN_LOCK_KEY});
    select e.seq, e.hash into previous from supamigrate.events e where e.seq is not null order by e.seq desc limit 1;
    new.seq := coalesce(previous.seq, 0) + 1;
    new.prev_hash := previous.hash;
    new.hash := ${eventHashSql("new")};
    return new;
  end;
  $fn$;

  create or replace trigger events_chain
    before insert on supamigrate.events
    for each row execute function supamigrate.chain_event();
`;

/** Checks the chain: every event after the first chained one is chained, in order, with the hash it should have. */
export async function checkEventChain(sql: Sql): Promise<EventLogCheck> {
  const [exists] = await sql`select pg_catalog.to_regclass('supamigrate.events') is not null as events,
    exists (select from pg_catalog.pg_attribute where attrelid = pg_catalog.to_regclass('supamigrate.events') and attname = 'hash') as chained`;
  if (!exists.events || !exists.chained) return { events: 0, chained: 0, head: null, broken: null };
  const rows = await sql.unsafe(`
    select e.id::text as id, e.seq::text as seq, e.prev_hash, e.hash, ${eventHashSql("e")} as expected
    from supamigrate.events e
    order by e.seq nulls first, e.id`);
  let chained = 0;
  let previous: { seq: bigint; hash: string } | null = null;
  let broken: EventLogCheck["broken"] = null;
  const firstChainedId = rows.find((r) => r.seq !== null)?.id ?? null;
  for (const row of rows) {
    if (row.seq === null) {
      // Before the chain began (written by an older version), or slipped past the trigger.
      if (firstChainedId !== null && BigInt(row.id) > BigInt(firstChainedId)) broken ??= { id: Number(row.id), reason: "is not in the chain: it was inserted with the chain's trigger disabled" };
      continue;
    }
    chained++;
    const seq = BigInt(row.seq);
    if (previous === null ? seq !== 1n : seq !== previous.seq + 1n) {
      broken ??= { id: Number(row.id), reason: `follows a gap in the chain (seq ${previous?.seq ?? 0n} → ${seq}): events were deleted` };
    } else if ((row.prev_hash ?? null) !== (previous?.hash ?? null)) {
      broken ??= { id: Number(row.id), reason: "does not link to the event before it: an event before it was changed or replaced" };
    } else if (row.hash !== row.expected) {
      broken ??= { id: Number(row.id), reason: "does not match its hash: it was changed after it was written" };
    }
    previous = { seq, hash: row.hash };
  }
  return { events: rows.length, chained, head: previous?.hash ?? null, broken };
}
