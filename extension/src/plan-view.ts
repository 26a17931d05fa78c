/**
 * Before Apply Pending asks for confirmation: the deployment report for the pending files (the same as
 * `supamigrate plan`, shared/plan/) in a webview beside the editor — drift, lint errors, placeholders,
 * rollbacks, backups, breaking changes, NOT NULL against the live table, RLS. Read-only: the function's
 * status, plan and NULL counts. (The locks and the rollback round trip need a dry run: Dry Run.)
 */
import * as vscode from "vscode";
import { lintProject } from "../../shared/lint/engine.ts";
import { type DeploymentPlan, gatherPlan } from "../../shared/plan/report.ts";
import { renderText } from "../../shared/plan/render.ts";
import { applyMeta, payloads } from "./apply.ts";
import type { Ctx } from "./ctx.ts";
import type { MigrationProject } from "./project.ts";

/** The report for `names` (pending, in order; `to` is the last), shown in the plan panel. */
export async function showDeploymentPlan(ctx: Ctx, project: MigrationProject, names: readonly string[], placeholders: Record<string, string>): Promise<DeploymentPlan> {
  const client = await ctx.connection.client(project);
  const applied = new Map((await client.status()).applied.map((row) => [row.name, row.checksum]));
  const linted = await lintProject({ dir: project.dir, listing: project.listing(), applied, placeholders, severities: project.config.rules });
  const plan = await gatherPlan({
    client,
    target: ctx.connection.target(project) ?? "the function",
    request: { migrations: payloads(project), to: names.at(-1) ?? null, placeholders, meta: applyMeta() },
    findings: linted.findings,
    files: linted.project.files,
    dryRun: false,
  });
  const text = renderText(plan).join("\n");
  ctx.lastPlan = text;
  ctx.log(text);
  const panel = ctx.planPanel ?? vscode.window.createWebviewPanel("supamigrate.plan", "Supamigrate: deployment plan", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
  if (!ctx.planPanel) {
    ctx.planPanel = panel;
    panel.onDidDispose(() => (ctx.planPanel = undefined));
  }
  panel.webview.html = html(text);
  panel.reveal(vscode.ViewColumn.Beside, true);
  return plan;
}

function html(text: string): string {
  const escaped = text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<style>body{font-family:var(--vscode-editor-font-family);font-size:var(--vscode-editor-font-size)}pre{white-space:pre-wrap}</style></head>` +
    `<body><pre>${escaped}</pre></body></html>`;
}
