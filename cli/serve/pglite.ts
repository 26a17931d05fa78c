/**
 * The embedded database of `supamigrate serve`: PGlite (Postgres in WASM) persisted in a folder,
 * served on 127.0.0.1 by @electric-sql/pglite-socket so the function's postgres.js can connect,
 * with the Supabase-like bootstrap applied (idempotent) on every start.
 *
 * PGlite is a single session: the socket server takes one client connection at a time, so the
 * function must use a pool of one (`SUPAMIGRATE_DB_POOL_SIZE=1`).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { uuid_ossp } from "@electric-sql/pglite/contrib/uuid_ossp";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { packageRoot } from "./package-root.ts";

export interface EmbeddedDatabase {
  /** postgres://postgres@127.0.0.1:<port>/postgres (no password: loopback only). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedDatabase(options: { dataDir: string; port?: number; seedSql?: string }): Promise<EmbeddedDatabase> {
  mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir, extensions: { pgcrypto, uuid_ossp } });
  try {
    await db.exec(readFileSync(join(packageRoot(), "supabase", "local", "supabase-bootstrap.sql"), "utf8"));
    if (options.seedSql) await db.exec(options.seedSql);
  } catch (error) {
    await db.close();
    throw error;
  }
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port ?? 0, maxConnections: 1 });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
