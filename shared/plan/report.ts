/**
 * The deployment report for the pending files (`supamigrate plan`), the seed's pre-deployment checklist
 * gathered in one place: what is pending, each file's rollback (present, and round-trip-verified by a
 * dry run), the backups the engine will take, locks and rewrites (from a traced dry run), breaking
 * changes, the RLS picture, placeholders still needing values, and drift that would stop the apply.
 * Everything but the dry run is read-only (status, plan, the local files).
 */
import { applyAll, type FunctionClient } from "../client/index.ts";
import { backupTargets } from "../schema/backup-targets.ts";
import { breakingChanges } from "../schema/breaking/analyze.ts";
import type { Finding } from "../lint/types.ts";
import type { ApplyRequest, PlanResponse } from "../protocol/types.ts";
import { isReady } from "./render.ts";

export interface PlannedFile {
  readonly name: string;
  /** `needed`: none, and the file makes a destructive change (require-rollback). */
  readonly rollback: "present" | "missing" | "needed";
  /** The dry run's rollback round trip: null when not run. */
  readonly roundTrip: null | { readonly ok: boolean; readonly findings: readonly string[] };
  readonly backups: ReadonlyArray<{ readonly kind: string; readonly relation: string; readonly column: string | null }>;
  /** The traced dry run's verdict: null when not run, or the file failed. */
  readonly verdict: null | { readonly safeOnline: boolean; readonly message: string; readonly hint: string | null };
  readonly breaking: ReadonlyArray<{ readonly line: number; readonly message: string }>;
  readonly rls: ReadonlyArray<{ readonly line: number; readonly message: string }>;
  /** Lint errors in the file (they would fail CI). */
  readonly errors: ReadonlyArray<{ readonly rule: string; readonly line: number; readonly message: string }>;
  /** The dry run's failure: null when it ran, or was not run. */
  readonly failed: string | null;
  /** Each NOT NULL the file adds to a table that keeps its rows, with what the live table holds. */
  readonly notNull: ReadonlyArray<{ readonly table: string; readonly column: string; readonly failsOn: "nulls" | "rows"; readonly rows: number | null; readonly nulls: number | null }>;
}

export interface DeploymentPlan {
  /** Where the plan was made against (the function's URL, or the database without its password). */
  readonly target: string;
  readonly dryRun: boolean;
  readonly pending: readonly PlannedFile[];
  readonly drifted: readonly string[];
  readonly missing: readonly string[];
  readonly outOfOrder: readonly string[];
  readonly placeholders: PlanResponse["unresolvedPlaceholders"];
  /** True when no blocking item of the checklist failed (render.ts isReady): what `plan` exits 0 on. */
  readonly ready: boolean;
}

export interface GatherInput {
  readonly client: FunctionClient;
  readonly target: string;
  readonly request: ApplyRequest;
  readonly findings: readonly Finding[];
  /** The parsed files (lint's project), for their statements. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly path: string; readonly rollback: string | null; readonly parsed: { readonly statements: ReadonlyArray<{ readonly node: Record<string, unknown> | null }> } }>;
  readonly dryRun: boolean;
}

export async function gatherPlan(input: GatherInput): Promise<DeploymentPlan> {
  const planned = await input.client.plan(input.request);
  const notNull = await liveNotNullChecks(input, planned.pending);
  const dry = input.dryRun && planned.pending.length > 0 && planned.drifted.length === 0 && planned.missing.length === 0 &&
      planned.unresolvedPlaceholders.length === 0
    ? await dryRunEvents(input.client, input.request)
    : null;
  const byName = new Map(input.files.map((f) => [f.name, f]));
  const pending = planned.pending.map((name): PlannedFile => {
    const file = byName.get(name);
    const findingsOf = (rule: string) => input.findings.filter((f) => f.file === file?.path && f.rule === rule)
      .map((f) => ({ line: f.range.line, message: f.message }));
    const needed = input.findings.some((f) => f.file === file?.path && f.rule === "require-rollback");
    const rollbackMissing = file?.rollback == null || needed;
    const trip = dry?.roundTrips.get(name) ?? [];
    return {
      name,
      rollback: needed ? "needed" : rollbackMissing ? "missing" : "present",
      roundTrip: dry === null || rollbackMissing || dry.failed.has(name) ? null : { ok: trip.length === 0, findings: trip },
      backups: (file?.parsed.statements ?? []).flatMap((s) => backupTargets(s.node)),
      verdict: dry?.verdicts.get(name) ?? null,
      breaking: findingsOf("breaking-change"),
      rls: findingsOf("rls-not-enabled"),
      errors: input.findings.filter((f) => f.file === file?.path && f.severity === "error").map((f) => ({ rule: f.rule, line: f.range.line, message: f.message })),
      failed: dry?.failed.get(name) ?? null,
      notNull: notNull.filter((c) => c.file === file?.path).map(({ file: _file, ...check }) => check),
    };
  });
  const plan: Omit<DeploymentPlan, "ready"> = {
    target: input.target,
    dryRun: dry !== null,
    pending,
    drifted: planned.drifted.map((d) => d.name),
    missing: planned.missing,
    outOfOrder: planned.outOfOrder,
    placeholders: planned.unresolvedPlaceholders,
  };
  return { ...plan, ready: isReady({ ...plan, ready: false }) };
}

/** The breaking-change analysis's NOT NULL checks for the pending files, counted on the live database. */
async function liveNotNullChecks(input: GatherInput, pending: readonly string[]) {
  if (pending.length === 0) return [];
  const checks = breakingChanges({ files: input.files as Parameters<typeof breakingChanges>[0]["files"], pending: new Set(pending) })
    .flatMap((change) => (change.liveCheck ? [{ file: change.file, ...change.liveCheck }] : []));
  if (checks.length === 0) return [];
  const { counts } = await input.client.nullCounts({ columns: checks.map((c) => ({ table: c.table, column: c.column })) });
  return checks.map((c, i) => ({ file: c.file, table: c.table, column: c.column, failsOn: c.failsOn, rows: counts[i]?.rows ?? null, nulls: counts[i]?.nulls ?? null }));
}

interface DryRunResult {
  readonly verdicts: Map<string, { safeOnline: boolean; message: string; hint: string | null }>;
  readonly roundTrips: Map<string, string[]>;
  readonly failed: Map<string, string>;
}

/** A traced dry run of the request: each file's verdict, its rollback round trip's findings, and a failure. */
async function dryRunEvents(client: FunctionClient, request: ApplyRequest): Promise<DryRunResult> {
  const result: DryRunResult = { verdicts: new Map(), roundTrips: new Map(), failed: new Map() };
  const done = await applyAll(client, { ...request, dryRun: true, trace: true }, (event) => {
    if (event.event === "verdict") result.verdicts.set(event.name, { safeOnline: event.safeOnline, message: event.message, hint: event.hint });
    else if (event.event === "warning" && event.name && (event.code === "rollback-incomplete" || event.code === "rollback-failed-in-dry-run")) {
      result.roundTrips.set(event.name, [...(result.roundTrips.get(event.name) ?? []), event.message]);
    }
  });
  if (done.failed) result.failed.set(done.failed.name, `line ${done.failed.line}: ${done.failed.message} (${done.failed.code})`);
  return result;
}
