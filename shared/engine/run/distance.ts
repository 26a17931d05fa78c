/**
 * How far the engine is from its database. Every file of an apply waits for at least two round trips
 * (its statements, then its tracking row and COMMIT), so an engine far from the database is slow in a
 * way nobody sees: typically a function that Supabase ran in the caller's region, which it does unless
 * the call names one. One `select 1` measures it when near; when that is slow, two more confirm it, so
 * one slow moment of a busy machine is not reported.
 */
import type postgres from "postgres";
import type { ApplyEvent } from "../../protocol/types.ts";

/** A round trip at least this long is not the same region (within a region it is ~1 ms). */
const FAR_FROM_DATABASE_MS = 15;

async function roundTripMs(conn: postgres.Sql): Promise<number> {
  const started = performance.now();
  await conn.unsafe("select 1");
  return performance.now() - started;
}

/** The fastest of up to three round trips when all are at least FAR_FROM_DATABASE_MS, else null (near). */
export async function farFromDatabase(conn: postgres.Sql): Promise<number | null> {
  let fastest = await roundTripMs(conn);
  for (let i = 0; i < 2 && fastest >= FAR_FROM_DATABASE_MS; i++) fastest = Math.min(fastest, await roundTripMs(conn));
  return fastest >= FAR_FROM_DATABASE_MS ? fastest : null;
}

/** The `far-from-database` warning of a run of `files` files, with the caller's advice (how to get near). */
export function farFromDatabaseWarning(measuredMs: number, files: number, advice: string | null): ApplyEvent {
  const ms = Math.round(measuredMs);
  return {
    event: "warning",
    code: "far-from-database",
    message: `a round trip to the database takes ${ms} ms from here, and each file needs at least two: ` +
      `~${((2 * ms * files) / 1000).toFixed(1)} s of waiting for ${files} file${files === 1 ? "" : "s"}. ` +
      (advice ?? "Run supamigrate next to the database."),
  };
}
