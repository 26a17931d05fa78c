/**
 * One engine per isolate, created on the first authorized request that needs the database (never
 * before auth passes), over a small postgres.js pool. `prepare: false` because Supabase's pooler
 * runs in transaction mode, where named prepared statements break. The same pool answers the user
 * session check (identity/session.ts). The handler checks the URL (shared/protocol/db-url.ts) before
 * it gets here, so postgres.js never throws an "Invalid URL" that quotes the password.
 */
import postgres from "postgres";
import { createEngine, type DatabaseEngine, ENGINE_SESSION_PARAMETERS } from "../../../shared/engine/index.ts";
import type { MigrationEngine } from "../../../shared/engine/types.ts";
import type { FunctionConfig } from "./http/config.ts";

let current: { key: string; engine: DatabaseEngine } | null = null;

/** What the `far-from-database` warning tells a caller of the function (docs/deploy.md). */
const FAR_FROM_DATABASE_ADVICE = "Supabase runs a function in the region nearest its caller unless told otherwise: " +
  "pass the database's region (supamigrate --region <region> or SUPAMIGRATE_REGION; in VS Code, supamigrate.functionRegion).";

export function engineFor(config: FunctionConfig): MigrationEngine {
  return poolFor(config).engine;
}

/** The engine's postgres.js pool (the one it uses now: it replaces a poisoned one), for the user session check. */
export function sqlFor(config: FunctionConfig): postgres.Sql {
  return poolFor(config).engine.database();
}

function poolFor(config: FunctionConfig): { engine: DatabaseEngine } {
  const key = `${config.dbUrl}\u0000${config.poolSize}\u0000${JSON.stringify(config.engine)}`;
  if (current?.key === key) return current;
  const previous = current;
  const sql = postgres(config.dbUrl, {
    prepare: false,
    max: config.poolSize,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    // fetch_types stays on: without the type fetch, postgres.js 3.4.9 never answers a reserve() (the
    // migration lock's connection) that has to open a new connection.
    connection: { application_name: "supamigrate", ...ENGINE_SESSION_PARAMETERS },
  });
  current = { key, engine: createEngine(sql, { ...config.engine, defaultActor: "supamigrate-function", farFromDatabaseAdvice: FAR_FROM_DATABASE_ADVICE }) };
  // The settings changed (a secret was updated in a warm isolate): retire the old pool.
  previous?.engine.close().catch(() => {});
  return current;
}
