/**
 * Findings → diagnostics. Every diagnostic has source `supamigrate` and code `{ value: ruleId,
 * target: <rule doc> }`; cross-file findings carry related information. Only files whose findings
 * changed are re-published, so an edit in one file costs one update.
 */
import * as vscode from "vscode";
import type { Finding, Range, Severity } from "../../shared/lint/types.ts";
import type { MigrationFailure } from "../../shared/protocol/types.ts";
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

export function toDiagnostic(finding: Finding, project: MigrationProject, extensionUri: vscode.Uri): vscode.Diagnostic {
  const message = finding.help ? `${finding.message}\n${finding.help}` : finding.message;
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), message, SEVERITY[finding.severity]);
  diagnostic.source = SOURCE;
  diagnostic.code = { value: finding.rule, target: ruleDocUri(extensionUri, finding.rule) };
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

interface Published {
  readonly key: string;
  readonly entries: readonly { diagnostic: vscode.Diagnostic; finding: Finding }[];
}

/** Publishes a project's findings and remembers which finding is behind each diagnostic (for quick fixes). */
export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly published = new Map<string, Published>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Replaces the project's diagnostics; files whose findings did not change are left alone. */
  publish(project: MigrationProject, findings: readonly Finding[]): void {
    const byUri = new Map<string, { uri: vscode.Uri; findings: Finding[] }>();
    for (const finding of findings) {
      const uri = project.uriOfReported(finding.file);
      const entry = byUri.get(uri.toString()) ?? { uri, findings: [] };
      entry.findings.push(finding);
      byUri.set(uri.toString(), entry);
    }
    const prefix = project.folder.uri.toString() + "/";
    for (const key of [...this.published.keys()]) {
      if (key.startsWith(prefix) && !byUri.has(key)) {
        this.collection.delete(vscode.Uri.parse(key));
        this.published.delete(key);
      }
    }
    for (const [key, { uri, findings: fileFindings }] of byUri) {
      const fingerprint = JSON.stringify(fileFindings);
      if (this.published.get(key)?.key === fingerprint) continue;
      const entries = fileFindings.map((finding) => ({ finding, diagnostic: toDiagnostic(finding, project, this.extensionUri) }));
      this.published.set(key, { key: fingerprint, entries });
      this.collection.set(uri, entries.map((e) => e.diagnostic));
    }
  }

  /** The finding behind a diagnostic the editor hands back (matched by rule, range and message). */
  findingFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Finding | undefined {
    const code = typeof diagnostic.code === "object" ? diagnostic.code.value : diagnostic.code;
    return this.published.get(uri.toString())?.entries.find((e) =>
      e.finding.rule === code && e.diagnostic.range.isEqual(diagnostic.range) && e.diagnostic.message === diagnostic.message
    )?.finding;
  }

  clear(project: MigrationProject): void {
    this.publish(project, []);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
