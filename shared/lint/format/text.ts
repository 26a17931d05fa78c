/**
 * The lint report formats (pure functions, so the CLI and the extension share them):
 * text (`file:line:col: severity rule: message`), json, GitHub workflow commands, SARIF 2.1.0.
 */
import type { Finding, Severity } from "../types.ts";

/** One finding a line, as the contract's text format: `scripts/026_x.sql:3:5: warning require-if-not-exists: <message>`. */
export function formatText(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.file}:${f.range.line}:${f.range.column}: ${f.severity} ${f.rule}: ${oneLine(f.message)}\n`).join("");
}

/** The summary line (the CLI prints it to stderr): `2 errors, 1 warning, 3 info in 10 files`. */
export function formatSummary(findings: readonly Finding[], files: number): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${count("info")} info in ${plural(files, "file")}`;
}

/** The contract's json format: `{"files": N, "findings": [{file, line, column, endLine, endColumn, rule, severity, message}]}`. */
export function formatJson(findings: readonly Finding[], files: number): string {
  const rows = findings.map((f) => ({
    file: f.file,
    line: f.range.line,
    column: f.range.column,
    endLine: f.range.endLine,
    endColumn: f.range.endColumn,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
  }));
  return `${JSON.stringify({ files, findings: rows })}\n`;
}

/** GitHub Actions annotations; info becomes `::notice`. Escaped as the runner expects. */
export function formatGithub(findings: readonly Finding[]): string {
  const level = { error: "error", warning: "warning", info: "notice" } as const;
  return findings.map((f) => {
    const props = [
      `file=${escapeProperty(f.file)}`, `line=${f.range.line}`, `col=${f.range.column}`,
      `endLine=${f.range.endLine}`, `endColumn=${f.range.endColumn}`, `title=${escapeProperty(f.rule)}`,
    ].join(",");
    return `::${level[f.severity]} ${props}::${escapeData(f.message)}\n`;
  }).join("");
}

/** Workflow command data: `%`, CR and LF are percent-encoded. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Workflow command properties: as data, plus `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, " ");
}
