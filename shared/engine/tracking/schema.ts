/**
 * The tracking schema `supamigrate`: applied files, an append-only event log, the lock holder and the
 * schema's own version. Created and upgraded idempotently, in one transaction under a transaction-level
 * advisory lock, so two callers racing on a fresh database do not trip over each other.
 */
import type postgres from "postgres";
import { EVENT_CHAIN_UPGRADE } from "./event-chain.ts";
import { BACKUPS_UPGRADE } from "../backups/schema.ts";

type Sql = postgres.Sql;

/** The version this code writes; each entry of UPGRADES brings the schema from version i to i + 1. */
export const TRACKING_SCHEMA_VERSION = 5;

/** Key of the transaction-level lock that serializes creating/upgrading the schema. */
const SCHEMA_LOCK_KEY = "8319103957839151477";

const UPGRADES: readonly string[] = [
  // 0 → 1
  `
  create schema if not exists supamigrate;
  comment on schema supamigrate is 'supamigrate: applied migrations and their event log. Never expose it through the API.';

  create table if not exists supamigrate.schema_version (
    singleton boolean primary key default true check (singleton),
    version integer not null,
    upgraded_at timestamptz not null default now()
  );

  create table if not exists supamigrate.migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now(),
    applied_by text,
    duration_ms integer not null,
    rollback_sql text,
    transactional boolean not null default true,
    git_sha text,
    ci_run text,
    statements integer
  );
  comment on table supamigrate.migrations is 'One row per applied migration file, written in the same transaction as the file.';

  create table if not exists supamigrate.events (
    id bigserial primary key,
    at timestamptz not null default now(),
    event text not null,
    name text,
    actor text,
    details jsonb
  );
  comment on table supamigrate.events is 'Append-only log of applies, failures, rollbacks and refusals.';
  create index if not exists events_name_idx on supamigrate.events (name, id);

  create or replace function supamigrate.refuse_event_change() returns trigger
  language plpgsql
  set search_path = ''
  as $fn$
  begin
    raise exception 'supamigrate.events is append-only: % is not allowed', tg_op
      using errcode = '42501', hint = 'The event log is an audit trail; add events, never change or remove them.';
  end;
  $fn$;

  create or replace trigger events_append_only
    before update or delete on supamigrate.events
    for each row execute function supamigrate.refuse_event_change();

  create or replace trigger events_no_truncate
    before truncate on supamigrate.events
    for each statement execute function supamigrate.refuse_event_change();

  create unlogged table if not exists supamigrate.lock_holder (
    singleton boolean primary key default true check (singleton),
    pid integer not null,
    actor text,
    since timestamptz not null default now()
  );
  `,
  // 1 → 2: adoption (docs/adoption.md). `baselined`: recorded as applied without running (baseline,
  // import-history); `source`: where the row came from (null = applied by supamigrate, 'baseline', 'supabase-cli').
  `
  alter table supamigrate.migrations add column if not exists baselined boolean not null default false;
  alter table supamigrate.migrations add column if not exists source text;
  `,
  // 2 → 3: the event log as a hash chain (event-chain.ts).
  EVENT_CHAIN_UPGRADE,
  // 3 → 4: the deployed text of each file (as sent, placeholders unsubstituted), so an edited file can be
  // compared with and restored to what ran (the `deployed` route). Null for rows recorded before it.
  `
  alter table supamigrate.migrations add column if not exists sql text;
  comment on column supamigrate.migrations.sql is 'The file''s text as deployed (placeholders unsubstituted); null for rows recorded before tracking schema 4.';
  `,
  // 4 → 5: backups before destructive statements (backups/schema.ts).
  BACKUPS_UPGRADE,
];

/** Keeps the API roles out after every upgrade (tables added later are covered too). */
const REVOKE_API_ROLES = `
  revoke all on schema supamigrate from public;
  revoke all on all tables in schema supamigrate from public;
  revoke all on all sequences in schema supamigrate from public;
  revoke all on all functions in schema supamigrate from public;
  revoke update, delete, truncate on supamigrate.events from public;
  revoke all on schema supamigrate_backup from public;
  revoke all on all tables in schema supamigrate_backup from public;
  do $do$
  declare
    api_role text;
  begin
    foreach api_role in array array['anon', 'authenticated'] loop
      if exists (select 1 from pg_roles where rolname = api_role) then
        execute format('revoke all on schema supamigrate from %I', api_role);
        execute format('revoke all on all tables in schema supamigrate from %I', api_role);
        execute format('revoke all on all sequences in schema supamigrate from %I', api_role);
        execute format('revoke all on all functions in schema supamigrate from %I', api_role);
        execute format('revoke all on schema supamigrate_backup from %I', api_role);
        execute format('revoke all on all tables in schema supamigrate_backup from %I', api_role);
      end if;
    end loop;
  end;
  $do$;
`;

/** True when the tracking schema exists (reads only; status and plan never create it). */
export async function trackingSchemaExists(sql: Sql): Promise<boolean> {
  const [row] = await sql`select to_regclass('supamigrate.migrations') is not null as exists`;
  return row.exists === true;
}

/** The installed schema version, 0 when there is none. Run inside the caller's transaction. */
async function installedVersion(sql: Sql): Promise<number> {
  const [row] = await sql`select to_regclass('supamigrate.schema_version') is not null as exists`;
  if (!row.exists) return 0;
  const [version] = await sql`select version from supamigrate.schema_version`;
  return version ? Number(version.version) : 0;
}

/**
 * Brings the schema to TRACKING_SCHEMA_VERSION inside the transaction the caller has open (used by dry
 * runs, whose outer transaction is rolled back). Refuses a schema newer than this code knows.
 */
export async function upgradeTrackingSchemaInTransaction(sql: Sql): Promise<void> {
  await sql.unsafe(`select pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`);
  const version = await installedVersion(sql);
  if (version === TRACKING_SCHEMA_VERSION) return;
  if (version > TRACKING_SCHEMA_VERSION) {
    throw new Error(
      `the supamigrate tracking schema is version ${version}, newer than this supamigrate understands ` +
        `(${TRACKING_SCHEMA_VERSION}); upgrade supamigrate (CLI and function) before applying.`,
    );
  }
  for (let step = version; step < TRACKING_SCHEMA_VERSION; step++) await sql.unsafe(UPGRADES[step]);
  await sql.unsafe(REVOKE_API_ROLES);
  await sql`insert into supamigrate.schema_version (version) values (${TRACKING_SCHEMA_VERSION})
    on conflict (singleton) do update set version = excluded.version, upgraded_at = now()`;
}

/** Creates or upgrades the schema in a transaction of its own (`conn` must be a reserved connection). */
export async function ensureTrackingSchema(conn: Sql): Promise<void> {
  await conn.unsafe("begin");
  try {
    await upgradeTrackingSchemaInTransaction(conn);
    await conn.unsafe("commit");
  } catch (error) {
    await conn.unsafe("rollback").catch(() => {});
    throw error;
  }
}
