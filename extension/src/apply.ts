/**
 * Runs migrations through the function with a progress notification per file. Each file is its own
 * call (`to: <file>`), so Cancel stops starting new files; the file already running finishes (or
 * fails) on the server in its own transaction, and the view is refreshed after each file. A failure
 * becomes a diagnostic at the failing line. Placeholder values are asked for before anything is sent.
 */
import * as os from "node:os";
import * as vscode from "vscode";
import { applyAll, firstOfEachWarning } from "../../shared/client/index.ts";
import type { ApplyEvent, ApplyMeta, DoneEvent, MigrationFailure, MigrationPayload } from "../../shared/protocol/types.ts";
import type { Ctx } from "./ctx.ts";
import { failureDiagnostic } from "./diagnostics.ts";
import { batchSummary, forEditor } from "./editor-messages.ts";
import { askPlaceholder, placeholderStorage } from "./placeholder-prompt.ts";
import { placeholderValues } from "./placeholder-values.ts";
import type { MigrationProject } from "./project.ts";
import { migrationPayloads } from "../../shared/protocol/payloads.ts";
import { UserError } from "./user-error.ts";

export interface BatchResult {
  readonly applied: string[];
  readonly failed: MigrationFailure | null;
  /** Files not started: the user cancelled, or an earlier file failed or was refused. */
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

/**
 * The placeholder values the files `names` (and their rollbacks) need: remembered, or asked for now.
 * A UserError when a question is cancelled: nothing is sent.
 */
export async function placeholdersFor(ctx: Ctx, project: MigrationProject, names: readonly string[]): Promise<Record<string, string>> {
  const wanted = new Set(names);
  const files = project.migrationsToRun().migrations.filter((m) => wanted.has(m.name));
  const outcome = await placeholderValues(files, placeholderStorage(ctx.extension, project.folder.uri), askPlaceholder);
  if (!outcome.ok) {
    throw new UserError(`\${${outcome.missing}} has no value (${outcome.usedBy.join(", ")} ${outcome.usedBy.length === 1 ? "uses" : "use"} it), so nothing was sent. Run the command again and enter the value when asked.`);
  }
  if (outcome.asked.length) ctx.log(`placeholder value(s) remembered for ${project.folder.name}: ${outcome.asked.join(", ")}`);
  return outcome.values;
}

/** Applies `names` (in order) one call each, under a cancellable progress notification. */
export async function applyBatch(ctx: Ctx, project: MigrationProject, names: readonly string[]): Promise<BatchResult> {
  const client = await ctx.connection.client(project);
  await saveEditors(project, names);
  const placeholders = await placeholdersFor(ctx, project, names);
  const applied: string[] = [];
  let failed = null as MigrationFailure | null;
  let notStarted: string[] = [];
  let refused = undefined as { name: string; message: string } | undefined;
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
          const done = await applyAll(client, { migrations: payloads(project), to: name, placeholders, meta: applyMeta() }, (e) => {
            logEvent(ctx, e);
            warnings.onEvent(e);
          });
          logDone(ctx, done);
          applied.push(...done.applied);
          if (done.failed) {
            failed = done.failed;
            notStarted = names.slice(i + 1);
            break;
          }
          // The view and status bar follow the batch file by file, not only at its end.
          if (done.applied.length && i < names.length - 1) await ctx.refreshStatus(project);
        } catch (e) {
          refused = { name, message: forEditor(e instanceof Error ? e.message : String(e)) };
          notStarted = names.slice(i + 1);
          ctx.log(`apply of ${name} refused: ${refused.message}`);
          break;
        }
      }
    },
  );
  await recordOutcome(ctx, project, applied, failed);
  const outcome = batchSummary(applied, failed, refused, notStarted);
  if (failed || refused) void vscode.window.showErrorMessage(`Supamigrate: ${outcome}`);
  else if (notStarted.length) void vscode.window.showWarningMessage(`Supamigrate: ${outcome}`);
  else void vscode.window.showInformationMessage(`Supamigrate: ${outcome}`);
  warnings.show();
  return { applied, failed, notStarted, ...(refused ? { error: refused.message } : {}) };
}

/** One call with `dryRun: true`: the function runs `names` (what is pending) in a transaction and rolls it back. */
export async function dryRunAll(ctx: Ctx, project: MigrationProject, names: readonly string[]): Promise<DoneEvent> {
  const client = await ctx.connection.client(project);
  const placeholders = await placeholdersFor(ctx, project, names);
  ctx.output.show(true);
  ctx.log(`dry run against ${ctx.connection.target(project)}`);
  const warnings = runWarnings();
  const roundTrips = new Map<string, vscode.Diagnostic[]>();
  const done = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Supamigrate: dry run" },
    (progress) =>
      client.apply({ migrations: payloads(project), dryRun: true, placeholders, meta: applyMeta() }, (e) => {
        logEvent(ctx, e);
        warnings.onEvent(e);
        if (e.event === "migration-start") progress.report({ message: e.name });
        // A rollback round trip's finding sits on the rollback file, at its line when known.
        if (e.event === "warning" && e.file) {
          const path = project.reportedPath(e.file);
          const line = Math.max(0, (e.line ?? 1) - 1);
          const diagnostic = new vscode.Diagnostic(new vscode.Range(line, Math.max(0, (e.column ?? 1) - 1), line, Number.MAX_SAFE_INTEGER), e.message, vscode.DiagnosticSeverity.Warning);
          diagnostic.source = "supamigrate dry run";
          diagnostic.code = e.code;
          roundTrips.set(path, [...(roundTrips.get(path) ?? []), diagnostic]);
        }
      }),
  );
  ctx.roundTrips.clear();
  for (const [path, diagnostics] of roundTrips) ctx.roundTrips.set(project.uriOfReported(path), diagnostics);
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

/** One readable line per event of an apply or rollback stream in the output channel. */
export function logEvent(ctx: Ctx, e: ApplyEvent, run: "apply" | "rollback" = "apply"): void {
  switch (e.event) {
    case "start":
      return ctx.log(`${e.dryRun ? "dry run: " : ""}${run === "rollback" ? "to roll back" : "pending"}: ${e.pending.join(", ") || "(none)"}`);
    case "migration-start":
      return ctx.log(`  ${e.name} …`);
    case "applied":
      return ctx.log(`  ${e.name} ${e.dryRun ? "ran (dry run, rolled back)" : "applied"} in ${e.durationMs} ms`);
    case "rolled-back":
      return ctx.log(`  ${e.name} ${e.dryRun ? "rollback ran (dry run, undone)" : "rolled back"} in ${e.durationMs} ms`);
    case "failed":
      return ctx.log(`  ${e.name} FAILED at ${e.line}:${e.column} [${e.code}] ${e.message}${e.hint ? ` (hint: ${e.hint})` : ""}`);
    case "warning":
      return ctx.log(`  warning ${e.code}: ${e.message}`);
    case "done":
      return; // the caller sums the run up
    default:
      return ctx.log(`  ${JSON.stringify(e)}`);
  }
}

function logDone(ctx: Ctx, done: DoneEvent): void {
  ctx.log(`done: ${done.applied.length} file(s)${done.failed ? `, failed ${done.failed.name}` : ""}${done.stoppedBy ? `, stopped by ${done.stoppedBy}` : ""}`);
}

/** The rollback's last line: what was rolled back, or where its rollback failed. */
export function logRollbackDone(ctx: Ctx, done: DoneEvent): void {
  const what = done.applied.length ? `rolled back ${done.applied.join(", ")}` : "nothing rolled back";
  ctx.log(`rollback done: ${what}${done.failed ? `; rollback of ${done.failed.name} failed at line ${done.failed.line}: ${done.failed.message}` : ""}`);
}
