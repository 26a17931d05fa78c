import { describeNamingRule, parseMigrationName } from "../../../migrations/index.ts";
import type { Rule } from "../../types.ts";

export const rule: Rule = {
  id: "invalid-filename",
  defaultSeverity: "error",
  summary: "a .sql file in the migrations folder that does not follow the naming rule",
  checkProject({ project, report }) {
    const numbers = project.files.map((f) => parseMigrationName(f.name)!.number);
    const next = nextNumber(numbers);
    for (const path of project.invalidNames) {
      const name = path.slice(path.lastIndexOf("/") + 1);
      const suggestion = `${next}_${labelOf(name)}.sql`;
      report(path, {
        at: { range: { line: 1, column: 1, endLine: 1, endColumn: 1 } },
        message: `${name} is not a migration name, so it never runs: ${describeNamingRule()}; rename to ${suggestion}`,
        help: "Migrations run in number order; pick the next free number so this file runs after the ones already deployed.",
      });
    }
  },
};

/** The next free number, as wide as the widest existing one (at least 3 digits; timestamps stay timestamps). */
export function nextNumber(numbers: readonly string[]): string {
  if (numbers.length === 0) return "001";
  const max = numbers.reduce((m, n) => (BigInt(n) > BigInt(m) ? n : m));
  return (BigInt(max) + 1n).toString().padStart(Math.max(3, max.length), "0");
}

/** A label in the naming rule's alphabet from a bad name: `26 Fix users!.SQL` → `fix_users`. */
export function labelOf(fileName: string): string {
  const stem = fileName.replace(/\.sql$/i, "").replace(/^[\d\s_.-]+/, "");
  const label = stem.toLowerCase().replace(/[^a-z0-9_.-]+/g, "_").replace(/^[^a-z0-9]+|_+$/g, "");
  return label || "migration";
}
