/**
 * SARIF 2.1.0 (the format GitHub code scanning and other tools read): one run, the rules that can
 * report in tool.driver.rules (id, shortDescription, helpUri to the rule's doc page), one result per
 * finding with its level and region. Columns are UTF-16 code units, as the run declares.
 */
import { rules } from "../registry.ts";
import { RULE_DOCS_BASE_URL, ruleDocPath, ruleDocUrl } from "../rule-docs.ts";
import { UNUSED_IGNORE } from "../suppression.ts";
import type { Finding } from "../types.ts";

export { ruleDocPath };

export interface SarifOptions {
  readonly version: string;
  /** Prefix for rule doc links (a repository URL ending in `/`; default RULE_DOCS_BASE_URL); the doc path is appended. */
  readonly docsBase?: string;
}

export function formatSarif(findings: readonly Finding[], options: SarifOptions): string {
  const descriptors = [
    ...rules.map((r) => ({ id: r.id, summary: r.summary, level: r.defaultSeverity })),
    { id: UNUSED_IGNORE, summary: "a supamigrate-ignore comment that suppresses nothing or names an unknown rule", level: "warning" as const },
  ];
  const indexOf = new Map(descriptors.map((d, i) => [d.id, i]));
  const level = { error: "error", warning: "warning", info: "note" } as const;
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "supamigrate",
          version: options.version,
          rules: descriptors.map((d) => ({
            id: d.id,
            shortDescription: { text: d.summary },
            helpUri: ruleDocUrl(d.id, options.docsBase ?? RULE_DOCS_BASE_URL),
            defaultConfiguration: { level: level[d.level] },
          })),
        },
      },
      columnKind: "utf16CodeUnits",
      results: findings.map((f) => ({
        ruleId: f.rule,
        ...(indexOf.has(f.rule) ? { ruleIndex: indexOf.get(f.rule) } : {}),
        level: level[f.severity],
        message: { text: f.help ? `${f.message}\n${f.help}` : f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: encodeURI(f.file) },
            region: { startLine: f.range.line, startColumn: f.range.column, endLine: f.range.endLine, endColumn: f.range.endColumn },
          },
        }],
        ...(f.related?.length
          ? {
            relatedLocations: f.related.map((r, id) => ({
              id,
              message: { text: r.message },
              physicalLocation: {
                artifactLocation: { uri: encodeURI(r.file) },
                region: { startLine: r.range.line, startColumn: r.range.column, endLine: r.range.endLine, endColumn: r.range.endColumn },
              },
            })),
          }
          : {}),
      })),
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
