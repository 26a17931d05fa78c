/** deployed(): the text each requested file had when it was deployed, read only; never locks or creates anything. */
import type postgres from "postgres";
import type { DeployedRequest, DeployedResponse } from "../protocol/types.ts";
import { trackingSchemaExists } from "./tracking/schema.ts";

export async function deployed(sql: postgres.Sql, request: DeployedRequest): Promise<DeployedResponse> {
  if (!(await trackingSchemaExists(sql))) return { files: [] };
  const rows = await sql`
    select name, checksum, sql from supamigrate.migrations where name = any(${sql.array([...request.names])}::text[]) order by name`;
  return { files: rows.map((r) => ({ name: r.name as string, checksum: r.checksum as string, sql: (r.sql as string | null) ?? null })) };
}
