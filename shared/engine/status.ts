/** status() and plan(): read-only views of the tracking table; they never lock or create anything. */
import type postgres from "postgres";
import type { ApplyRequest, PlanResponse, StatusResponse } from "../protocol/types.ts";
import { checkEventChain } from "./event-chain.ts";
import { lockHolder } from "./lock.ts";
import { evaluate } from "./plan.ts";
import { readTrackingRows, toAppliedMigration } from "./tracking.ts";
import type { Rejection } from "./types.ts";

type Sql = postgres.Sql;

export async function status(sql: Sql): Promise<StatusResponse> {
  const rows = await readTrackingRows(sql);
  return { applied: rows.map(toAppliedMigration), lock: await lockHolder(sql), eventLog: await checkEventChain(sql) };
}

export async function plan(sql: Sql, request: ApplyRequest): Promise<{ ok: true; plan: PlanResponse } | { ok: false; rejection: Rejection }> {
  const evaluated = await evaluate(request, await readTrackingRows(sql));
  return evaluated.ok ? { ok: true, plan: evaluated.evaluation.plan } : evaluated;
}
