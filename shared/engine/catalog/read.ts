/** catalog(): the live catalog's snapshot (`GET catalog`), in a read-only transaction; never locks or writes. */
import type postgres from "postgres";
import type { CatalogSnapshot } from "../../protocol/catalog.ts";
import { readSnapshot } from "./snapshot.ts";

export async function catalogSnapshot(sql: postgres.Sql): Promise<CatalogSnapshot> {
  return await sql.begin("read only", (tx) => readSnapshot((text, params) => tx.unsafe(text, params as postgres.ParameterOrJSON<never>[] | undefined)));
}
