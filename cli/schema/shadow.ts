/**
 * The expected catalog of `verify --schema` and `diff`: the applied migrations run, in the order they were
 * applied, on a shadow database — PGlite in memory (no Docker, no server), with the Supabase bootstrap
 * `supamigrate serve` uses — then snapshotted with the engine's own query (shared/engine/catalog/).
 *
 * Each statement runs in a savepoint of its file's transaction, so one that fails on the empty shadow
 * (a data step such as 012's "no auth.users row has the email …") is left out and noted, and the rest
 * of the file still counts. A file whose statement cannot run in a transaction runs alone, as apply runs it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CatalogSnapshot } from "../../shared/protocol/catalog.ts";
import { readSnapshot } from "../../shared/engine/catalog/snapshot.ts";
import { prepareFile } from "../../shared/engine/run/split.ts";
import { ENGINE_SESSION_PARAMETERS } from "../../shared/engine/session-parameters.ts";
import { loadParser } from "../../shared/sql/index.ts";
import { packageRoot } from "../serve/package-root.ts";

export interface ShadowFile {
  readonly name: string;
  readonly sql: string;
}

/** A statement the shadow could not run: left out of the expected catalog. */
export interface ShadowNote {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface Shadow {
  readonly snapshot: CatalogSnapshot;
  readonly notes: readonly ShadowNote[];
  /** How long building it took (PGlite start, bootstrap, files, snapshot), ms. */
  readonly durationMs: number;
}

interface PgliteLike {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  close(): Promise<void>;
}

/** Runs `files` (in this order, `placeholders` substituted) on a fresh shadow and snapshots it. */
export async function buildShadow(files: readonly ShadowFile[], placeholders: Readonly<Record<string, string>>): Promise<Shadow> {
  const started = performance.now();
  await loadParser();
  const [{ PGlite }, { pgcrypto }, { uuid_ossp }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/pgcrypto"),
    import("@electric-sql/pglite/contrib/uuid_ossp"),
  ]);
  const db: PgliteLike = await PGlite.create({ extensions: { pgcrypto, uuid_ossp } });
  try {
    await db.exec(readFileSync(join(packageRoot(), "supabase", "local", "supabase-bootstrap.sql"), "utf8"));
    await resetSession(db);
    const notes: ShadowNote[] = [];
    for (const file of files) notes.push(...await runFile(db, file, placeholders));
    await db.exec("begin read only");
    const snapshot = await readSnapshot(async (text, params) => (await db.query(text, params ? [...params] : undefined)).rows as Record<string, unknown>[]);
    await db.exec("rollback");
    return { snapshot, notes, durationMs: Math.round(performance.now() - started) };
  } finally {
    await db.close();
  }
}

/**
 * The session as the engine's: its search_path (Supabase's default for `postgres`), nothing a migration
 * SET carried over (the engine runs RESET ALL after each file).
 */
async function resetSession(db: PgliteLike): Promise<void> {
  await db.exec("reset all");
  await db.query("select pg_catalog.set_config('search_path', $1, false)", [ENGINE_SESSION_PARAMETERS.search_path]);
}

async function runFile(db: PgliteLike, file: ShadowFile, placeholders: Readonly<Record<string, string>>): Promise<ShadowNote[]> {
  const prepared = prepareFile(file.sql, placeholders);
  if ("problem" in prepared) {
    const line = "line" in prepared ? prepared.line : 1;
    const column = "column" in prepared ? prepared.column : 1;
    return [{ name: file.name, line, column, message: `not run on the shadow: ${prepared.problem}` }];
  }
  const notes: ShadowNote[] = [];
  const note = (fileStart: number, error: unknown) => {
    const { line, column } = prepared.index.positionAt(fileStart);
    notes.push({ name: file.name, line, column, message: error instanceof Error ? error.message : String(error) });
  };
  if (!prepared.transactional) {
    const statement = prepared.statements[0];
    await db.query(statement.text).catch((error) => note(statement.fileStart, error));
    return notes;
  }
  await db.exec("begin");
  try {
    for (const statement of prepared.statements) {
      await db.exec("savepoint supamigrate_shadow");
      try {
        await db.query(statement.text);
        await db.exec("release savepoint supamigrate_shadow");
      } catch (error) {
        await db.exec("rollback to savepoint supamigrate_shadow");
        note(statement.fileStart, error);
      }
    }
    await db.exec("commit");
  } catch (error) {
    await db.exec("rollback").catch(() => {});
    throw error;
  }
  await resetSession(db);
  return notes;
}
