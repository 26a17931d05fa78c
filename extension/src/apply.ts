/**
 * Runs migrations through the function with a progress notification per file. Each file is its own
 * call (`to: <file>`), so Cancel stops starting new files; the file already running finishes (or
 * fails) on the server in its own transaction. A failure becomes a diagnostic at the failing line.
 */
import * as os from "node:os";
import * as vscode from "vscode";
import { applyAll, firstOfEachWarning } from "../../shared/client/index.ts";
import type { ApplyEvent, ApplyMeta, DoneEvent, MigrationFailure, MigrationPayload } from "../../shared/protocol/types.ts";
import type { Ctx } from "./ctx.ts";
import { failureDiagnostic } from "./diagnostics.ts";
import type { MigrationProject } from "./project.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";

export interface BatchResult {
  readonly applied: string[];
  readonly failed: MigrationFailure | null;
  /** Files not started because the user cancelled. */
  readonly notStarted: string[];
  readonly error?: string;
}

export function applyMeta(): ApplyMeta {
  let user = "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry: keep "unknown"
  }
  return { actor: `${user} (vscode)`, gitSha: null, ciRun: null };
}

export function payloads(project: MigrationProject): MigrationPayload[] {
  return migrationPayloads(project.migrationsToRun().migrations);
}

/** Saves open, modified editors of these migrations, so what runs is what was saved. */
export async function saveEditors(project: MigrationProject, names: readonly string[]): Promise<void> {
  const wanted = new Set(names);
  for (const doc of vscode.workspace.textDocuments) {
    const rel = project.relativePath(doc.uri);
    if (rel && wanted.has(rel) && doc.isDirty) await doc.save();
  }
}

/**
 * The run's warnings (out-of-order, far-from-database…), each shown once when the run is over: the
 * output channel logs every event, but a warning there is easy to miss. The time-budget stop is the
 * client's business (it resumes by itself), and a batch of one call per file sees the same warning
 * (far-from-database) once per call.
 */
function runWarnings() {
  const first = firstOfEachWarning();
  const messages: string[] = [];
  return {
    onEvent(e: ApplyEvent): void {
      if (e.event === "warning" && e.code !== "time-budget" && first(e)) messages.push(e.message);
    },
    show(): void {
      for (const message of messages) void vscode.window.showWarningMessage(`Supamigrate: ${message}`);
    },
  };
}

/** Applies `names` (in order) one call each, under a cancellable progress notification. */
export async function applyBatch(ctx: Ctx, project: MigrationProject, names: readonly string[]): Promise<BatchResult> {
  const client = await ctx.connection.client(project);
  await saveEditors(project, names);
  const applied: string[] = [];
  let failed = null as MigrationFailure | null;
  let notStarted: string[] = [];
  let error = undefined as string | undefined;
  const warnings = runWarnings();
  ctx.output.show(true);
  ctx.log(`apply ${names.length} migration(s) to ${ctx.connection.target(project)}: ${names.join(", ")}`);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Supamigrate", cancellable: true },
    async (progress, cancel) => {
      for (const [i, name] of names.entries()) {
        if (cancel.isCancellationRequested) {
          notStarted = names.slice(i);
          ctx.log(`cancelled: not starting ${notStarted.join(", ")} (cancel stops starting new files; applied files stay applied)`);
          break;
        }
        progress.report({ message: `applying ${name} (${i + 1}/${names.length}) — Cancel stops before the next file`, increment: i === 0 ? 0 : 100 / names.length });
        try {
          const done = await applyAll(client, { migrations: payloads(project), to: name, meta: applyMeta() }, (e) => {
            logEvent(ctx, e);
            warnings.onEvent(e);
          });
          logDone(ctx, done);
          applied.push(...done.applied);
          if (done.failed) {
            failed = done.failed;
            break;
          }
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          ctx.log(`apply of ${name} refused: ${error}`);
          break;
        }
      }
    },
  );
  await recordOutcome(ctx, project, applied, failed);
  if (failed) {
    void vscode.window.showErrorMessage(`Supamigrate: ${failed.name} failed at line ${failed.line}: ${failed.message}`);
  } else if (error) {
    void vscode.window.showErrorMessage(`Supamigrate: ${error}`);
  } else if (notStarted.length) {
    void vscode.window.showWarningMessage(`Supamigrate: cancelled after ${applied.length} file(s); not started: ${notStarted.join(", ")}.`);
  } else {
    void vscode.window.showInformationMessage(`Supamigrate: applied ${applied.length} migration(s).`);
  }
  warnings.show();
  return { applied, failed, notStarted, ...(error ? { error } : {}) };
}

/** One call with `dryRun: true`: the function runs everything pending in a transaction and rolls it back. */
export async function dryRunAll(ctx: Ctx, project: MigrationProject): Promise<DoneEvent> {
  const client = await ctx.connection.client(project);
  ctx.output.show(true);
  ctx.log(`dry run against ${ctx.connection.target(project)}`);
  const warnings = runWarnings();
  const done = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Supamigrate: dry run" },
    (progress) =>
      client.apply({ migrations: payloads(project), dryRun: true, meta: applyMeta() }, (e) => {
        logEvent(ctx, e);
        warnings.onEvent(e);
        if (e.event === "migration-start") progress.report({ message: e.name });
      }),
  );
  logDone(ctx, done);
  const summary = done.failed
    ? `dry run: ${done.failed.name} would fail at line ${done.failed.line}: ${done.failed.message}`
    : `dry run: ${done.applied.length} migration(s) would apply cleanly; nothing was changed.`;
  void (done.failed ? vscode.window.showErrorMessage(`Supamigrate ${summary}`) : vscode.window.showInformationMessage(`Supamigrate ${summary}`));
  warnings.show();
  return done;
}

/** Shows a failure at its line (or clears the old one), then refreshes status, lint and view. */
export async function recordOutcome(ctx: Ctx, project: MigrationProject, applied: readonly string[], failed: MigrationFailure | null): Promise<void> {
  if (applied.length || failed) {
    ctx.failures.clear();
    project.lastFailure = failed;
  }
  if (failed) {
    const uri = project.uriOfReported(project.reportedPath(failed.name));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    ctx.failures.set(uri, [failureDiagnostic(failed, doc)]);
  }
  await ctx.refreshStatus(project);
}

function logEvent(ctx: Ctx, e: ApplyEvent): void {
  switch (e.event) {
    case "start":
      return ctx.log(`${e.dryRun ? "dry run: " : ""}pending: ${e.pending.join(", ") || "(none)"}`);
    case "migration-start":
      return ctx.log(`  ${e.name} …`);
    case "applied":
      return ctx.log(`  ${e.name} ${e.dryRun ? "ran (dry run, rolled back)" : "applied"} in ${e.durationMs} ms`);
    case "rolled-back":
      return ctx.log(`  ${e.name} rolled back in ${e.durationMs} ms`);
    case "failed":
      return ctx.log(`  ${e.name} FAILED at ${e.line}:${e.column} [${e.code}] ${e.message}${e.hint ? ` (hint: ${e.hint})` : ""}`);
    case "warning":
      return ctx.log(`  warning ${e.code}: ${e.message}`);
    default:
      return ctx.log(`  ${JSON.stringify(e)}`);
  }
}

function logDone(ctx: Ctx, done: DoneEvent): void {
  ctx.log(`done: ${done.applied.length} file(s)${done.failed ? `, failed ${done.failed.name}` : ""}${done.stoppedBy ? `, stopped by ${done.stoppedBy}` : ""}`);
}
