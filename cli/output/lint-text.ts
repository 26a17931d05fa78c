/**
 * `supamigrate lint` text output on a terminal: the contract's line (`file:line:col: severity rule: message`)
 * with the severity in colour and the rule id dimmed, and the summary coloured by its worst severity.
 * Without colour (not a TTY, NO_COLOR) the bytes are exactly shared/lint's formatText and formatSummary.
 */
import { formatSummary, formatText } from "../../shared/lint/format/text.ts";
import type { Finding, Severity } from "../../shared/lint/types.ts";
import type { Colors } from "./colors.ts";

export function lintText(findings: readonly Finding[], colors: Colors): string {
  if (!colors.enabled) return formatText(findings);
  const paint: Record<Severity, (text: string) => string> = { error: colors.red, warning: colors.yellow, info: colors.cyan };
  return findings.map((f) =>
    `${f.file}:${f.range.line}:${f.range.column}: ${colors.bold(paint[f.severity](f.severity))} ${colors.dim(f.rule)}: ${f.message.replace(/\r?\n/g, " ")}\n`
  ).join("");
}

export function lintSummary(findings: readonly Finding[], files: number, colors: Colors): string {
  const summary = formatSummary(findings, files);
  if (findings.some((f) => f.severity === "error")) return colors.red(summary);
  if (findings.some((f) => f.severity === "warning")) return colors.yellow(summary);
  return colors.green(summary);
}
