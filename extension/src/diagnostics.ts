/**
 * Findings → diagnostics. Every diagnostic has source `supamigrate` and code `{ value: ruleId,
 * target: <rule doc> }`; cross-file findings carry related information. Which files to re-publish
 * (only those whose findings changed) is the lint service's call.
 */
import * as vscode from "vscode";
import type { Finding, Range, Severity } from "../../shared/lint/types.ts";
import type { MigrationFailure } from "../../shared/protocol/types.ts";
import type { DiagnosticsSink } from "./lint-service.ts";
import type { MigrationProject } from "./project.ts";
import { ruleDocUri, SQLSTATE_DOC } from "./rule-docs.ts";

export const SOURCE = "supamigrate";

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A 1-based, end-exclusive finding range → a VS Code range. */
export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.line - 1, range.column - 1, range.endLine - 1, range.endColumn - 1);
}

export function toDiagnostic(finding: Finding, project: MigrationProject): vscode.Diagnostic {
  const message = finding.help ? `${finding.message}\n${finding.help}` : finding.message;
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), message, SEVERITY[finding.severity]);
  diagnostic.source = SOURCE;
  diagnostic.code = { value: finding.rule, target: ruleDocUri(finding.rule) };
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((r) =>
      new vscode.DiagnosticRelatedInformation(new vscode.Location(project.uriOfReported(r.file), toRange(r.range)), r.message)
    );
  }
  return diagnostic;
}

/** A failed apply at its line (code = the SQLSTATE or supamigrate error code). */
export function failureDiagnostic(failure: MigrationFailure, doc: vscode.TextDocument | undefined): vscode.Diagnostic {
  const line = Math.max(0, failure.line - 1);
  const column = Math.max(0, failure.column - 1);
  const lineEnd = doc && line < doc.lineCount ? doc.lineAt(line).range.end.character : column + 1;
  const range = new vscode.Range(line, column, line, Math.max(lineEnd, column + 1));
  const extra = [failure.detail, failure.hint].filter(Boolean).join("\n");
  const diagnostic = new vscode.Diagnostic(range, `apply failed: ${failure.message}${extra ? `\n${extra}` : ""}`, vscode.DiagnosticSeverity.Error);
  diagnostic.source = SOURCE;
  diagnostic.code = /^[0-9A-Z]{5}$/.test(failure.code) ? { value: failure.code, target: SQLSTATE_DOC } : failure.code;
  return diagnostic;
}

/** Shows the lint's findings as diagnostics and remembers which finding is behind each (for quick fixes). */
export class DiagnosticsPublisher implements DiagnosticsSink<MigrationProject>, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  /** URI → the diagnostics shown for it, each with its finding. */
  private readonly published = new Map<string, readonly { diagnostic: vscode.Diagnostic; finding: Finding }[]>();

  /** Replaces one file's diagnostics (the lint service calls this only for files whose findings changed). */
  publish(project: MigrationProject, path: string, findings: readonly Finding[]): void {
    const uri = project.uriOfReported(path);
    if (!findings.length) {
      this.collection.delete(uri);
      this.published.delete(uri.toString());
      return;
    }
    const entries = findings.map((finding) => ({ finding, diagnostic: toDiagnostic(finding, project) }));
    this.published.set(uri.toString(), entries);
    this.collection.set(uri, entries.map((e) => e.diagnostic));
  }

  /** The finding behind a diagnostic the editor hands back (matched by rule, range and message). */
  findingFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Finding | undefined {
    const code = typeof diagnostic.code === "object" ? diagnostic.code.value : diagnostic.code;
    return this.published.get(uri.toString())?.find((e) =>
      e.finding.rule === code && e.diagnostic.range.isEqual(diagnostic.range) && e.diagnostic.message === diagnostic.message
    )?.finding;
  }

  dispose(): void {
    this.collection.dispose();
  }
}
