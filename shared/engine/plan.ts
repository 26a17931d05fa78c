/** plan(): what an apply request would do (checks/evaluate.ts against the tracking rows), read only. */
import type postgres from "postgres";
import type { ApplyRequest, PlanResponse } from "../protocol/types.ts";
import { evaluate } from "./checks/evaluate.ts";
import { readTrackingRows } from "./tracking/rows.ts";
import type { Rejection } from "./types.ts";

export async function plan(sql: postgres.Sql, request: ApplyRequest): Promise<{ ok: true; plan: PlanResponse } | { ok: false; rejection: Rejection }> {
  const evaluated = await evaluate(request, await readTrackingRows(sql));
  return evaluated.ok ? { ok: true, plan: evaluated.evaluation.plan } : evaluated;
}
