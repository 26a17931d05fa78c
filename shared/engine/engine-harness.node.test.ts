/**
 * Helpers for the engine's database tests (a module, not tests: named *.node.test.ts so that only Node
 * loads it and the runtime-neutrality check leaves its node: imports alone).
 */
import postgres from "postgres";
import { seedMigrationFolder } from "../../test/support/seed-scripts.ts";
import type { ApplyEvent, ApplyRequest, DoneEvent, MigrationPayload } from "../protocol/types.ts";
import { createEngine } from "./index.ts";
import type { EngineOptions, MigrationEngine, Prepared } from "./types.ts";
import { migrationPayloads } from "../protocol/payloads.ts";

export const ADMIN_EMAIL = "ops+admin@studley.ai";
export const ADMIN_ID = "6f1e1a52-7c1e-4d55-9a38-2a8a3b0c0d11";

/** The seed's migration set from scripts/, as an apply request's migrations. */
export function seedMigrations(): MigrationPayload[] {
  return migrationPayloads(seedMigrationFolder().migrations);
}

/** A migration as an apply request carries it, with its rollback file's text when it has one. */
export function migrationFile(name: string, sql: string, rollback: string | null = null): MigrationPayload {
  return { name, sql, rollback };
}

export function connect(url: string, max = 3): postgres.Sql {
  return postgres(url, { max, onnotice: () => {} });
}

export interface Session {
  readonly sql: postgres.Sql;
  readonly engine: MigrationEngine;
  close(): Promise<void>;
}

export function session(url: string, options: EngineOptions = {}): Session {
  const sql = connect(url);
  const engine = createEngine(sql, { endConnectionOnClose: false, ...options });
  // A timeout: postgres.js 3.4 never finishes end() for a reserved connection whose socket died mid-query.
  return { sql, engine, close: async () => { await engine.close(); await sql.end({ timeout: 1 }); } };
}

export async function insertAuthUser(sql: postgres.Sql, email = ADMIN_EMAIL, id = ADMIN_ID): Promise<void> {
  await sql`insert into auth.users (id, email) values (${id}, ${email})`;
}

export interface Outcome {
  readonly events: ApplyEvent[];
  readonly done: DoneEvent;
}

/** Runs a prepared run (failing the test when it was refused) and collects its events. */
export async function runAll(prepared: Prepared): Promise<Outcome> {
  if (!prepared.ok) throw new Error(`refused: ${prepared.rejection.code}: ${prepared.rejection.message}`);
  const events: ApplyEvent[] = [];
  const done = await prepared.run.run((event) => events.push(event));
  return { events, done };
}

/** prepareApply + run. */
export async function apply(engine: MigrationEngine, request: ApplyRequest): Promise<Outcome> {
  return await runAll(await engine.prepareApply(request));
}

/** The refusal of a prepare (failing the test when it was not refused). */
export async function refusal(prepared: Promise<Prepared>): Promise<{ status: number; code: string; message: string; details?: unknown }> {
  const result = await prepared;
  if (result.ok) {
    await result.run.cancel();
    throw new Error(`expected a refusal, got a run of ${JSON.stringify(result.run.pending)}`);
  }
  return result.rejection;
}

export async function tableExists(sql: postgres.Sql, name: string): Promise<boolean> {
  const [row] = await sql`select to_regclass(${name}) is not null as exists`;
  return row.exists;
}

export async function trackingNames(sql: postgres.Sql): Promise<string[]> {
  if (!(await tableExists(sql, "supamigrate.migrations"))) return [];
  const rows = await sql`select name from supamigrate.migrations order by applied_at, name`;
  return rows.map((r) => r.name);
}

export async function eventLog(sql: postgres.Sql): Promise<Array<{ event: string; name: string | null }>> {
  if (!(await tableExists(sql, "supamigrate.events"))) return [];
  const rows = await sql`select event, name from supamigrate.events order by id`;
  return rows.map((r) => ({ event: r.event, name: r.name }));
}

/** Every relation, type and function outside the system schemas: a database's shape, to compare before/after. */
export async function catalogSnapshot(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql`
    select 'class ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text as item
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%'
    union all
    select 'schema ' || nspname from pg_namespace
    union all
    select 'proc ' || n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname not in ('pg_catalog', 'information_schema')
    union all
    select 'policy ' || schemaname || '.' || tablename || '.' || policyname from pg_policies
    order by 1`;
  return rows.map((r) => r.item);
}

/** Just the events' names (and file names), for exact sequence assertions. */
export function eventSummary(events: readonly ApplyEvent[]): string[] {
  return events.map((e) => ("name" in e && e.name ? `${e.event} ${e.name}` : e.event));
}
