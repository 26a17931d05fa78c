import { findPlaceholders } from "../../../migrations/index.ts";
import { spanRange, TextIndex } from "../../../sql/index.ts";
import type { Report, Rule } from "../../types.ts";

export const rule: Rule = {
  id: "unresolved-placeholder",
  defaultSeverity: "warning",
  summary: "a placeholder with no value supplied",
  checkProject({ project, report }) {
    const values = project.placeholders;
    for (const file of project.files) {
      check(file.text, file.parsed.index, values, (r) => report(file.path, r));
      if (file.rollback !== null) {
        // The rollback runs with the same values; its text is not parsed, so index it here.
        check(file.rollback, new TextIndex(file.rollback), values, (r) => report(file.rollbackPath, r));
      }
    }
  },
};

function check(text: string, index: TextIndex, values: Readonly<Record<string, string>> | null, report: (r: Report) => void): void {
  if (!text.includes("${")) return;
  const uses = findPlaceholders(text);
  const seen = new Set<string>();
  for (const use of uses) {
    // One finding per name and file, at its first use.
    if ((values && Object.hasOwn(values, use.name)) || seen.has(use.name)) continue;
    seen.add(use.name);
    const count = uses.filter((u) => u.name === use.name).length;
    const times = count > 1 ? ` (used ${count} times in this file)` : "";
    const range = spanRange(index, use.start, use.end);
    if (values === null) {
      report({
        at: { range },
        severity: "info",
        message: `\${${use.name}} needs a value at apply time: --set ${use.name}=…${times}`,
        help: `Pass the value when applying (supamigrate apply --set ${use.name}=…); the file is checksummed as written.`,
      });
    } else {
      report({
        at: { range },
        severity: "error",
        message: `\${${use.name}} has no value; supply it with --set ${use.name}=…${times}`,
        help: "Every placeholder a pending migration (or its rollback) uses needs a value, or the SQL runs with the placeholder text in it.",
      });
    }
  }
}
